// Writing result files so that none is ever half-written: every file goes to a
// temporary name in the same folder and is renamed into place once complete.
#pragma once

#include "observables/curves.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dmftlab::io
{

/// Writes `content` to `path` through `path`'s folder's temp file + rename. Empty on
/// success, else a one-line reason naming the file.
std::string writeFileAtomic(const std::string &path, const std::string &content);

/// A temp path next to `path` that keeps its extension (some writers pick the format
/// from it): DIR/.NAME.tmp-PID.EXT. Rename it onto `path` with commitFile.
std::string temporaryPathFor(const std::string &path);
std::string commitFile(const std::string &temporary, const std::string &path);

/// Reads a whole file; empty error on success.
std::string readFile(const std::string &path, std::string *content);

/// Empty when `dir` exists as a writable folder or could be created (its nearest
/// existing ancestor is a writable folder); else the reason. Creates nothing.
std::string checkOutputDirectory(const std::string &dir);
/// Creates `dir` and its parents. Empty on success.
std::string createOutputDirectory(const std::string &dir);

/// File stem of a kernel in the output folder: Ctheta → "C_theta", Cg → "C_g",
/// Rtheta → "R_theta", Cu → "C_u", K → "K".
struct KernelFile {
    const Kernel Curves::*kernel;
    const char *stem;
};
const std::vector<KernelFile> &kernelFiles();

struct WriteResult {
    std::vector<std::string> files; ///< names (not paths) written, in order
    std::string error; ///< first failure; files written before it remain
    bool ok() const { return error.empty(); }
    /// Writes `content` to dir/name atomically and records the name; after a failure it
    /// writes nothing more (the first error is the one reported).
    void write(const std::string &dir, const std::string &name, const std::string &content);
};

/// Every data file of one engine's Curves into `dir` (which must exist):
/// <engine>_curves.csv; for each non-empty kernel <engine>_<stem>.csv (the trace over
/// units when blocks are k×k with k > 1, plus <engine>_<stem>_a_b.csv per block) and,
/// when standard errors exist, the same names with a _se suffix; <engine>_residuals.csv
/// when there are residuals. Rows and kernels are cut to curves.validPoints.
WriteResult writeCurvesFiles(const Curves &curves, const std::string &dir);

/// Pretty JSON text (2-space indent, trailing newline), non-finite numbers as null.
std::string jsonText(const nlohmann::json &j);

} // namespace dmftlab::io
