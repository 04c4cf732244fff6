// What distinguishes one configuration from another, in the words of the parameters:
// "B = 1", "α = 4, τ = 0.5". Names pinned runs after what differs from the live
// configuration, and labels sweep points. Keys compared: every key of configToJson except
// the informational preset name and sim.threads (which does not change results).
#pragma once

#include "config/config.h"

#include <string>
#include <vector>

namespace dmftlab
{

/// Dotted keys whose values differ between a and b, in alphabetical key order.
std::vector<std::string> differingKeys(const RunConfig &a, const RunConfig &b);

/// "label = value of a" for each differing key (at most `maxItems`, then "…"); "same
/// configuration" when nothing differs.
std::string describeDifference(const RunConfig &a, const RunConfig &b, int maxItems = 3);

} // namespace dmftlab
