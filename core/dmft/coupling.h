// Common random numbers across time steps (theory §8, dmft/timestep.h).
//
// The time-step error of the DMFT is read off solves at Δ and at a multiple s·Δ (s = 2, 4):
// the difference X^Δ − X^{sΔ} and the extrapolation 2 X^Δ − X^{2Δ}. With independent path
// sets their Monte-Carlo errors add (the extrapolation's SE is √5 times that of X^Δ). Coupled,
// each path of the coarse solve is a function of the same path's normals in the fine solve, so
// that the two solves see nearly the same paths and most of the Monte-Carlo error cancels in
// the difference, while each solve alone keeps its exact law.
//
// A path's normals (DmftReplica) are ξ = (ξ_z, ξ_w0 … ξ_wN) for (z, w) = L ξ, the label
// noise's ε and the Brownian increments ΔB_0 … ΔB_N / √Δ. The coarse path's normals are
// T ξ_fine with T a fixed matrix whose rows are orthonormal (T Tᵀ = I), so they are again
// independent standard normals, and moment matching (centred, whitened over the P paths)
// survives: their sample covariance is T I Tᵀ = I. The rows of T:
//   * (z, w) part: the innovations of the fine field sampled at the coarse times,
//       A = L_sub⁻¹ E L_f,  L_f L_fᵀ = Σ_f = Cov(z, w) of the fine solve,
//     E selecting z and w at t = s j Δ, L_sub the Cholesky factor of E Σ_f Eᵀ. Then L_sub A ξ
//     is the fine (z, w_0, w_s, w_2s, …) itself, and the coarse solve draws L_c A ξ with its
//     own factor L_c, which differs from L_sub by O(Δ) (the two fixed points do). A is computed
//     as Qᵀ of a Householder QR of (E L_f)ᵀ (Gram–Schmidt of its rows in time order), which
//     keeps its rows orthonormal to rounding even where Σ_f is nearly singular (τ = 0), and
//     causal: row j involves ξ up to fine time s j only. ξ_z passes unchanged (same z, y).
//   * ε unchanged;
//   * ΔB'_j / √(sΔ) = (ΔB_{sj} + … + ΔB_{sj+s−1}) / √(s Δ) for j < N/s, the increment over the
//     same interval; the last one (t = T, unused by the scheme's sums) takes ΔB_N alone.
// Σ_f is the fine solve's C_θ and M averaged over its replicas: any T with orthonormal rows
// gives the exact law, the choice only decides how closely the paths follow each other.
#pragma once

#include "config/config.h"
#include "observables/curves.h"

#include <Eigen/Dense>
#include <memory>
#include <vector>

namespace dmftlab
{

/// Moment matching of one path set's normals (DmftReplica): x ↦ (x − mean) L⁻ᵀ, with L the
/// Cholesky factor of the centred sample covariance.
struct Whitening {
    Eigen::RowVectorXd mean;
    Eigen::MatrixXd L;
};

/// The fine solve's whitenings (null where a path set was not moment-matched), per replica
/// and per replica's fresh-path set: a coupled path set draws the same normals, so it can
/// apply them instead of computing them again (half of its set-up's work).
struct FineWhitenings {
    std::vector<std::shared_ptr<const Whitening>> replicas, fresh;
};

struct NormalsCoupling {
    int fineSteps = 0; // N of the solve whose normals are drawn
    int fineRows = 0; // normals per path of that solve (normalsPerPath)
    Eigen::MatrixXd T; // normalsPerPath(coarse) × fineRows, orthonormal rows
    FineWhitenings whitenings; // may be empty: each path set then whitens its normals itself

    /// The fine solve's whitening of replica r's normals (or of its fresh paths'), when kept.
    const Whitening *fineWhitening(bool fresh, int r) const
    {
        const auto &list = fresh ? whitenings.fresh : whitenings.replicas;
        return r >= 0 && r < static_cast<int>(list.size()) ? list[r].get() : nullptr;
    }
};

/// Normals per DMFT path at N steps: k* + (N+1)k for (z, w), 1 for ε, N+1 Brownian increments.
int normalsPerPath(int steps, int width, int teacherWidth);

/// The coupling of a solve with N/stride steps to the solve `fine` at N steps (its converged
/// curves: C_θ and M, averaged over replicas), as described above. N must be a multiple of
/// `stride` (≥ 2). `whitenings`: the fine solve's, if it kept them.
std::shared_ptr<const NormalsCoupling> coupleNormals(
    const RunConfig &fine, const Curves &fineCurves, int stride, FineWhitenings whitenings = {});

} // namespace dmftlab
