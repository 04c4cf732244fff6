// The scalars a family's end-point panel, a phase diagram and `dmftlab-cli sweep
// --scalar` reduce one point's curves to (value ± SE). Names, with an optional
// `@ENGINE` suffix choosing the engine (default: the sweep's first engine):
//   final_train_loss, final_test_loss, final_test_error   at t = T (mean ± SE)
//   final_Q_A_B, final_M_A_M                              overlap entries at t = T (1-based)
//   min_test_loss, min_test_loss_time                     minimum over the grid and its time
//   time_to_test_loss:L, time_to_train_loss:L             first t with loss <= L (linear
//        interpolation between grid points; SE by the delta method, SE(loss)/|d loss/dt|;
//        NaN when the level is never reached)
//   dmft_sim_gap        worst |DMFT − simulation| / combined SE over t_1..t_N and the
//                       train/test loss, test error, Q and M curves (the simulation is sgf,
//                       or the engine named by @ENGINE); needs both engines in the sweep
//   sgd_sgf_gap         the same between sgd and sgf (meaningful with sim.sampling =
//                       replacement, where SGF is SGD's diffusion limit)
//   dmft_iterations     fixed-point iterations of the DMFT
// A value is NaN when the engine did not complete (diverged: no final value).
#pragma once

#include "engine/engine.h"

#include <limits>
#include <map>
#include <string>
#include <vector>

namespace dmftlab
{

struct ScalarValue {
    double value = std::numeric_limits<double>::quiet_NaN();
    double se = std::numeric_limits<double>::quiet_NaN();
};

enum class ScalarKind {
    FinalTrainLoss,
    FinalTestLoss,
    FinalTestError,
    FinalQ,
    FinalM,
    MinTestLoss,
    MinTestLossTime,
    TimeToTestLoss,
    TimeToTrainLoss,
    DmftSimGap,
    SgdSgfGap,
    DmftIterations
};

struct SweepScalar {
    std::string name; ///< as written, e.g. "time_to_test_loss:0.3@sgf" (CSV column name)
    ScalarKind kind = ScalarKind::FinalTestLoss;
    std::string engine; ///< the engine read (for the gaps: the simulation compared)
    int a = 0, b = 0; ///< 0-based entry of final_Q / final_M
    double level = 0.0; ///< time_to_*: the loss level
    std::string label() const; ///< for axes: "final test loss (dmft)"
    /// Engines whose results the scalar reads.
    std::vector<std::string> engines() const;
};

/// Parses one scalar name against the sweep's engines (`engines` non-empty). Refuses an
/// unknown name, an engine not in the sweep, a gap without both of its engines.
std::string parseSweepScalar(
    const std::string &text, const std::vector<std::string> &engines, SweepScalar *scalar);
/// Checks what depends on the configuration: Q/M entries within k×k (k×k*).
std::string checkSweepScalar(const SweepScalar &scalar, const RunConfig &config);

/// name -> one-line meaning, for --help and the GUI's scalar chooser.
const std::vector<std::pair<std::string, std::string>> &sweepScalarHelp();

/// Evaluates the scalar on one point's results (engine -> result; missing engines give NaN).
ScalarValue evaluateScalar(
    const SweepScalar &scalar, const std::map<std::string, const EngineResult *> &results);

/// Worst |a − b| / hypot(se_a, se_b) over grid points 1..min(valid)−1 and the loss, error,
/// Q and M curves (the DMFT−simulation and SGD−SGF gaps). NaN when no point has an SE.
double worstGapInSe(const Curves &a, const Curves &b);

} // namespace dmftlab
