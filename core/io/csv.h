// CSV text for Curves (what the CLI writes and the GUI exports): one table of the
// per-time curves, one square matrix per kernel, the DMFT residual history. Numbers
// are written in the shortest form that reads back to the same double; NaN is `nan`.
//
//   <engine>_curves.csv   t, train_loss, train_loss_se, test_loss, test_loss_se,
//                         test_error, test_error_se, Q_a_b, Q_a_b_se ..., M_a_m, M_a_m_se ...
//                         (1-based unit indices; one row per valid grid point)
//   kernels               (N+1)×(N+1) numbers, row n = K(t_n, t_0..t_N), no header
//   residuals             iteration,residual (1-based iteration)
#pragma once

#include "observables/curves.h"

#include <Eigen/Dense>
#include <string>
#include <vector>

namespace dmftlab::io
{

/// Shortest round-trip text of x; "nan", "inf", "-inf" for non-finite values.
std::string formatNumber(double x);
/// Parses formatNumber's output (and any decimal/scientific number); false on garbage.
bool parseNumber(const std::string &text, double *x);

/// Column names of curvesCsv for a k×k* model, in order.
std::vector<std::string> curvesColumns(int k, int kStar);
/// Header row plus the first `curves.validPoints` grid points (all of t when validPoints
/// exceeds the grid).
std::string curvesCsv(const Curves &curves);
/// Reads curvesCsv's text back into t, validPoints, trainLoss, testLoss, testError, Q, M
/// (k and k* are taken from the header). Empty string on success, else the reason.
std::string parseCurvesCsv(const std::string &text, Curves *curves);

/// The parts of the curves' standard errors (Estimate::seMonteCarlo, truncation,
/// discretisation; theory §8): "t" then <quantity>_se_mc, <quantity>_truncation,
/// <quantity>_discretisation for the quantities of curvesColumns, the first validPoints rows.
/// Empty when the engine estimated none of them; a part it did not estimate is "nan".
std::string errorPartsCsv(const Curves &curves);

/// The top-left rows×rows part of m (all of it when rows < 0 or exceeds m).
std::string matrixCsv(const Eigen::MatrixXd &m, int rows = -1);
std::string parseMatrixCsv(const std::string &text, Eigen::MatrixXd *m);

/// "iteration,residual" header, then one row per fixed-point iteration (1-based).
std::string residualsCsv(const std::vector<double> &residuals);

} // namespace dmftlab::io
