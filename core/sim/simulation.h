// Finite-d simulations (theory §2): multi-pass minibatch SGD, SGF by Euler–Maruyama,
// online SGD. The ground truth every d = ∞ engine is checked against.
#pragma once

#include "engine/engine.h"

namespace dmftlab {

enum class SimEngine { Sgd, Sgf, Online };

/// Runs config.sim.seeds independent seeds (in parallel over config.sim.threads) and
/// returns mean ± SE of every observable on the grid.
EngineResult runSimulation(SimEngine engine, const RunConfig &config,
                           const ProgressCallback &progress, const std::atomic<bool> *cancel);

} // namespace dmftlab
