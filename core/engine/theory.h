// Hook for the d = ∞ engines ("dmft", "ode"). Implemented in engine/theory.cpp, which
// dispatches to core/dmft. Until the solver lands it reports that it is not available.
#pragma once

#include "engine/engine.h"

namespace dmftlab {

std::string checkTheoryEngine(const std::string &engine, const RunConfig &config);
EngineResult runTheoryEngine(const std::string &engine, const RunConfig &config,
                             const ProgressCallback &progress, const std::atomic<bool> *cancel);

} // namespace dmftlab
