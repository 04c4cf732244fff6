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
#pragma once

#include <Eigen/Dense>
#include <deque>

namespace dmftlab
{

class FixedPointMixer
{
public:
    /// memory ≥ 0 (0: damping only), damping β in (0, 1].
    FixedPointMixer(int memory, double damping);

    /// The next iterate from the current one and its image F(x).
    Eigen::VectorXd next(const Eigen::VectorXd &x, const Eigen::VectorXd &fx);
    /// The damped step (1 − β) x + β F(x) from the last call's x, F(x) (the fallback when
    /// an accelerated step is rejected); also clears the history. With memory 0, `next`
    /// returns exactly this step.
    Eigen::VectorXd restartWithDampedStep();

    int memory() const { return m_memory; }
    int historySize() const { return static_cast<int>(m_dX.size()); }

private:
    int m_memory;
    double m_beta;
    bool m_havePrevious = false;
    Eigen::VectorXd m_x, m_fx, m_f; // last iterate, its image and residual F(x) − x
    std::deque<Eigen::VectorXd> m_dX, m_dF;
};

} // namespace dmftlab
