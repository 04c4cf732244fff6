// Exact second moments of the DMFT's sample-side process for a linear student f = v Σ_a r_a on
// the square loss, without taming (linear regression, and ridge regression of any teacher
// with real labels, or of a linear teacher with sign labels). There the error is linear in the
// Gaussian field given the batch noise, and the kernels one iteration needs (train loss, C_u,
// E[g zᵀ]; K is DmftReplica's mean kernel) close on second moments: they are computed exactly,
// with no paths and no Monte-Carlo error. The label enters through E[y²] and E[y zᵀ] only.
//
// With the error e_n = f(r_n) − y, g_n = v e_n 𝟙 and dG_n = β_n g_n, β_n = s_n / α, the
// r-process r_n = w_n − Σ_{m<n} R_θ(n,m) dG_m gives the scalar recursion
//   e_n = b_n − Σ_{m<n} ϱ(n,m) β_m e_m,   b_n = v 𝟙ᵀw_n − y,   ϱ(n,m) = v² 𝟙ᵀR_θ(n,m)𝟙,
// with E[b_n b_n'] = v² 𝟙ᵀC_θ(n,n')𝟙 − E[u_n y] − E[u_n' y] + E[y²], u_n = v 𝟙ᵀw_n, and
// E[u_n y] = v 𝟙ᵀM_n ρ⁻¹ E[z y] ((w, z) is Gaussian; y depends on z and the label noise).
// β_m = (Δ − √(τα) ΔB_m)/α is independent of b and of every e_l, l ≤ m (which
// depend on the increments before t_m), with E β = Δ/α and E β² = (Δ² + ταΔ)/α². Hence, with
//   X(n,j) = E[e_n b_j],  G(n,n') = E[e_n e_n'],  H(a,c) = E[β_a e_a e_c] (a < c),
//   Y(n) = E[e_n zᵀ],  W(a,l) = E[β_a β_l e_a e_l] = E β² G(a,a) (l = a), E β · H(min, max) (else):
//   X(n,j) = E[b_n b_j] − Eβ Σ_{m<n} ϱ(n,m) X(m,j)
//   Y(n)   = E[b_n zᵀ] − Eβ Σ_{m<n} ϱ(n,m) Y(m)
//   H(a,c) = Eβ X(a,c) − Σ_{l<c} ϱ(c,l) W(a,l)
//   G(n,j) = X(j,n) − Σ_{m<n} ϱ(n,m) E[β_m e_m e_j],  E[β_m e_m e_j] = H(m,j) (m < j), Eβ G(m,j) (m ≥ j)
// and the outputs at t_n: train loss ½ G(n,n); C_u(n,m) = α v² W(m,n) 𝟙𝟙ᵀ (m ≤ n);
// E[g_n zᵀ] = v 𝟙 Y(n). Row n needs the state at t_0..t_n only (causal), so the march
// calls row() once per step and an iteration calls it for n = 0..N: O(N³) in all.
#pragma once

#include "config/config.h"

#include <Eigen/Dense>

namespace dmftlab
{

/// Whether the DMFT of `c` closes on second moments as above: a linear student on the square
/// loss without taming, with real labels (any teacher activation) or sign labels of a linear
/// teacher.
bool closesOnSecondMoments(const RunConfig &c);

class LinearMoments
{
public:
    explicit LinearMoments(const RunConfig &c);

    /// Grid time n, from the state's blocks at t_0..t_n (C_θ D×D, M D×k*, R_θ D×D; rows and
    /// columns beyond n are not read). Call for n = 0, 1, … in order.
    void row(int n, const Eigen::MatrixXd &C, const Eigen::MatrixXd &M, const Eigen::MatrixXd &R);

    double trainLoss(int n) const { return 0.5 * m_G(n, n); }
    /// C_u(n, m) for m ≤ n: every entry of the k×k block (it is α v² W(m,n) 𝟙𝟙ᵀ).
    double cu(int n, int m) const;
    /// E[g_n zᵀ], k × k*.
    Eigen::MatrixXd gz(int n) const;

private:
    int m_N, m_k, m_ks;
    double m_alpha, m_v, m_vs, m_beta1, m_beta2; // α, v, v*, E β, E β²
    double m_yy; // E[y²]
    Eigen::RowVectorXd m_zy; // E[y zᵀ] (1 × k*)
    Eigen::VectorXd m_uy; // E[u_n y]
    Eigen::MatrixXd m_A, m_X, m_G, m_H, m_Y, m_rho; // ϱ in m_rho
};

} // namespace dmftlab
