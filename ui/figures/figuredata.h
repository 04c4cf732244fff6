// What of a Curves a figure can draw (internal to the figures library): only the first
// Curves::validPoints grid points (runs in progress, diverged runs), finite values, and a
// kernel as one matrix (its trace over units when k > 1).
#pragma once

#include "observables/curves.h"

#include <Eigen/Dense>
#include <vector>

namespace dmftlab::figures
{

int validCount(const Curves &c);
bool hasFinite(const std::vector<double> &v, int n);
Eigen::MatrixXd kernelMatrix(const Kernel &k);
std::vector<const Curves *> nonNull(const std::vector<const Curves *> &curves);

} // namespace dmftlab::figures
