// Finite-d simulations (theory §2): multi-pass minibatch SGD, SGF by Euler–Maruyama,
// online SGD. The ground truth every d = ∞ engine is checked against.
//
// Seed s = 0..S−1 uses the seed value config.sim.seed + s (see sim/instance.h for the
// instance and sim/seedsimulation.h for the dynamics); seeds run in parallel on
// resolvedThreads(config.sim.threads) std::threads, each seed single-threaded, and are
// combined in seed order, so results are identical for every thread count.
//
// Result: mean ± SE over seeds of train loss, test loss/error, Q, M and the kernels C_θ,
// C_g (k×k blocks; no C_g for online SGD). Status Completed (validPoints = N+1);
// Diverged when any seed blows up (every seed is then cut at the earliest blow-up,
// validPoints = the grid points before it, message names the parameter to lower);
// Cancelled with whatever was computed (a grid point then averages the seeds that reached
// it, validPoints = the furthest point reached); InvalidInput for unusable sizes.
// Progress: after every grid point of every seed, from worker threads but never two
// calls at once; snapshots (the seeds' points so far, kernels of finished seeds) at most
// every 50 ms and when a seed finishes.
#pragma once

#include "engine/engine.h"

#include <vector>

namespace dmftlab
{

enum class SimEngine { Sgd, Sgf, Online };

/// The engine's registry name ("sgd", ...; engine/registry.h).
std::string toString(SimEngine e);
/// The engine's registry label ("SGD", ...) — for progress and messages.
const char *displayName(SimEngine e);

/// Nothing when `engine` can simulate `config`, else the problem: the keys at fault and a
/// one-line message naming them.
EngineCheck checkSimulation(SimEngine engine, const RunConfig &config);

/// For tests of the cost (issue 15: curves rebuilt over all seeds at every snapshot made
/// 10 000 seeds quadratic): seed entries touched so far, in this process, to build curves —
/// one per seed committed (accumulated once, in seed order) plus, at each snapshot, one per
/// seed begun and not yet committed. Linear in the seeds: at most seeds + snapshots × threads.
long long simulationSeedVisits();

/// How sim/simtimestep.h runs the SGF at its time-step levels.
struct SimulationOptions {
    /// SeedSimulation's noisePairing: this run's Brownian increments are sums of those of the
    /// run with time.steps × noisePairing steps and the same seeds.
    int noisePairing = 1;
    /// When set and every seed completed: each seed's curves alone (its values as the means; no
    /// meaningful SE, no kernels).
    std::vector<Curves> *seedCurves = nullptr;
};

/// Runs config.sim.seeds independent seeds (in parallel over config.sim.threads) and
/// returns mean ± SE of every observable on the grid.
EngineResult runSimulation(SimEngine engine, const RunConfig &config, const ProgressCallback &progress,
    const std::atomic<bool> *cancel, const SimulationOptions &options = {});

} // namespace dmftlab
