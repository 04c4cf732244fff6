// The online-limit ODE of theory §6.1 (α → ∞ at fixed τ, T), general k:
//
//   dM/dt = −λ M − E[g zᵀ]
//   dQ/dt = −2λ Q − E[g rᵀ] − E[r gᵀ] + τ E[g gᵀ]
//
// over (r, z) ~ N(0, [[Q, M], [Mᵀ, ρ]]) and the label noise (OnlineMomentEvaluator picks
// Saad–Solla, Gauss–Hermite or quasi-random expectations). Classical RK4 with sub-steps
// of at most 0.05 on the run's grid. Serves as the "ode" engine and as the DMFT's warm
// start (onlineWarmStart): the θ-process of §4 driven by the online kernels
// K(n,n) = E[H_n] (no memory), μ_n = (E[g_n zᵀ] − E[H_n] M_n) ρ⁻¹ and white C_u.
#pragma once

#include "config/config.h"
#include "dmft/thetaprocess.h"
#include "engine/engine.h"

#include <atomic>
#include <string>
#include <vector>

namespace dmftlab
{

struct OnlineOdeTrajectory {
    Status status = Status::Running; ///< Completed, Diverged, Cancelled
    std::string message;
    int validPoints = 0; ///< grid points computed
    std::vector<Eigen::MatrixXd> Q, M; ///< per grid point
};

/// Bytes the "ode" engine needs at these sizes: its θ-process (C_θ) holds about seven
/// ((N+1)k)² matrices at once (K, C_u, R, C and the products of R C_u Rᵀ).
double onlineOdeMemoryBytes(const RunConfig &config);
constexpr double kOnlineOdeMemoryLimit = 4.0 * 1024 * 1024 * 1024;
/// Nothing when the online ODE can run this config; otherwise the problem (time.steps,
/// model.width) with a one-line message.
EngineCheck checkOnlineOde(const RunConfig &config);

/// `forceSampled`: quasi-random/GH expectations even where Saad–Solla applies (checks).
OnlineOdeTrajectory integrateOnlineOde(
    const RunConfig &config, const std::atomic<bool> *cancel = nullptr, bool forceSampled = false);

/// The "ode" engine: curves (train loss = population loss), Q, M, and C_θ from the
/// online θ-process.
EngineResult runOnlineOdeEngine(
    const RunConfig &config, const ProgressCallback &progress, const std::atomic<bool> *cancel);

/// θ-process driven by the online-limit kernels along an ODE trajectory (see above);
/// false when the trajectory is incomplete or `cancel` was set (checked between grid points).
bool onlineWarmStart(const RunConfig &config, const OnlineOdeTrajectory &traj, ThetaProcessOutput &out,
    const std::atomic<bool> *cancel = nullptr);

} // namespace dmftlab
