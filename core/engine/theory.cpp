#include "engine/theory.h"

namespace dmftlab {

std::string checkTheoryEngine(const std::string &engine, const RunConfig &)
{
    return "the " + engine + " engine is not available yet in this build";
}

EngineResult runTheoryEngine(const std::string &engine, const RunConfig &config,
                             const ProgressCallback &, const std::atomic<bool> *)
{
    EngineResult r;
    r.status = Status::InvalidInput;
    r.message = checkTheoryEngine(engine, config);
    return r;
}

} // namespace dmftlab
