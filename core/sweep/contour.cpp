#include "sweep/contour.h"

#include <cmath>

namespace dmftlab
{

std::vector<ContourSegment> contourSegments(const Eigen::MatrixXd &v, double level)
{
    std::vector<ContourSegment> out;
    for (int i = 0; i + 1 < v.rows(); ++i) {
        for (int j = 0; j + 1 < v.cols(); ++j) {
            // Corners counter-clockwise: (i,j), (i+1,j), (i+1,j+1), (i,j+1).
            const double c[4] = { v(i, j), v(i + 1, j), v(i + 1, j + 1), v(i, j + 1) };
            const double x[4] = { double(i), double(i + 1), double(i + 1), double(i) };
            const double y[4] = { double(j), double(j), double(j + 1), double(j + 1) };
            bool finite = true;
            for (double z : c)
                finite = finite && std::isfinite(z);
            if (!finite)
                continue;
            // Crossing points on the four edges, in edge order.
            double px[4], py[4];
            int count = 0;
            for (int e = 0; e < 4; ++e) {
                const int a = e, b = (e + 1) % 4;
                if ((c[a] < level) == (c[b] < level))
                    continue;
                const double f = (level - c[a]) / (c[b] - c[a]);
                px[count] = x[a] + f * (x[b] - x[a]);
                py[count] = y[a] + f * (y[b] - y[a]);
                ++count;
            }
            if (count == 2) {
                out.push_back({ px[0], py[0], px[1], py[1] });
            } else if (count == 4) {
                // Saddle: pair the crossings by the centre value.
                const double centre = 0.25 * (c[0] + c[1] + c[2] + c[3]);
                if ((centre < level) == (c[0] < level)) {
                    out.push_back({ px[0], py[0], px[1], py[1] });
                    out.push_back({ px[2], py[2], px[3], py[3] });
                } else {
                    out.push_back({ px[0], py[0], px[3], py[3] });
                    out.push_back({ px[1], py[1], px[2], py[2] });
                }
            }
        }
    }
    return out;
}

} // namespace dmftlab
