#include "dmft/closedform.h"

#include <cmath>

namespace dmftlab
{

double marchenkoPasturAverage(double alpha, const std::function<double(double)> &f)
{
    // s = c + r cos φ turns the square-root edges of the density
    // √((s₊ − s)(s − s₋)) / (2π γ s), γ = 1/α, into a smooth periodic integrand: the
    // midpoint rule converges geometrically.
    const double g = 1.0 / alpha, lo = std::pow(1.0 - std::sqrt(g), 2), hi = std::pow(1.0 + std::sqrt(g), 2);
    const double c = 0.5 * (hi + lo), r = 0.5 * (hi - lo), pi = 3.14159265358979323846;
    const int n = 4000;
    double sum = 0.0;
    for (int i = 0; i < n; ++i) {
        const double phi = (i + 0.5) * pi / n, s = c + r * std::cos(phi), sn = std::sin(phi);
        sum += f(s) * r * r * sn * sn / (2.0 * pi * g * s);
    }
    return sum * pi / n;
}

Overlaps1 linearRegressionGradientFlow(const RunConfig &config, double t, double eulerStep)
{
    const double lambda = config.problem.ridge, sigma = config.problem.noise, alpha = config.alpha;
    const double m0 = config.M0()(0, 0), c2 = config.Q0()(0, 0) - m0 * m0;
    const long steps = eulerStep > 0.0 ? std::lround(t / eulerStep) : 0;
    auto decay = [&](double s) {
        return eulerStep > 0.0 ? std::pow(1.0 - eulerStep * (lambda + s), static_cast<double>(steps))
                               : std::exp(-(lambda + s) * t);
    };
    auto signal
        = [&](double s, double a) { return 1.0 + a * (m0 - 1.0) - (1.0 - a) / (lambda + s) * lambda; };
    Overlaps1 o;
    o.M = marchenkoPasturAverage(alpha, [&](double s) { return signal(s, decay(s)); });
    o.Q = marchenkoPasturAverage(alpha, [&](double s) {
        const double a = decay(s), b = (1.0 - a) / (lambda + s), mean = signal(s, a);
        return mean * mean + a * a * c2 + b * b * sigma * sigma * s / alpha;
    });
    return o;
}

} // namespace dmftlab
