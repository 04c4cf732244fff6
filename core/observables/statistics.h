// Mean and standard error across independent seeds or replicas, and the Student-t quantiles
// that turn an SE with R − 1 degrees of freedom into a band or an agreement test of stated
// coverage (theory §8: with R = 4 the SE is itself uncertain by ±35 %, and |z| > 3 happens
// several times more often than for a normal).
#pragma once

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <vector>

namespace dmftlab
{

/// Accumulates samples x_1..x_R of a fixed-size array; mean and SE = sd / √R
/// (NaN for R = 1). Works for any Eigen array shape via the flat vector.
class ReplicaStatistics
{
public:
    void add(const Eigen::Ref<const Eigen::ArrayXd> &x)
    {
        if (m_count == 0) {
            m_sum = Eigen::ArrayXd::Zero(x.size());
            m_running = Eigen::ArrayXd::Zero(x.size());
            m_m2 = Eigen::ArrayXd::Zero(x.size());
        }
        m_sum += x;
        ++m_count;
        // Welford's update for the spread: Σx² − n x̄² lost everything below √ε |x̄| (an SE of
        // 1.5e-8 for replicas equal to rounding at x̄ = 1, e.g. the exact linear model's)
        const Eigen::ArrayXd delta = x - m_running;
        m_running += delta / m_count;
        m_m2 += delta * (x - m_running);
    }
    int count() const { return m_count; }
    Eigen::ArrayXd mean() const { return m_sum / m_count; }
    Eigen::ArrayXd se() const
    {
        if (m_count < 2)
            return Eigen::ArrayXd::Constant(m_sum.size(), std::numeric_limits<double>::quiet_NaN());
        const Eigen::ArrayXd var = (m_m2 / (m_count - 1)).max(0.0);
        return (var / m_count).sqrt();
    }

private:
    Eigen::ArrayXd m_sum, m_running, m_m2; // the mean stays Σx / n (as before), the spread Welford's
    int m_count = 0;
};

/// P(|T| ≤ t) for Student's t with `dof` ≥ 1 degrees of freedom: the closed forms for integer
/// ν (Abramowitz & Stegun 26.7.3–4) in θ = atan(t / √ν), exact to round-off.
inline double studentTCentralProbability(double t, int dof)
{
    const double pi = 3.14159265358979323846;
    if (!(t > 0.0))
        return 0.0;
    if (std::isinf(t))
        return 1.0;
    const double theta = std::atan(t / std::sqrt(static_cast<double>(dof)));
    const double c2 = std::cos(theta) * std::cos(theta), s = std::sin(theta);
    if (dof % 2 == 1) {
        double term = 1.0, sum = dof > 1 ? 1.0 : 0.0;
        for (int j = 2; j <= dof - 3; j += 2) {
            term *= c2 * j / (j + 1.0);
            sum += term;
        }
        return 2.0 / pi * (theta + s * std::cos(theta) * sum);
    }
    double term = 1.0, sum = 1.0;
    for (int j = 1; j <= dof - 3; j += 2) {
        term *= c2 * j / (j + 1.0);
        sum += term;
    }
    return s * sum;
}

/// The t with P(|T| ≤ t) = `coverage` (two-sided), e.g. coverage 0.95 at dof 7 gives 2.365;
/// dof ≤ 0 means a normal (infinitely many degrees of freedom). Bisection on the closed form.
inline double studentTQuantile(double coverage, int dof)
{
    if (dof <= 0) // normal: bisection on erf
    {
        double lo = 0.0, hi = 40.0;
        for (int i = 0; i < 200; ++i) {
            const double mid = 0.5 * (lo + hi);
            (std::erf(mid / std::sqrt(2.0)) < coverage ? lo : hi) = mid;
        }
        return 0.5 * (lo + hi);
    }
    double lo = 0.0, hi = 1.0;
    while (studentTCentralProbability(hi, dof) < coverage && hi < 1e12)
        hi *= 2.0;
    for (int i = 0; i < 200; ++i) {
        const double mid = 0.5 * (lo + hi);
        (studentTCentralProbability(mid, dof) < coverage ? lo : hi) = mid;
    }
    return 0.5 * (lo + hi);
}

/// Coverage of ±1 SE of a normal, 0.6827: the band the plots draw, widened to t quantiles.
constexpr double kOneSigmaCoverage = 0.682689492137086;

} // namespace dmftlab
