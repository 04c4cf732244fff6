// The order in which a sweep computes its points, most informative first, so that a
// family or phase diagram is usable long before it is complete:
//  1-D: both ends, then repeatedly the value farthest from every value done so far
//       (the midpoints of the largest gaps) — a prefix of m values is spread evenly.
//  2-D: coarse to fine — the points whose two axis ranks are both below m form an m×m
//       sub-grid, and the grid grows by one rank at a time (4×4 is done before 5×5).
#pragma once

#include <utility>
#include <vector>

namespace dmftlab
{

/// Indices 0..n-1 in spread-first order (0, n-1, then gap midpoints; ties: lower index).
std::vector<int> spreadOrder(int n);

/// (i, j) for an n1×n2 grid: sorted by max(rank_i, rank_j), then rank_i + rank_j, then
/// i, j, where rank is the position in spreadOrder of each axis.
std::vector<std::pair<int, int>> gridOrder(int n1, int n2);

} // namespace dmftlab
