#include "engine/engine.h"

#include "engine/theory.h"
#include "sim/simulation.h"

#include <chrono>

namespace dmftlab {

const std::vector<std::string> &engineNames()
{
    static const std::vector<std::string> names = {"sgd", "sgf", "online", "dmft", "ode"};
    return names;
}

bool isKnownEngine(const std::string &engine)
{
    for (const auto &n : engineNames())
        if (n == engine)
            return true;
    return false;
}

bool isSgfType(const std::string &engine)
{
    return engine == "sgf" || engine == "dmft" || engine == "ode";
}

std::string checkEngine(const std::string &engine, const RunConfig &config)
{
    if (!isKnownEngine(engine))
        return "unknown engine '" + engine + "' (known: sgd, sgf, online, dmft, ode)";
    if (auto err = validate(config); !err.empty())
        return err;
    if (engine == "sgd")
        return checkSimulation(SimEngine::Sgd, config);
    if (engine == "sgf")
        return checkSimulation(SimEngine::Sgf, config);
    if (engine == "online")
        return checkSimulation(SimEngine::Online, config);
    return checkTheoryEngine(engine, config);
}

EngineResult runEngine(const std::string &engine, const RunConfig &config,
                       const ProgressCallback &progress, const std::atomic<bool> *cancel)
{
    const auto start = std::chrono::steady_clock::now();
    EngineResult result;
    if (auto err = checkEngine(engine, config); !err.empty()) {
        result.status = Status::InvalidInput;
        result.message = err;
        result.curves.engine = engine;
        return result;
    }
    if (engine == "sgd")
        result = runSimulation(SimEngine::Sgd, config, progress, cancel);
    else if (engine == "sgf")
        result = runSimulation(SimEngine::Sgf, config, progress, cancel);
    else if (engine == "online")
        result = runSimulation(SimEngine::Online, config, progress, cancel);
    else
        result = runTheoryEngine(engine, config, progress, cancel);
    result.curves.engine = engine;
    // A non-finite value is never a result, whatever the engine reported (issue 8).
    if (result.status == Status::Completed || result.status == Status::Converged
        || result.status == Status::MaxIterations) {
        if (auto where = firstNonFinite(result.curves); !where.empty()) {
            result.message = engine + " failed: non-finite " + where + " (the engine reported \""
                + toString(result.status) + "\": " + result.message + ")";
            result.status = Status::NumericalFailure;
        }
    }
    result.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

} // namespace dmftlab
