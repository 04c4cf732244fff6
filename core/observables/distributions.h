// The laws the DMFT theorem is about (issue 12; theory §3): the empirical law of the d
// coordinates of θ(t) (with their teacher coordinates) and of the n training
// pre-activations r_μ(t) = θ(t)ᵀx_μ converge, as d → ∞, to the laws of one θ-process
// coordinate and one r-process path.
//
// θ-process at grid time t_n (theory §4): θ_n = a_n θ_0 + b_n θ* + Σ_{m<n} R_θ(n,m) u_m with
// θ_0 = M_0 ρ⁻¹ θ* + S^{1/2} ζ (S = Q_0 − M_0 ρ⁻¹ M_0ᵀ), so that, given θ*,
//
//   θ_n | θ* ~ N( M(n) ρ⁻¹ θ*,  C_θ(n,n) − M(n) ρ⁻¹ M(n)ᵀ ),
//
// because M(n) = a_n M_0 + b_n ρ and a_n S a_nᵀ + (R C_u Rᵀ)(n,n) = C_θ(n,n) − M(n) ρ⁻¹ M(n)ᵀ.
// Unit a's coordinate therefore has the density Σ_{θ*} P(θ*) φ_σ(x − M_a· θ*) (ρ = I),
// σ² = Q_aa − |M_a·|²: a Gaussian of variance Q_aa for the Gaussian prior, a mixture of
// Gaussians at the prior's atoms otherwise (model/teacherprior.h).
// r-process at t_n: r_n = w_n − Σ_{m<n} R_θ(n,m) dG_m over DMFT paths (a histogram).
//
// Predictions: with real labels the law shown and written is that of the pre-activations
// r_μa(t); with sign labels (y ∈ {±1}) it is that of the margins y_μ r_μa(t) — the law of
// (r, y) is what the theorem gives, and the margin is the variable a classifier's loss and
// error depend on (its law is skewed to y r > 0 as the student learns, while the law of r
// alone stays symmetric for a symmetric teacher). The DMFT side multiplies each path's r_n by
// that path's label y(z, ε).
//
// Errors: a histogram of G groups (seeds, DMFT replicas) has SE per bin from the spread of
// the groups' densities (G ≥ 2), never below the multinomial SE of the pooled count (with
// the count floored at 1 so that an empty bin is not exact). Agreement: z_b = (a_b − b_b)
// / √(SE_a² + SE_b²) over bins where the reference expects ≥ 5 samples; χ²/dof = mean z².
#pragma once

#include "model/problem.h"
#include "model/teacherprior.h"

#include <Eigen/Dense>
#include <memory>
#include <string>
#include <vector>

namespace dmftlab
{

/// Binned density of one scalar law (one unit a at one time).
struct LawHistogram {
    std::vector<double> edges; ///< B+1 increasing bin edges
    Eigen::VectorXd density; ///< B densities (integrate to the fraction inside the edges)
    Eigen::VectorXd se; ///< B standard errors
    long long samples = 0; ///< values pooled (0 for an analytic density)
};

/// What a simulation recorded at one grid time (every seed).
struct SimulationLawSample {
    int gridIndex = 0;
    double time = 0.0;
    std::vector<Eigen::MatrixXd> theta; ///< per seed, d×k: θ(t_n)
    std::vector<Eigen::MatrixXd> teacher; ///< per seed, d×k*: θ*
    std::vector<Eigen::MatrixXd> r; ///< per seed, n×k: training pre-activations (none for online SGD)
    std::vector<Eigen::VectorXd> y; ///< per seed, the n labels (recorded when the record uses margins)
};

/// What the DMFT provides at one grid time (every replica).
struct DmftLawSample {
    int gridIndex = 0;
    double time = 0.0;
    std::vector<Eigen::MatrixXd> Q; ///< per replica, C_θ(n,n), k×k
    std::vector<Eigen::MatrixXd> M; ///< per replica, M(n), k×k*
    std::vector<Eigen::MatrixXd> r; ///< per replica, P×k: r_n of fresh paths from the fixed point
    std::vector<Eigen::VectorXd> y; ///< per replica, those paths' labels (when the record uses margins)
};

/// The laws an engine recorded (output.distribution_times): simulations fill `sim`, the
/// DMFT fills `dmft`. `note` says when times were thinned to fit the memory budget.
struct Curves;

struct DistributionRecord {
    std::vector<SimulationLawSample> sim;
    std::vector<DmftLawSample> dmft;
    std::string note;
    /// Sign labels: the predictions' law is that of the margins y_μ r_μa (see the header).
    bool margins = false;
    /// When the engine's curves were extrapolated to continuous time (dmft.continuous_time =
    /// extrapolate), the curves of the solve at Δ these laws were recorded from: laws and
    /// effective processes are of that solve (effectivePaths uses these). Null otherwise.
    std::shared_ptr<const Curves> schemeCurves;
};

/// Whether laws of `problem` are laws of margins (sign labels) rather than of pre-activations.
inline bool lawsUseMargins(const ProblemSpec &problem)
{
    return problem.labels == Labels::Sign;
}

/// The values whose law is the predictions' law: `r` itself, or with `margins` each row of
/// r[g] times its label y[g] (per group: n×k and n entries).
std::vector<Eigen::MatrixXd> predictionValues(
    const std::vector<Eigen::MatrixXd> &r, const std::vector<Eigen::VectorXd> &y, bool margins);

/// Memory budget for recorded laws (bytes).
constexpr double kDistributionMemoryLimit = 512.0 * 1024 * 1024;

/// Grid indices of `times` (nearest grid point, sorted, duplicates dropped), thinned evenly
/// when `bytesPerTime` × count exceeds kDistributionMemoryLimit; `note` then says so.
/// Times outside [0, T] are dropped with a note.
std::vector<int> distributionGridIndices(const std::vector<double> &times, const std::vector<double> &grid,
    double bytesPerTime, std::string *note);

/// `bins` equal bins over [lo, hi].
std::vector<double> uniformEdges(double lo, double hi, int bins);
/// Equal bins from the 0.05 % to the 99.95 % quantile of the pooled values, widened by 5 %.
std::vector<double> edgesForValues(const std::vector<Eigen::VectorXd> &groups, int bins);

/// Histogram of the pooled groups (see the header for the SE).
LawHistogram histogramOf(const std::vector<Eigen::VectorXd> &groups, const std::vector<double> &edges);

/// CDF of one θ-process coordinate of unit a: Σ_{θ*} P(θ*) Φ((x − M_a·θ*)/σ), σ² = Q_aa − |M_a·|².
double thetaLawCdf(
    double x, const TeacherPriorSpec &prior, const Eigen::MatrixXd &Q, const Eigen::MatrixXd &M, int unit);
/// Bin densities of that law; mean ± SE over the replicas' (Q, M).
LawHistogram thetaLawHistogram(const std::vector<double> &edges, const TeacherPriorSpec &prior,
    const std::vector<Eigen::MatrixXd> &Q, const std::vector<Eigen::MatrixXd> &M, int unit);
/// Range of that law: ± (max |M_a·θ*| over the atoms + 4.5 σ), from the replicas' mean.
std::vector<double> thetaLawEdges(const TeacherPriorSpec &prior, const std::vector<Eigen::MatrixXd> &Q,
    const std::vector<Eigen::MatrixXd> &M, int unit, int bins);

/// Column `unit` of each matrix (the groups of one unit's values).
std::vector<Eigen::VectorXd> unitColumn(const std::vector<Eigen::MatrixXd> &perGroup, int unit);

/// One engine's histograms: per recorded time and unit a, the law of θ-coordinates of unit a
/// and of the training pre-activations r_a, or of the margins y r_a when the record says
/// so (empty for online SGD).
struct EngineLaws {
    struct Entry {
        int gridIndex = 0;
        double time = 0.0;
        int unit = 0;
        LawHistogram theta, r;
    };
    std::vector<Entry> entries;
    bool margins = false; ///< Entry::r is the law of the margins y r_a (DistributionRecord::margins)
    const Entry *find(int gridIndex, int unit) const;
};

/// Histograms of `record` with `bins` bins: simulations pooled over seeds (SE over seeds),
/// the DMFT's θ law exact per replica (SE over replicas) and its r law over fresh paths.
/// Edges: taken from `edgesFrom` where it has the same time and unit (for a comparison on
/// common bins), else from the law itself (thetaLawEdges for the DMFT, edgesForValues).
EngineLaws engineLaws(const DistributionRecord &record, const TeacherPriorSpec &prior, int bins,
    const EngineLaws *edgesFrom = nullptr);

struct LawAgreement {
    double chi2PerDof = 0.0;
    int dof = 0;
    double maxAbsZ = 0.0;
    /// Kolmogorov–Smirnov distance max_b |F_sample − F_reference| of the binned CDFs (over every
    /// bin, from the first edge), and its expected size for independent samples,
    /// E D ≈ 0.8687 / √n_eff with n_eff = n m / (n + m) (n only for an analytic reference).
    /// Binning can only lower D; correlated values (one teacher per seed) raise its spread.
    double ks = 0.0;
    double ksExpected = 0.0;
};
/// Compares `sample` with `reference` on the same edges (χ²: bins where the reference expects
/// at least 5 of sample.samples values; KS: every bin).
LawAgreement compareLaws(const LawHistogram &sample, const LawHistogram &reference);

// ---- the joint law of the pre-activations (r_1, r_2) of a k = 2 network ----------------

/// A law over the plane: cell (i, j) = (x in [x_i, x_{i+1}), y in [y_j, y_{j+1})) at index
/// i·By + j of `flat`, whose edges are 0, 1, …, Bx·By, so that its density is the fraction
/// of all points in the cell (divide by the cell's area for a density of the plane) and
/// compareLaws counts expected points right; SE as histogramOf. KS of `flat` means nothing.
struct LawHistogram2D {
    std::vector<double> xEdges, yEdges;
    LawHistogram flat;
};
/// The pooled 2-D histogram of columns (a, b) of each group's values (n×k).
LawHistogram2D histogram2DOf(const std::vector<Eigen::MatrixXd> &groups, int a, int b,
    const std::vector<double> &xEdges, const std::vector<double> &yEdges);

// ---- the joint picture (θ*_im, θ_ia(t)) ------------------------------------------------
//
// Given one teacher coordinate θ*_m, the θ-process coordinate of unit a has (ρ = I: the
// other teacher coordinates are independent of θ*_m with mean 0 and unit second moment)
//
//   E[θ_a | θ*_m] = M_am θ*_m,    Var[θ_a | θ*_m] = Q_aa − M_am²,
//
// exactly for every prior (the law given θ*_m is Gaussian when k* = 1 or the prior is).
// The simulation's counterpart: the mean of θ_ia over the coordinates whose θ*_im falls in a
// bin of θ*, compared with M_am times the mean θ*_im of the same coordinates (the line is
// linear, so this has no binning bias). SE: the spread of the seeds' bin means over √seeds
// (one seed: the within-bin sd over √count).

/// The DMFT's conditional law of θ_a given θ*_m: mean slope · θ*_m (slope = M_am averaged
/// over the replicas, slopeSe its SE over them, 0 for one replica) and sd √(Q_aa − M_am²).
struct ConditionalLaw {
    double slope = 0.0, slopeSe = 0.0, sd = 0.0;
};
ConditionalLaw thetaConditionalLaw(
    const std::vector<Eigen::MatrixXd> &Q, const std::vector<Eigen::MatrixXd> &M, int unit, int teacherUnit);

/// Bins of θ*_m: one per atom of a discrete prior (edges half-way between atoms), else
/// `bins` equal bins over the 0.5 %–99.5 % range of the pooled teacher coordinates.
std::vector<double> teacherEdges(
    const TeacherPriorSpec &prior, const std::vector<Eigen::MatrixXd> &teacher, int teacherUnit, int bins);

/// A simulation's conditional means of θ_ia given θ*_im, per bin of θ*_im.
struct BinnedConditionalMeans {
    std::vector<double> edges;
    Eigen::VectorXd teacherMean; ///< mean θ*_im of the coordinates in the bin (mean over seeds)
    Eigen::VectorXd mean, se; ///< mean θ_ia in the bin (mean over seeds) and its SE
    std::vector<long long> count; ///< coordinates in the bin, all seeds
};
/// `theta`, `teacher`: per seed, d×k and d×k* (SimulationLawSample).
BinnedConditionalMeans binnedConditionalMeans(const std::vector<Eigen::MatrixXd> &theta,
    const std::vector<Eigen::MatrixXd> &teacher, int unit, int teacherUnit, const std::vector<double> &edges);

/// z_b = (mean_b − slope · teacherMean_b) / √(se_b² + (slopeSe · teacherMean_b)²) over the bins
/// with at least `minCount` coordinates: χ²/dof = mean z², max |z|.
LawAgreement compareConditionalMeans(
    const BinnedConditionalMeans &sample, const ConditionalLaw &law, long long minCount = 20);

} // namespace dmftlab
