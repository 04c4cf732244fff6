#include "engine/engine.h"

#include "engine/theory.h"
#include "sim/simulation.h"

#include <chrono>
#include <cmath>
#include <sstream>

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
    if (!isSgfType(engine)) {
        if (config.optimizer.learningRate <= 0.0)
            return engine + " needs optimizer.learning_rate > 0";
        if (config.optimizer.tau && std::fabs(*config.optimizer.tau - config.sgdTau()) > 1e-12) {
            std::ostringstream os;
            os << engine << " runs with learning_rate/batch_size = " << config.sgdTau()
               << " but optimizer.tau = " << *config.optimizer.tau
               << " was set directly; unset optimizer.tau (null) or make them agree";
            return os.str();
        }
        if (engine == "sgd" && config.optimizer.batchSize > config.samples())
            return "optimizer.batch_size (" + std::to_string(config.optimizer.batchSize)
                   + ") exceeds the number of samples n = " + std::to_string(config.samples());
    }
    if (engine == "sgd" || engine == "sgf" || engine == "online") {
        const double bytes = simulationMemoryBytes(config, engine);
        if (bytes > kSimulationMemoryLimit) {
            std::ostringstream os;
            os.precision(3);
            os << engine << " would need " << bytes / 1073741824.0 << " GiB (limit "
               << kSimulationMemoryLimit / 1073741824.0
               << " GiB); lower sim.dimension, data.alpha, time.steps or sim.threads";
            return os.str();
        }
    }
    if (engine == "dmft" || engine == "ode")
        return checkTheoryEngine(engine, config);
    return {};
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
    result.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

} // namespace dmftlab
