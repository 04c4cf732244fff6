// One seed's random problem instance (theory §1): the teacher θ* with θ*ᵀθ*/d = ρ = I
// exactly, the training set (X, y) and the initial student θ_0 with θ_0ᵀθ_0/d = Q_0 and
// θ_0ᵀθ*/d = M_0 exactly:
//
//   θ*  = √d · (orthonormal basis of a d×k* Gaussian matrix)   (teacher.prior = gaussian)
//   θ*  = A (AᵀA/d)^{-1/2}, A_{im} iid from the prior            (rademacher, sparse)
//   x_i ~ N(0, I_d/d) rounded to single precision,  z_i = θ*ᵀx_i,  y_i = label(z_i, ε_i),  ε_i ~ N(0,1)
//   θ_0 = θ* ρ⁻¹ M_0ᵀ + Z' S^{1/2},   S = Q_0 − M_0 ρ⁻¹ M_0ᵀ,
//         Z' = √d · (orthonormal basis of a Gaussian d×k matrix projected off θ*),
//
// so Z'ᵀZ'/d = I and Z'ᵀθ* = 0 exactly (up to rounding). S may be singular (q0 = 0).
// Teacher, data and initialisation come from separate random streams of the seed, so
// every engine (SGD, SGF, online) started from the same seed sees the same θ*, X, y, θ_0.
#pragma once

#include "config/config.h"

#include <Eigen/Dense>
#include <atomic>
#include <cstdint>
#include <string>

namespace dmftlab
{

/// Random streams of one seed (see SimRandom).
enum SimStream : std::uint64_t { TeacherStream = 1, DataStream = 2, InitStream = 3, DynamicsStream = 4 };

struct Instance {
    std::uint64_t seed = 0;
    Eigen::MatrixXd teacher; ///< θ*, d×k*
    Eigen::MatrixXd rho; ///< θ*ᵀθ*/d as built (I up to rounding)
    /// Xᵀ, d×n: column i is the sample x_i (contiguous, so an SGD step touches only its batch).
    Eigen::MatrixXd Xt;
    /// The same samples in single precision: every entry of Xt is drawn as a double and rounded
    /// to the nearest float, so the two hold identical values. The SGF streams this one (half
    /// the bytes per step: its steps read all of X from memory; see seedsimulation.cpp).
    Eigen::MatrixXf XtSingle;
    Eigen::VectorXd y; ///< n labels
    Eigen::MatrixXd theta0; ///< θ_0, d×k
    std::string error; ///< non-empty when the instance could not be built
    bool cancelled = false; ///< building stopped because cancel was raised
    bool ok() const { return error.empty() && !cancelled; }
};

/// Builds teacher, training set (when withData; online SGD has none) and θ_0 for `seed`.
/// Drawing X is checked against `cancel` every few thousand samples.
Instance makeInstance(const RunConfig &config, std::uint64_t seed, bool withData = true,
    const std::atomic<bool> *cancel = nullptr);
/// The same, drawn into the arrays of `recycled` (an earlier seed's instance, consumed): a
/// worker that runs seed after seed then does not map and fault in a fresh data matrix for
/// each (41 MB at the committee's size, beyond the heap's reuse threshold).
Instance makeInstance(const RunConfig &config, std::uint64_t seed, bool withData,
    const std::atomic<bool> *cancel, Instance &&recycled);

/// √d times an orthonormal basis of the columns of A (d×m, m ≤ d), by Householder QR.
Eigen::MatrixXd orthonormalColumns(const Eigen::Ref<const Eigen::MatrixXd> &A);

} // namespace dmftlab
