// Contour lines of a scalar sampled on a grid (marching squares): the segments where a
// linear interpolation along each cell edge of values(i, j) crosses `level`, in index
// coordinates (x = i, y = j). Cells with a NaN corner (pending or failed points) give no
// segment. Used for the phase diagram's contour lines.
#pragma once

#include <Eigen/Dense>
#include <vector>

namespace dmftlab
{

struct ContourSegment {
    double x0, y0, x1, y1;
};

std::vector<ContourSegment> contourSegments(const Eigen::MatrixXd &values, double level);

} // namespace dmftlab
