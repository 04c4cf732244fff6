// The effective processes, sampled (issue 12: what "one effective particle" means). From
// the DMFT's final state it gives a handful of sample paths of
//
//   the r-process (theory §3): r_n = w_n − Σ_{m<n} R_θ(n,m) dG_m — the fresh paths the DMFT
//     drew for its laws (dmft/dmftlaws.h; the same path index across times is one path),
//     with the band mean ± sd of r_n over all P paths of every replica;
//   the θ-process (theory §3–4): since the process is linear, a whole path given its teacher
//     row θ* is Gaussian (observables/distributions.h):
//       (θ_{n_1} … θ_{n_T}) | θ* ~ N( M ρ⁻¹ θ*,  C_θ − M ρ⁻¹ Mᵀ )   over the recorded times,
//     drawn with the symmetric root of the conditional covariance (PSD, possibly singular at
//     t = 0) and θ* from teacher.prior; the band is the exact mean ± sd, 0 ± √Q_aa(t)
//     (every prior has mean 0 and unit second moment, ρ = I).
// C_θ(n, n') and M(n) are the DMFT curves' kernel and overlaps (mean over replicas).
// Paths are kept at the law times only (at most `maxTimes`, evenly thinned: the θ draw costs
// O((kT)³)). The CLI writes them as dmft_effective_paths.csv (io/lawfiles.h).
#pragma once

#include "model/teacherprior.h"
#include "observables/curves.h"
#include "observables/distributions.h"

#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

namespace dmftlab
{

struct EffectivePaths {
    std::vector<double> t; ///< times of the columns
    int k = 1, kStar = 1;
    /// Per unit a: band (mean, sd; one entry per time) and paths (count × times).
    std::vector<Eigen::VectorXd> rMean, rSd, thetaMean, thetaSd;
    std::vector<Eigen::MatrixXd> rPaths, thetaPaths;
    Eigen::MatrixXd thetaStar; ///< count × k*: the teacher row of each θ path
    long long rSamples = 0; ///< r-process paths pooled for the band
    bool empty() const { return t.empty(); }
};

/// The teacher drift μ(t_n) of the θ-process, n = 0..N−1 (row n; column a·k* + m holds μ_am),
/// recovered from the DMFT's curves (theory §4): with a from the memory kernel K,
///   a_0 = I,  a_{n+1} = a_n − Δ [ λ a_n + Σ_{l≤n} K_nl a_l ],
/// b_n = (M(n) − a_n M_0) ρ⁻¹ (ρ = I), and the b recursion solved for μ,
///   μ_n = −(b_{n+1} − b_n)/Δ − λ b_n − Σ_{l≤n} K_nl b_l.
/// Exact for one replica at its fixed point; from the replicas' mean K and M it differs from
/// their mean μ by terms of second order in the replicas' spread. Empty without K.
Eigen::MatrixXd teacherDrift(const Curves &dmft, const Eigen::MatrixXd &M0, double ridge);

/// Empty (with `error` set) when the record has no DMFT laws or the curves no C_θ kernel.
/// The moments are those of the laws' own solve (laws.schemeCurves when set, else `dmft`).
EffectivePaths effectivePaths(const DistributionRecord &laws, const Curves &dmft,
    const TeacherPriorSpec &prior, int count, std::uint64_t seed, int maxTimes = 201,
    std::string *error = nullptr);

} // namespace dmftlab
