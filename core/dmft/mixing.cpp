#include "dmft/mixing.h"

#include <algorithm>

namespace dmftlab
{

FixedPointMixer::FixedPointMixer(int memory, double damping)
    : m_memory(std::max(0, memory))
    , m_beta(damping)
{
}

Eigen::VectorXd FixedPointMixer::next(const Eigen::VectorXd &x, const Eigen::VectorXd &fx)
{
    Eigen::VectorXd f = fx - x;
    if (m_havePrevious && m_memory > 0 && !m_accelerationOff && x.size() == m_x.size()) {
        m_dX.push_back(x - m_x);
        m_dF.push_back(f - m_f);
        if (static_cast<int>(m_dX.size()) > m_memory) {
            m_dX.pop_front();
            m_dF.pop_front();
        }
    }
    m_x = x;
    m_fx = fx;
    m_f = std::move(f);
    m_havePrevious = true;
    const int h = historySize();
    Eigen::VectorXd out = (1.0 - m_beta) * x + m_beta * fx;
    if (h == 0)
        return out;
    // Normal equations of the small least-squares problem, ridge-regularised relative to
    // their own scale so that nearly collinear differences cannot blow γ up.
    Eigen::MatrixXd A(h, h);
    Eigen::VectorXd b(h);
    for (int i = 0; i < h; ++i) {
        b[i] = m_dF[i].dot(m_f);
        for (int j = 0; j <= i; ++j)
            A(i, j) = A(j, i) = m_dF[i].dot(m_dF[j]);
    }
    const double scale = std::max(A.diagonal().maxCoeff(), 1e-300);
    A.diagonal().array() += 1e-10 * scale;
    const Eigen::VectorXd gamma = A.ldlt().solve(b);
    if (!gamma.allFinite())
        return restartWithDampedStep();
    for (int i = 0; i < h; ++i)
        out.noalias() -= gamma[i] * (m_dX[i] + m_beta * m_dF[i]);
    return out;
}

Eigen::VectorXd FixedPointMixer::next(const Eigen::VectorXd &x, const Eigen::VectorXd &fx, double residual)
{
    ++m_calls;
    const bool accelerated = m_memory > 0 && !m_accelerationOff;
    if (residual < m_bestResidual) {
        m_bestResidual = residual;
        m_sinceBest = 0;
        if (accelerated) { // only the accelerated iteration ever returns to the best iterate
            m_xBest = x;
            m_fxBest = fx;
        }
    } else {
        ++m_sinceBest;
    }
    if (!accelerated)
        return next(x, fx);
    if (m_sinceBest > 0 && m_sinceBest >= stallWindow()) {
        m_accelerationOff = true;
        m_stallIteration = m_calls;
        return dampedStepFromBest();
    }
    if (residual > kGrowth * m_bestResidual && historySize() > 0) {
        // From the current iterate: returning to the best one would replay the same
        // deterministic sequence (the sampled map is fixed) and cycle.
        ++m_growthRestarts;
        next(x, fx);
        return restartWithDampedStep();
    }
    return next(x, fx);
}

Eigen::VectorXd FixedPointMixer::dampedStepFromBest()
{
    // Forget the history; the best iterate becomes the last one, so that the next secant
    // pair is (damped step from the best) − (best), and restartWithDampedStep() repeats
    // this step.
    m_dX.clear();
    m_dF.clear();
    m_x = m_xBest;
    m_fx = m_fxBest;
    m_f = m_fxBest - m_xBest;
    m_havePrevious = true;
    return (1.0 - m_beta) * m_xBest + m_beta * m_fxBest;
}

Eigen::VectorXd FixedPointMixer::restartWithDampedStep()
{
    m_dX.clear();
    m_dF.clear();
    return (1.0 - m_beta) * m_x + m_beta * m_fx;
}

} // namespace dmftlab
