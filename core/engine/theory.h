// Hook for the d = ∞ engines: "dmft" (core/dmft/dmftsolver.h, theory §3–§5) and "ode"
// (the online limit, core/dmft/onlineode.h, theory §6.1).
#pragma once

#include "engine/engine.h"

namespace dmftlab
{

std::string checkTheoryEngine(const std::string &engine, const RunConfig &config);
EngineResult runTheoryEngine(const std::string &engine, const RunConfig &config,
    const ProgressCallback &progress, const std::atomic<bool> *cancel);

} // namespace dmftlab
