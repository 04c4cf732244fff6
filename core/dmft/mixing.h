// Mixing for the DMFT fixed point x = F(x) (theory §4, "Fixed point"): damped iteration
// x ← x + β (F(x) − x), optionally accelerated by Anderson mixing (type II) over the last
// m steps. With common random numbers the sampled map F is deterministic, which is what
// Anderson acceleration needs; the theory page asks to measure it before adopting it
// (bench/bench_dmft.cpp prints iterations to convergence with and without).
//
// Anderson step: with f = F(x) − x and the differences ΔX, ΔF of the last iterates and
// residuals, γ = argmin ‖f − ΔF γ‖ (ridge-regularised), and
//     x_next = x + β f − (ΔX + β ΔF) γ.
// Memory 0 is plain damping. The caller restarts the history when an accelerated step is
// rejected (e.g. the next covariance is not positive semidefinite).
//
// β = 1 by default (dmft.damping): the DMFT's sampled map is causal — its C_θ, M, R_θ at
// t_n come from the paths at t_0..t_{n−1} only — so the undamped iteration makes at least one
// more grid point exact per iteration (it terminates after N + 1 at the latest), and damping
// only slows that front down (seen: logistic regression at N = 30 with tolerance 1e-300 hits
// residual exactly 0 after 44 iterations, 31 of them Anderson's). Measured (iterations of the pilot +
// replicas, β 0.5 → 1): linear regression 10 + 7 → 8 + 6, logistic 7 + 5 → 5 + 4, committee 11 + 10 → 10 + 9,
// phase retrieval 78 + 81 → 35 + 44; linear regression at τ = 2, 4 replicas from the ODE:
// 77 → 41 (plain iteration, memory 0: 69 → 30).
//
// Safeguards (issue 8; `next` with the residual of x): Anderson steps on the DMFT's sampled
// map stalled (linear regression at τ = 2 sat at residual 0.3 where damping converges) or
// spiked (phase retrieval, residuals up to ~20). The mixer remembers the best iterate so far
// (smallest residual) and its image, and
//  * growth: an accelerated iterate whose residual exceeds kGrowth × the best restarts the
//    history with the damped step from that iterate (returning to the best one replays the
//    same deterministic sequence and cycles: phase retrieval never converged that way);
//  * stall: when accelerated steps have not improved the best residual for stallWindow()
//    iterations, acceleration is switched off for good and the iteration continues as plain
//    damping from the best iterate — so the defaults converge wherever damping does, at the
//    cost of at most stallWindow() wasted iterations.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <deque>
#include <limits>

namespace dmftlab
{

class FixedPointMixer
{
public:
    /// memory ≥ 0 (0: damping only), damping β in (0, 1].
    FixedPointMixer(int memory, double damping);

    /// The next iterate from the current one and its image F(x).
    Eigen::VectorXd next(const Eigen::VectorXd &x, const Eigen::VectorXd &fx);
    /// As above, safeguarded by the residual of x (any norm of F(x) − x, the same every call).
    Eigen::VectorXd next(const Eigen::VectorXd &x, const Eigen::VectorXd &fx, double residual);
    /// The damped step (1 − β) x + β F(x) from the last call's x, F(x) (the fallback when
    /// an accelerated step is rejected); also clears the history. With memory 0, `next`
    /// returns exactly this step.
    Eigen::VectorXd restartWithDampedStep();

    int memory() const { return m_memory; }
    int historySize() const { return static_cast<int>(m_dX.size()); }
    /// Whether the stall safeguard switched acceleration off (plain damping from then on).
    bool accelerationOff() const { return m_accelerationOff; }
    /// Safeguard events so far: restarts after growth, and the stall that switched off acceleration.
    int growthRestarts() const { return m_growthRestarts; }
    int stallIteration() const { return m_stallIteration; }
    /// Iterations without a new best residual after which acceleration is switched off.
    int stallWindow() const { return std::max(10, 2 * m_memory); }
    static constexpr double kGrowth = 4.0;

private:
    Eigen::VectorXd dampedStepFromBest();

    int m_memory;
    double m_beta;
    // safeguards
    double m_bestResidual = std::numeric_limits<double>::infinity();
    Eigen::VectorXd m_xBest, m_fxBest;
    int m_calls = 0, m_sinceBest = 0, m_growthRestarts = 0, m_stallIteration = -1;
    bool m_accelerationOff = false;
    bool m_havePrevious = false;
    Eigen::VectorXd m_x, m_fx, m_f; // last iterate, its image and residual F(x) − x
    std::deque<Eigen::VectorXd> m_dX, m_dF;
};

} // namespace dmftlab
