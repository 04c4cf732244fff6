#include "engine/registry.h"

#include "config/jsonpath.h"
#include "config/schema.h"

#include "dmft/dmftcheck.h"
#include "dmft/dmftsolver.h"
#include "dmft/onlineode.h"
#include "dmft/timestep.h"
#include "engine/reducer.h"
#include "sim/simtimestep.h"
#include "sim/simulation.h"

#include <algorithm>

namespace dmftlab
{

namespace
{

EngineInfo simulationEngine(EngineId id, SimEngine sim, std::string name, std::string label,
    std::string detail, std::string summary, bool sgfType, bool finiteSamples,
    std::vector<std::string> kernels)
{
    EngineInfo e { id, std::move(name), std::move(label), std::move(detail), std::move(summary),
        EngineKind::Simulation, sgfType, finiteSamples, /*fixedPoint=*/false, std::move(kernels), {}, {},
        /*ignoredSections=*/ { "dmft" } };
    e.check = [sim](const RunConfig &c) { return checkSimulation(sim, c); };
    e.run = [sim](const RunConfig &c, const ProgressCallback &p, const std::atomic<bool> *cancel) {
        // the SGF's time-step levels (sim.continuous_time) come with it
        return sim == SimEngine::Sgf ? runSgfWithTimeStepControl(c, p, cancel)
                                     : runSimulation(sim, c, p, cancel);
    };
    return e;
}

/// A d = ∞ engine: its check and run function are the solver's own (runEngine checks
/// before it runs).
EngineInfo theoryEngine(EngineId id, std::string name, std::string label, std::string detail,
    std::string summary, bool fixedPoint, std::vector<std::string> kernels,
    std::function<EngineCheck(const RunConfig &)> check,
    std::function<EngineResult(const RunConfig &, const ProgressCallback &, const std::atomic<bool> *)> run,
    std::vector<std::string> ignoredSections)
{
    EngineInfo e { id, std::move(name), std::move(label), std::move(detail), std::move(summary),
        EngineKind::Theory, /*sgfType=*/true, /*finiteSamples=*/false, fixedPoint, std::move(kernels),
        std::move(check), std::move(run), std::move(ignoredSections) };
    return e;
}

} // namespace

bool EngineInfo::produces(const std::string &kernelStem) const
{
    return std::find(kernels.begin(), kernels.end(), kernelStem) != kernels.end();
}

const std::vector<EngineInfo> &engineRegistry()
{
    static const std::vector<EngineInfo> table = {
        simulationEngine(EngineId::Sgd, SimEngine::Sgd, "sgd", "SGD", "multi-pass minibatch",
            "multi-pass minibatch SGD at finite d (t = steps eta / d)", /*sgfType=*/false,
            /*finiteSamples=*/true, { "C_theta", "C_g" }),
        simulationEngine(EngineId::Sgf, SimEngine::Sgf, "sgf", "SGF", "Euler–Maruyama",
            "stochastic gradient flow, Euler-Maruyama at finite d", /*sgfType=*/true, /*finiteSamples=*/true,
            { "C_theta", "C_g" }),
        simulationEngine(EngineId::Online, SimEngine::Online, "online", "online SGD", "fresh samples",
            "online SGD (a fresh sample every step) at finite d", /*sgfType=*/false, /*finiteSamples=*/false,
            { "C_theta" }),
        theoryEngine(EngineId::Dmft, "dmft", "DMFT", "d = ∞, fixed-point iteration",
            "the d = infinity DMFT of SGF (fixed-point iteration)", /*fixedPoint=*/true,
            { "C_theta", "R_theta", "C_u", "K" },
            // the memory limit is per process: the paths are split over the engine's ranks
            [](const RunConfig &c) { return checkDmftConfig(c, engineReducer().ranks()); },
            runDmftWithTimeStepControl, /*ignoredSections=*/ { "sim" }), // d = ∞: no simulation setting
        theoryEngine(EngineId::Ode, "ode", "online ODE", "α → ∞ limit",
            "the online-limit ODE (alpha -> infinity)",
            /*fixedPoint=*/false, { "C_theta" }, checkOnlineOde, runOnlineOdeEngine,
            /*ignoredSections=*/ { "sim", "dmft" }), // no sampled paths either
    };
    return table;
}

const EngineInfo *findEngine(const std::string &name)
{
    for (const auto &e : engineRegistry())
        if (e.name == name)
            return &e;
    return nullptr;
}

const EngineInfo &engineInfo(EngineId id)
{
    for (const auto &e : engineRegistry())
        if (e.id == id)
            return e;
    return engineRegistry().front(); // unreachable: every EngineId has an entry (test_engine_registry)
}

const std::string &engineName(EngineId id)
{
    return engineInfo(id).name;
}

std::string engineNameList(const std::string &separator)
{
    std::string out;
    for (const auto &e : engineRegistry())
        out += (out.empty() ? "" : separator) + e.name;
    return out;
}

std::string engineLabel(const std::string &name)
{
    const EngineInfo *e = findEngine(name);
    return e ? e->label : name;
}

std::string resultKey(const std::string &engine, const RunConfig &config)
{
    json j = configToJson(config, /*withDerived=*/false);
    for (const FieldInfo &f : configSchema())
        if (!f.affectsResults)
            jsonpath::erase(j, f.key);
    if (const EngineInfo *e = findEngine(engine))
        for (const std::string &section : e->ignoredSections)
            jsonpath::erase(j, section);
    return engine + "|" + j.dump();
}

} // namespace dmftlab
