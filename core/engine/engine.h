// One entry point for every engine (simulations sgd/sgf/online, DMFT, online ODE), so
// the CLI, the GUI's run controller, the tests and the benchmarks drive them alike.
// Errors are values; progress is an immutable snapshot; cancel is an atomic flag.
#pragma once

#include "config/config.h"
#include "observables/curves.h"
#include "observables/distributions.h"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dmftlab
{

struct ProgressReport {
    std::string engine;
    double fraction = 0.0; ///< 0..1 of the expected work
    std::string text; ///< e.g. "SGF seed 3/8, t = 2.4" or "DMFT iteration 12, residual 3.1e-4"
    /// Curves so far (partial for simulations, the current iterate for DMFT). May be null.
    std::shared_ptr<const Curves> snapshot;
};
using ProgressCallback = std::function<void(const ProgressReport &)>;

struct EngineResult {
    Status status = Status::Running;
    std::string message; ///< one line for users: why it stopped, which parameter to lower
    Curves curves;
    double wallSeconds = 0.0;
    json extra = json::object(); ///< engine-specific summary entries (iterations, residual, ...)
    /// Laws at config.output.distributionTimes (simulations and DMFT); null when none asked.
    std::shared_ptr<const DistributionRecord> distributions;
};

/// The registry's engine names in order (engine/registry.h has the whole table).
const std::vector<std::string> &engineNames();
bool isKnownEngine(const std::string &engine);
/// SGF-type engines take τ only (SGF, DMFT, ODE); SGD and online need η and B.
bool isSgfType(const std::string &engine);

/// What an engine check finds: nothing when the engine can run the config, else the first
/// problem as data — the config keys at fault (the GUI marks those fields) and a one-line
/// message naming them (the CLI prints it).
using EngineCheck = std::optional<ConfigError>;

/// Checks that `engine` can run `config`: validation (validateAll's first problem), then the
/// engine's own check from the registry (memory, τ set directly for an SGD engine,
/// unsupported models...). An unknown engine is an error without keys.
EngineCheck checkEngine(const std::string &engine, const RunConfig &config);

/// Runs one engine to completion, cancellation or failure. Thread-safe for distinct
/// calls; uses up to config.sim.threads worker threads. `progress` may be empty and is
/// called from worker threads. `cancel` may be null. Never throws: an exception from the
/// engine (or from `progress`) becomes Status::InternalError with its message.
EngineResult runEngine(const std::string &engine, const RunConfig &config,
    const ProgressCallback &progress = {}, const std::atomic<bool> *cancel = nullptr);

} // namespace dmftlab
