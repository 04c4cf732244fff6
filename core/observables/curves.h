// What every engine produces on the grid t_0..t_N (theory §2 "Observables", §4
// "DMFT observables"): mean ± standard error of each curve, and the correlation
// kernels. Shared by simulations, DMFT and ODE, the CLI writers and the GUI plots.
#pragma once

#include <Eigen/Dense>
#include <optional>
#include <string>
#include <vector>

namespace dmftlab
{

/// mean[n] ± se[n] at grid index n. se is NaN where it is not defined (one seed).
/// Engines that estimate its parts (the DMFT, theory §8) also fill, per grid point:
///   seMonteCarlo    the spread of independent replicas (R − 1 degrees of freedom),
///   truncation      the fixed-point truncation error ≈ step · κ/(1 − κ), κ the contraction
///                   estimated from successive residuals;  se = √(seMonteCarlo² + truncation²);
///   discretisation  the time-discretisation (Euler, O(Δ)) error estimate of `mean` against
///                   continuous-time SGF — a bias, not part of se.
/// They stay empty when not estimated.
struct Estimate {
    std::vector<double> mean, se;
    std::vector<double> seMonteCarlo, truncation, discretisation;
    void resize(std::size_t n);
};

/// NumericalFailure: the input was fine but the computation broke down at run time (a
/// covariance that left the PSD cone, an ill-conditioned Stein solve, non-finite values in
/// a finished result); never reported as converged.
/// InternalError: a bug (an exception escaped the engine), never the user's input; the
/// message carries the exception's text.
enum class Status {
    Running,
    Completed,
    Converged,
    MaxIterations,
    Diverged,
    Cancelled,
    InvalidInput,
    InternalError,
    NumericalFailure
};
std::string toString(Status s);
/// The Status whose toString is `s`; nullopt for any other text.
std::optional<Status> statusFromString(const std::string &s);

/// A matrix-valued kernel K(t_n, t_m) with k×k' blocks: entry (a, b) is an
/// (N+1)×(N+1) matrix; se likewise (empty when not estimated).
struct Kernel {
    int rowsPerBlock = 0, colsPerBlock = 0; // k, k'
    std::vector<Eigen::MatrixXd> mean, se; // index a * colsPerBlock + b
    bool empty() const { return mean.empty(); }
    /// Σ_a K_aa (for square blocks), the trace over units.
    Eigen::MatrixXd trace() const;
    Eigen::MatrixXd traceSe() const;
    /// Bytes of the means and SEs.
    double bytes() const;
};

struct Curves {
    std::string engine; // "sgd", "sgf", "online", "dmft", "ode"
    int k = 1, kStar = 1;
    std::vector<double> t; // grid, N+1 points
    /// Number of grid points that hold computed values (N+1 when the run completed).
    int validPoints = 0;

    Estimate trainLoss, testLoss, testError;
    std::vector<Estimate> Q; // k*k,  index a * k + b
    std::vector<Estimate> M; // k*k*, index a * kStar + m

    Kernel Ctheta; // C_θ(t, s) = θ_tᵀθ_s / d (k×k blocks)
    Kernel Cg; // simulations: C_g(t, s) = (1/n) Σ_i g_i(t) g_i(s)ᵀ
    // DMFT only:
    Kernel Rtheta; // R_θ(t, s)
    Kernel Cu; // C_u(t, s)
    Kernel K; // memory kernel K(t, s)
    std::vector<double> residuals; // fixed-point residual per iteration
    /// DMFT with dmft.noise_fraction f > 0 and R ≥ 2: per iteration (aligned with residuals),
    /// the largest ratio over the state's entries of the truncation estimate to f × SE +
    /// tolerance slack (DmftSolver::noiseStopRatio); the noise stop comes when it is ≤ 1.
    /// Empty otherwise. Not written to files (the ETA uses it).
    std::vector<double> noiseStopRatios;
    int iterations = 0;
    /// Degrees of freedom of the Monte-Carlo SEs (replicas or seeds − 1; 0 = unknown): bands
    /// and agreement tests use Student-t quantiles with these (studentTQuantile()).
    int seDegreesOfFreedom = 0;
    /// The curves (and C_θ, R_θ) are extrapolated to dt → 0 (continuous_time = extrapolate,
    /// dmft/timestep.h); figures say so in their legends.
    bool continuousTime = false;

    /// Allocates every per-time estimate for N+1 grid points.
    void allocate(int k, int kStar, const std::vector<double> &grid);
    /// Bytes of every kernel's means and SEs (C_θ, C_g, R_θ, C_u, K).
    double kernelBytes() const;
};

/// Empty when, over the valid points, every mean of the per-time curves (train/test loss, test error,
/// Q, M) is finite and no SE is infinite (a NaN SE means undefined: one seed); else names the first
/// ("train loss at t = 0.2", "Q SE at t = 1"). A finished result failing this is a NumericalFailure.
std::string firstNonFinite(const Curves &c);

} // namespace dmftlab
