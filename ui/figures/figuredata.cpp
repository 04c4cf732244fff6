// What of a Curves is drawable: valid points, finite values, kernel matrices.
#include "figuredata.h"

#include <algorithm>
#include <cmath>

namespace dmftlab::figures
{

int validCount(const Curves &c)
{
    return std::clamp(c.validPoints, 0, static_cast<int>(c.t.size()));
}

bool hasFinite(const std::vector<double> &v, int n)
{
    for (int i = 0; i < n && i < static_cast<int>(v.size()); ++i)
        if (std::isfinite(v[i]))
            return true;
    return false;
}

Eigen::MatrixXd kernelMatrix(const Kernel &k)
{
    if (k.empty())
        return {};
    if (k.rowsPerBlock == 1 && k.colsPerBlock == 1)
        return k.mean[0];
    return k.trace();
}

std::vector<const Curves *> nonNull(const std::vector<const Curves *> &curves)
{
    std::vector<const Curves *> out;
    for (const Curves *c : curves)
        if (c)
            out.push_back(c);
    return out;
}

} // namespace dmftlab::figures
