// summary.json, the one record of a run's outcome in an output folder, written by the
// CLI (`dmftlab-cli run`) and by the GUI's Export data alike:
//   {"version", "preset", "status", "wall_seconds", "engine_order": [...], "derived": {...},
//    "engines": {<engine>: {"status", "message", "wall_seconds", grid and size entries,
//                           engine-specific entries, "files": [...]}},
//    "plots": [...] (only when figures were written)}
// The CLI rewrites it after every engine with status "running"; whatever fails later, the
// file ends consistent with the folder: finish() writes the final status, and when even
// that cannot be written (a full disk) it removes the stale "running" summary, so that no
// summary.json ever lists fewer files or engines than the folder holds.
#pragma once

#include "config/config.h"
#include "engine/engine.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dmftlab::io
{

/// The outcome of a whole run, in increasing severity: the worst engine (or a failed
/// write) decides. Each maps to one CLI exit code (app/cli.h).
enum class RunStatus {
    Completed,
    NotConverged,
    Diverged,
    InvalidInput,
    InternalError,
    WriteFailed,
    Cancelled
};
/// "completed", "not_converged", "diverged", "invalid_input", "internal_error",
/// "write_failed", "cancelled".
std::string toString(RunStatus s);
/// What one engine's status makes of the run (Converged → Completed, ...).
RunStatus runStatusFor(Status engineStatus);
RunStatus worse(RunStatus a, RunStatus b);

/// One engine's entry of summary.json.
struct EngineOutcome {
    std::string engine;
    Status status = Status::Running;
    std::string message;
    double wallSeconds = 0.0;
    const Curves *curves = nullptr; ///< may be null (nothing computed)
    nlohmann::json extra = nlohmann::json::object(); ///< EngineResult::extra
    std::vector<std::string> files; ///< names written into the folder
};

class RunSummary
{
public:
    /// A summary of `engines` (in run order) on `config`, to be written into `dir`.
    RunSummary(const RunConfig &config, const std::vector<std::string> &engines, std::string dir);

    void setEngine(const EngineOutcome &outcome);
    /// An engine that never started (cancelled before its turn).
    void setSkipped(const std::string &engine, const std::string &message);
    void setPlots(const std::vector<std::string> &files);
    void setWallSeconds(double seconds);
    /// Folds an engine's status or a failed write into the run's status.
    void record(RunStatus s) { m_status = worse(m_status, s); }
    RunStatus status() const { return m_status; }

    /// Writes summary.json with status "running". Empty on success.
    std::string writeProgress();
    /// Writes the final summary.json. On failure the stale one is removed and the error
    /// says so; either way the folder holds no summary that disagrees with it.
    std::string finish();

    const nlohmann::json &document() const { return m_json; }
    std::string path() const;

private:
    std::string write(const std::string &status);

    const RunConfig m_config;
    std::string m_dir;
    nlohmann::json m_json;
    RunStatus m_status = RunStatus::Completed;
};

} // namespace dmftlab::io
