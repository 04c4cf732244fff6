// The θ-process of theory §4 — linear, solved exactly (no sampling). Given the memory
// kernel K (K(n,m) = E[H_n J_nm] for m < n, K(n,n) = E[H_n]), the increment covariance
// C_u and the teacher drift μ, it returns (all time-major: row block n holds time t_n,
// k rows per block):
//
//   R_θ(m+1, m) = I,  R_θ(n+1, m) = R_θ(n, m) − Δ [ λ R_θ(n, m) + Σ_{l=m+1}^{n} K_nl R_θ(l, m) ]
//   a_0 = I,  a_{n+1} = a_n − Δ [ λ a_n + Σ_{l≤n} K_nl a_l ]
//   b_0 = 0,  b_{n+1} = b_n − Δ [ λ b_n + Σ_{l≤n} K_nl b_l + μ_n ]
//   M(n) = a_n M_0 + b_n ρ
//   C_θ = [a b] [[Q_0, M_0], [M_0ᵀ, ρ]] [a b]ᵀ + R C_u Rᵀ   (one block-matrix product)
//
// R is stored strictly block-lower-triangular (R(n, m) = 0 for m ≥ n), which is also
// strictly lower element-wise for any k; that makes the sums over l > m automatic.
#pragma once

#include <Eigen/Dense>
#include <atomic>

namespace dmftlab
{

struct ThetaProcessInput {
    int steps = 0; ///< N (grid t_0..t_N)
    int k = 1, kStar = 1;
    double dt = 0.0; ///< Δ
    double ridge = 0.0; ///< λ
    Eigen::MatrixXd K; ///< (N+1)k × (N+1)k, block lower triangular including the diagonal
    Eigen::MatrixXd Cu; ///< (N+1)k × (N+1)k, covariance of the increments u_m
    Eigen::MatrixXd mu; ///< (N+1)k × k*
    Eigen::MatrixXd Q0, M0, rho;
};

struct ThetaProcessOutput {
    Eigen::MatrixXd R; ///< (N+1)k × (N+1)k, R_θ(n, m) for m < n
    Eigen::MatrixXd a; ///< (N+1)k × k
    Eigen::MatrixXd b; ///< (N+1)k × k*
    Eigen::MatrixXd M; ///< (N+1)k × k*
    Eigen::MatrixXd C; ///< (N+1)k × (N+1)k, C_θ(n, n')
};

/// Checks `cancel` between time steps and between the final products (the whole solve is
/// O(((N+1)k)³)); returns false when cancelled, leaving `out` incomplete.
bool solveThetaProcess(
    const ThetaProcessInput &in, ThetaProcessOutput &out, const std::atomic<bool> *cancel = nullptr);

} // namespace dmftlab
