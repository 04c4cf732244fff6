// Mean and standard error across independent seeds or replicas.
#pragma once

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <vector>

namespace dmftlab {

/// Accumulates samples x_1..x_R of a fixed-size array; mean and SE = sd / √R
/// (NaN for R = 1). Works for any Eigen array shape via the flat vector.
class ReplicaStatistics {
public:
    void add(const Eigen::Ref<const Eigen::ArrayXd> &x)
    {
        if (m_count == 0) {
            m_sum = Eigen::ArrayXd::Zero(x.size());
            m_sumSq = Eigen::ArrayXd::Zero(x.size());
        }
        m_sum += x;
        m_sumSq += x.square();
        ++m_count;
    }
    int count() const { return m_count; }
    Eigen::ArrayXd mean() const { return m_sum / m_count; }
    Eigen::ArrayXd se() const
    {
        if (m_count < 2)
            return Eigen::ArrayXd::Constant(m_sum.size(), std::numeric_limits<double>::quiet_NaN());
        const Eigen::ArrayXd mu = mean();
        const Eigen::ArrayXd var = ((m_sumSq - m_count * mu.square()) / (m_count - 1)).max(0.0);
        return (var / m_count).sqrt();
    }

private:
    Eigen::ArrayXd m_sum, m_sumSq;
    int m_count = 0;
};

} // namespace dmftlab
