#include "sweep/sweeporder.h"

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <tuple>

namespace dmftlab
{

std::vector<int> spreadOrder(int n)
{
    std::vector<int> order;
    if (n <= 0)
        return order;
    order.push_back(0);
    if (n == 1)
        return order;
    order.push_back(n - 1);
    // distance[i] = distance of i to the nearest chosen index; O(n²), n <= a few hundred.
    std::vector<int> distance(n);
    for (int i = 0; i < n; ++i)
        distance[i] = std::min(i, n - 1 - i);
    while (static_cast<int>(order.size()) < n) {
        int best = -1;
        for (int i = 0; i < n; ++i)
            if (distance[i] > 0 && (best < 0 || distance[i] > distance[best]))
                best = i;
        order.push_back(best);
        for (int i = 0; i < n; ++i)
            distance[i] = std::min(distance[i], std::abs(i - best));
    }
    return order;
}

std::vector<std::pair<int, int>> gridOrder(int n1, int n2)
{
    std::vector<int> rank1(std::max(n1, 0)), rank2(std::max(n2, 0));
    const auto o1 = spreadOrder(n1), o2 = spreadOrder(n2);
    for (int r = 0; r < n1; ++r)
        rank1[o1[r]] = r;
    for (int r = 0; r < n2; ++r)
        rank2[o2[r]] = r;
    std::vector<std::pair<int, int>> points;
    points.reserve(std::size_t(std::max(n1, 0)) * std::max(n2, 0));
    for (int i = 0; i < n1; ++i)
        for (int j = 0; j < n2; ++j)
            points.emplace_back(i, j);
    auto key = [&](const std::pair<int, int> &p) {
        const int a = rank1[p.first], b = rank2[p.second];
        return std::make_tuple(std::max(a, b), a + b, p.first, p.second);
    };
    std::stable_sort(
        points.begin(), points.end(), [&](const auto &x, const auto &y) { return key(x) < key(y); });
    return points;
}

} // namespace dmftlab
