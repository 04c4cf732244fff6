// The SGF's time step (theory §8), as dmft/timestep.h does it for the DMFT: the SGF simulation
// is Euler–Maruyama at δ = Δ / sim.substeps, O(δ) away from continuous SGF at the same d. With
// sim.continuous_time = estimate | extrapolate a second run at 2Δ (time.steps / 2 grid steps,
// the same sub-steps) estimates that error, |X^Δ − X^{2Δ}|, or gives the continuous-time curves
// 2 X^Δ − X^{2Δ} (Richardson; with a third run at 4Δ for the remaining error when 4 | N),
// with dmft/timestep.h's estimateDiscretisation and extrapolateTimeStep.
//
// The runs share their randomness: the same seeds give the same data and initial θ, and each
// Euler step of the 2Δ run uses the sum of the Brownian increments of the two steps of the Δ run
// over the same interval (SimulationOptions::noisePairing). So each run has exactly its own law,
// most of the seeds' spread cancels in X^Δ − X^{2Δ}, and the extrapolation's SE is the spread
// over seeds of each seed's own 2 X_s^Δ − X_s^{2Δ}. C_θ and C_g stay those of the Δ run.
#pragma once

#include "config/config.h"
#include "engine/engine.h"

#include <atomic>

namespace dmftlab
{

/// The "sgf" engine: runSimulation(SimEngine::Sgf, …) and, per config.sim.continuousTime, the
/// coupled runs at 2Δ (and 4Δ). Their progress comes without a snapshot (their grid differs).
EngineResult runSgfWithTimeStepControl(
    const RunConfig &config, const ProgressCallback &progress, const std::atomic<bool> *cancel);

} // namespace dmftlab
