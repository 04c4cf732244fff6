// An engine's results as the named tables of its output files, in file order: the
// columns of <engine>_curves.csv and the kernel matrices of <engine>_<name>.csv. The CSV
// writers and the Python module (python/) both read results through these lists, so a
// file and the array of the same name hold the same numbers.
#pragma once

#include "observables/curves.h"

#include <Eigen/Dense>
#include <memory>
#include <string>
#include <vector>

namespace dmftlab::io
{

/// One column of <engine>_curves.csv: "t", "train_loss", "train_loss_se", ..., "Q_a_b",
/// "M_a_m" (1-based units). `values` points into the Curves; null when the Curves lacks
/// the estimate (its entries are then NaN). Entries past a vector's end are NaN too.
struct CurveColumn {
    std::string name;
    const std::vector<double> *values = nullptr;
};
std::vector<CurveColumn> curveColumns(const Curves &curves);

/// The columns of <engine>_errors.csv, the parts of the curves' standard errors
/// (Estimate::seMonteCarlo, truncation, discretisation; theory §8): "t", then
/// "<quantity>_se_mc", "<quantity>_truncation", "<quantity>_discretisation" for each
/// quantity of curveColumns. Empty when the engine estimated none of them (or its Q/M
/// lists do not match k); a part it did not estimate has null values (NaN).
std::vector<CurveColumn> errorPartColumns(const Curves &curves);

/// One kernel file without the engine prefix and ".csv": "C_theta", "C_theta_se" (for
/// k > 1 the trace over units and the root-sum-square of the blocks' errors), then
/// "C_theta_a_b" and "C_theta_a_b_se" per block; likewise C_g, R_theta, C_u, K. `matrix`
/// points into the Curves, or into `computed` for a trace. Full (N+1)×(N+1) matrices;
/// writers cut them to curves.validPoints.
struct KernelTable {
    std::string name;
    const Eigen::MatrixXd *matrix = nullptr;
    std::shared_ptr<const Eigen::MatrixXd> computed;
};
std::vector<KernelTable> kernelTables(const Curves &curves);

} // namespace dmftlab::io
