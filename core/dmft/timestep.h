// The continuous-time limit of the DMFT and its error budget (theory §8).
//
// The solver's fixed point is the DMFT of Euler–Maruyama SGF at Δ = T/N. Its weak error
// has an expansion in Δ (Talay & Tubaro 1990), E f(X^Δ) = E f(X) + c₁Δ + c₂Δ² + …, which
// the DMFT inherits (its kernels are expectations over the same scheme and the fixed point
// depends smoothly on them). With a second solve at 2Δ (N/2 steps, same horizon):
//   discretisation error of X^Δ   ≈ |X^Δ − X^{2Δ}|                       ("estimate")
//   continuous-time value         R₁ = 2 X^Δ − X^{2Δ} = X + O(Δ²)          ("extrapolate")
// at the common (even) grid points; at odd points the correction X^Δ − X^{2Δ} is linearly
// interpolated (it is smooth in t), and half the difference of its neighbours is added to the
// remaining error there. The expansion needs 4Δ (or 2Δ) well inside Euler's stability region:
// at Δ·(λ + max H (1 + α^{-1/2})²) ≈ 0.7 the coarse solves oscillate and the extrapolation
// can be worse than X^Δ in the first steps (its stated error still covers it). The remaining
// error of R₁ is estimated from a third solve at 4Δ when N is a multiple of 4: twice the
// envelope (over neighbouring 4Δ-points) of |R₁ − R₁'|/3 with R₁' = 2 X^{2Δ} − X^{4Δ} (the Δ²
// term is 4× larger there); otherwise the first-order correction |X^Δ − X^{2Δ}| bounds it.
// The coarser solves draw their paths coupled to the fine solve's (common random numbers,
// dmft/coupling.h): replica r of each level maps the normals of the fine replica r. Most of the
// Monte-Carlo error then cancels in X^Δ − X^{2Δ}, and the SE of R₁ is the spread over replicas
// of each replica's own 2 X_r^Δ − X_r^{2Δ} (independent levels would give
// SE(R₁)² = 4 SE(X^Δ)² + SE(X^{2Δ})², √5 times SE(X^Δ)). Taming (g/(1 + Δ|g|)) is an O(Δ) change and is
// removed too. Kernels (C_θ, R_θ, C_u, K) stay those of the Δ solve.
#pragma once

#include "config/config.h"
#include "engine/engine.h"
#include "observables/curves.h"

#include <atomic>
#include <string>

namespace dmftlab
{

/// Sets the discretisation error of `fine` (Δ) from `coarse` (2Δ, N/2 points + 1):
/// |X^Δ − X^{2Δ}| at even grid points, interpolated at odd ones. `fine` keeps its values.
/// With `coarser` (4Δ), where the three levels converge slower than first order (1 < r < 2
/// for r = (X^{2Δ} − X^{4Δ}) / (X^Δ − X^{2Δ})) it is |X^Δ − X^{2Δ}| / (r − 1) (at most 10×).
void estimateDiscretisation(Curves &fine, const Curves &coarse, const Curves *coarser = nullptr);

/// Replaces `fine` by the Richardson extrapolation 2 X^Δ − X^{2Δ} (see above), with the
/// combined Monte-Carlo SE and truncation, and the remaining discretisation error from
/// `coarser` (4Δ) when given, else |X^Δ − X^{2Δ}|. With the replicas of both solves (coupled
/// pairs, DmftSolver::replicaCurves, same count ≥ 2) the Monte-Carlo SE is the replica spread
/// of each pair's extrapolation; without them the levels count as independent.
void extrapolateTimeStep(Curves &fine, const Curves &coarse, const Curves *coarser,
    const std::vector<Curves> *fineReplicas = nullptr, const std::vector<Curves> *coarseReplicas = nullptr);

/// Per quantity, at the 4Δ-points where the solves differ (beyond 1e-3 of the curve's
/// largest value): how many, and below how many the ratio (X^{2Δ} − X^{4Δ}) / (X^Δ − X^{2Δ})
/// is under 1.5 (2 in the first-order regime the time-step estimate rests on), with the
/// ratios' median and minimum.
json firstOrderCheck(const Curves &fine, const Curves &coarse, const Curves &coarser);

/// A warning naming the quantities of a firstOrderCheck with a fifth or more of their points
/// below the ratio; empty when there are none.
std::string firstOrderWarning(const json &check);

/// extrapolateTimeStep, unless its result leaves the values' range (a loss or a diagonal Q
/// below zero, or not finite): then `fine` keeps its Euler curves with estimateDiscretisation's
/// error, and the return value says why (empty when extrapolated).
/// `eulerOut` (may be null) receives the Euler curves when they were replaced.
std::string extrapolateOrEstimate(Curves &fine, const Curves &coarse, const Curves *coarser,
    const std::vector<Curves> *fineReplicas = nullptr, const std::vector<Curves> *coarseReplicas = nullptr,
    Curves *eulerOut = nullptr);

/// How an engine's time-step levels are named and paired, for combineTimeStepLevels.
struct TimeStepLevels {
    const char *level; ///< "solve" (DMFT) or "run" (SGF), in the messages
    bool brownianPaths; ///< the levels share Brownian paths (SGF), and the messages say so
    /// each replica's (seed's) curves at Δ and 2Δ, for the paired SE (extrapolateTimeStep)
    const std::vector<Curves> *fineReplicas = nullptr, *coarseReplicas = nullptr;
};

/// What both engines' time-step controls do with their levels: `mode` estimate
/// (estimateDiscretisation) or extrapolate (extrapolateOrEstimate) on `fine` from `coarse`
/// (2Δ) and `coarser` (4Δ, null when there is none), and with a 4Δ level the first-order
/// check. Adds to `ts` (steps gets N/4, first_order_check, extrapolation_refused) and returns
/// the text for the run's message. `eulerOut` (may be null) receives the Euler curves when an
/// extrapolation replaced them (fine.continuousTime is then set).
std::string combineTimeStepLevels(const std::string &mode, Curves &fine, const Curves &coarse,
    const Curves *coarser, const TimeStepLevels &levels, json &ts, Curves *eulerOut = nullptr);

/// Per quantity (train_loss, test_loss, Q, M; largest over t of each part relative to |value|,
/// points where |value| < 1e-3 of the curve's largest skipped): se_monte_carlo, truncation,
/// discretisation, and total = t_{0.975, dof} · se_monte_carlo + truncation + discretisation
/// (a 95 % statistical half-width plus the two bias estimates); worst_t where that total is
/// largest, median_total over the points, and share_within_goal, the share of points whose
/// total is at most `goal` (0.5 % of the value).
json errorBudget(const Curves &curves);

/// `progress` for one level of a time-step control (here and sim/simtimestep.h): its fractions
/// mapped onto [from, to]. With a `prefix` (a coarser level) the text gets it and the report
/// carries no snapshot, whose grid would differ; without one the reports pass unchanged
/// otherwise. Empty when `progress` is.
ProgressCallback levelProgress(
    const ProgressCallback &progress, double from, double to, const std::string &prefix);

/// The final report of a time-step control: fraction 1, "`label` `result.message`", and the
/// combined curves as the snapshot. Nothing when `progress` is empty.
void reportCombined(const ProgressCallback &progress, const EngineResult &result, const std::string &label);

/// The "dmft" engine: the DMFT solve at Δ and, per config.dmft.continuousTime, the coarser
/// solves for the discretisation estimate or the extrapolation. Progress of the coarser
/// solves comes without a snapshot (their grid differs).
EngineResult runDmftWithTimeStepControl(
    const RunConfig &config, const ProgressCallback &progress, const std::atomic<bool> *cancel);

} // namespace dmftlab
