// The engine registry: one table of every engine DMFT Lab can run (LLVM's pass registry,
// Qt's plugin metadata). Each entry has the id used on the command line, in file names
// and in sessions, the one display label used everywhere (plots, progress, status bar,
// messages), whether it is a finite-d simulation (theory §2) or a d = ∞ theory (§3–§6),
// whether it is SGF-type (takes τ only; SGD and online SGD need η and B), which kernels
// it produces, its check and its run function. Callers (CLI, run controller, figures,
// sessions, help, sweeps) ask this table instead of comparing engine names.
#pragma once

#include "engine/engine.h"

#include <functional>
#include <string>
#include <vector>

namespace dmftlab
{

/// A stable handle for code that must treat one engine specially (e.g. its plot marker);
/// everything else should ask the EngineInfo's properties.
enum class EngineId { Sgd, Sgf, Online, Dmft, Ode };

enum class EngineKind {
    Simulation, ///< finite d, mean ± SE over seeds (theory §2)
    Theory, ///< d = ∞, deterministic up to sampled-path error (theory §3–§6)
};

struct EngineInfo {
    EngineId id;
    std::string name; ///< "sgd": command line, file prefixes, sessions, Curves::engine
    std::string label; ///< "SGD": the one spelling for users
    std::string detail; ///< short qualifier for choosers: "multi-pass minibatch"
    std::string summary; ///< one line for --help: what it computes
    EngineKind kind;
    bool sgfType; ///< takes τ only (SGF, DMFT, ODE); else η and B
    bool finiteSamples; ///< trains on n = α d fixed samples (multi-pass); online draws fresh ones
    bool fixedPoint; ///< iterates to a fixed point (residuals, max_iterations)
    /// File stems (io::kernelFiles) of the kernels it produces.
    std::vector<std::string> kernels;
    /// Engine-specific checks after validate(config): nothing when it can run, else the
    /// problem with the keys at fault.
    std::function<EngineCheck(const RunConfig &)> check;
    std::function<EngineResult(const RunConfig &, const ProgressCallback &, const std::atomic<bool> *)> run;
    /// Config sections the engine never reads ("dmft" for a simulation, "sim" for the
    /// DMFT): a change there leaves its result the same bit for bit, so a result can be
    /// reused across it (resultKey). test_engine_registry changes every key of them.
    std::vector<std::string> ignoredSections;

    bool isSimulation() const { return kind == EngineKind::Simulation; }
    bool isTheory() const { return kind == EngineKind::Theory; }
    bool produces(const std::string &kernelStem) const;
};

/// Every engine, in the order of the CLI's help: sgd, sgf, online, dmft, ode.
const std::vector<EngineInfo> &engineRegistry();
/// The entry named `name`; null when there is none.
const EngineInfo *findEngine(const std::string &name);
const EngineInfo &engineInfo(EngineId id);
/// The registry name of `id` ("dmft" for EngineId::Dmft), for code that names one engine.
const std::string &engineName(EngineId id);
/// "sgd, sgf, online, dmft, ode" (the names joined by `separator`).
std::string engineNameList(const std::string &separator = ", ");
/// The label of `name`, or `name` itself for an unknown engine.
std::string engineLabel(const std::string &name);
/// What determines `engine`'s result on `config`, as text: the engine's name and the
/// config as JSON without the keys that change no number (schema: affectsResults) and
/// without the engine's ignoredSections. Equal keys, equal results: a sweep point or a run
/// in the window that repeats one (say the DMFT after only d changed) reuses it.
std::string resultKey(const std::string &engine, const RunConfig &config);

} // namespace dmftlab
