#include "engine/theory.h"

#include "dmft/dmftsolver.h"
#include "dmft/onlineode.h"
#include "dmft/timestep.h"
#include "engine/reducer.h"

namespace dmftlab
{

std::string checkTheoryEngine(const std::string &engine, const RunConfig &config)
{
    if (engine == "dmft")
        return checkDmft(config, engineReducer().ranks());
    if (engine == "ode")
        return checkOnlineOde(config);
    return "unknown theory engine '" + engine + "'";
}

EngineResult runTheoryEngine(const std::string &engine, const RunConfig &config,
    const ProgressCallback &progress, const std::atomic<bool> *cancel)
{
    if (auto err = checkTheoryEngine(engine, config); !err.empty()) {
        EngineResult r;
        r.status = Status::InvalidInput;
        r.message = err;
        r.curves.engine = engine;
        return r;
    }
    if (engine == "dmft")
        return runDmftWithTimeStepControl(config, progress, cancel);
    return runOnlineOdeEngine(config, progress, cancel);
}

} // namespace dmftlab
