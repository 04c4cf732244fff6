// How many more fixed-point iterations the DMFT needs, forecast from the decay of its
// residual rather than from the iteration cap: log r_n is fitted by a straight line over
// the last few iterates and extended to log(tolerance). (The cap gave "ETA 31 s" for a
// solve that ended 2 s later.)
#pragma once

#include <vector>

namespace dmftlab
{

/// Iterations still needed to bring the last residual below `tolerance`, at most
/// `maxIterations` − done; −1 while unknown (fewer than three residuals). A residual that
/// does not decay forecasts the cap.
double remainingIterations(const std::vector<double> &residuals, double tolerance, int maxIterations);

/// The DMFT stops at the tolerance or at the noise stop (Curves::noiseStopRatios ≤ 1,
/// dmft.noise_fraction), whichever comes first: the smaller of the two forecasts (either
/// may be unknown, −1; `noiseStopRatios` may be empty).
double remainingDmftIterations(const std::vector<double> &residuals, double tolerance,
    const std::vector<double> &noiseStopRatios, int maxIterations);

} // namespace dmftlab
