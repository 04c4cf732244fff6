#include "convergenceeta.h"

#include <algorithm>
#include <cmath>

namespace dmftlab
{

double remainingIterations(const std::vector<double> &residuals, double tolerance, int maxIterations)
{
    const int done = static_cast<int>(residuals.size());
    const double cap = std::max(0, maxIterations - done);
    if (done < 3 || !(tolerance > 0.0))
        return -1.0;
    const double last = residuals.back();
    if (!(last > 0.0) || !std::isfinite(last))
        return cap;
    if (last <= tolerance)
        return 0.0;
    // Least-squares slope of log r against the iteration over the last (up to) six iterates.
    const int n = std::min(done, 6);
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int used = 0;
    for (int i = done - n; i < done; ++i) {
        if (!(residuals[i] > 0.0) || !std::isfinite(residuals[i]))
            continue;
        const double x = i, y = std::log(residuals[i]);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
        ++used;
    }
    const double denominator = used * sxx - sx * sx;
    if (used < 3 || denominator <= 0.0)
        return cap;
    const double slope = (used * sxy - sx * sy) / denominator;
    if (slope >= -1e-9)
        return cap;
    return std::min(cap, std::ceil((std::log(tolerance) - std::log(last)) / slope));
}

double remainingDmftIterations(const std::vector<double> &residuals, double tolerance,
    const std::vector<double> &noiseStopRatios, int maxIterations)
{
    const double byTolerance = remainingIterations(residuals, tolerance, maxIterations);
    if (noiseStopRatios.empty())
        return byTolerance;
    const double byNoise = remainingIterations(noiseStopRatios, 1.0, maxIterations);
    if (byTolerance < 0.0)
        return byNoise;
    if (byNoise < 0.0)
        return byTolerance;
    return std::min(byTolerance, byNoise);
}

} // namespace dmftlab
