#include "sim/simulation.h"

namespace dmftlab {

EngineResult runSimulation(SimEngine, const RunConfig &, const ProgressCallback &,
                           const std::atomic<bool> *)
{
    EngineResult r;
    r.status = Status::InvalidInput;
    r.message = "simulation not implemented yet";
    return r;
}

} // namespace dmftlab
