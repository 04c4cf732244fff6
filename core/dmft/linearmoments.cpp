#include "dmft/linearmoments.h"

#include "model/problem.h"

namespace dmftlab
{

bool gaussianLinearModel(const RunConfig &c)
{
    const ProblemSpec &p = c.problem;
    return Problem(p).constantHessian() && !c.tamingEnabled() && p.teacherActivation == Activation::Linear
        && p.labels == Labels::Real;
}

LinearMoments::LinearMoments(const RunConfig &c)
    : m_N(c.time.steps)
    , m_k(c.problem.width)
    , m_ks(c.problem.teacherWidth)
    , m_alpha(c.alpha)
    , m_v(c.problem.secondLayer)
    , m_vs(c.problem.teacherSecondLayer)
{
    const double dt = c.dt(), tau = c.tau();
    m_beta1 = dt / m_alpha;
    m_beta2 = (dt * dt + tau * m_alpha * dt) / (m_alpha * m_alpha); // Var s = τ α Δ
    const double vs = m_vs, sigma = c.problem.noise;
    const Eigen::MatrixXd rho = c.rho();
    m_zy = vs * rho.colwise().sum(); // E[y z_c] = v* Σ_c' ρ(c', c)
    m_yy = vs * vs * rho.sum() + sigma * sigma;
    const int n1 = m_N + 1;
    m_uy = Eigen::VectorXd::Zero(n1);
    for (Eigen::MatrixXd *m : { &m_A, &m_X, &m_G, &m_H, &m_rho })
        m->setZero(n1, n1);
    m_Y.setZero(n1, m_ks);
}

void LinearMoments::row(int n, const Eigen::MatrixXd &C, const Eigen::MatrixXd &M, const Eigen::MatrixXd &R)
{
    const int k = m_k;
    const double v2 = m_v * m_v, b1 = m_beta1, b2 = m_beta2;
    for (int m = 0; m < n; ++m)
        m_rho(n, m) = v2 * R.block(n * k, m * k, k, k).sum();
    const Eigen::VectorXd r = m_rho.row(n).head(n).transpose(); // ϱ(n, m < n)
    // E[u_n y], u_n = v 𝟙ᵀw_n: E[w_n y] = M_n ρ⁻¹ E[z y] = v* M_n 𝟙 (linear teacher)
    m_uy[n] = m_v * m_vs * M.middleRows(n * k, k).sum();
    // E[b_n b_j] for j ≤ n
    for (int j = 0; j <= n; ++j) {
        m_A(n, j) = v2 * C.block(n * k, j * k, k, k).sum() - m_uy[n] - m_uy[j] + m_yy;
        m_A(j, n) = m_A(n, j);
    }
    // X(n, j) = E[e_n b_j]: row n for j < n, then column n forward in m
    for (int j = 0; j < n; ++j)
        m_X(n, j) = m_A(n, j) - b1 * r.dot(m_X.col(j).head(n));
    for (int m = 0; m <= n; ++m)
        m_X(m, n) = m_A(m, n) - b1 * m_rho.row(m).head(m).dot(m_X.col(n).head(m));
    // Y(n) = E[e_n zᵀ]
    const Eigen::RowVectorXd bz = m_v * M.middleRows(n * k, k).colwise().sum() - m_zy;
    m_Y.row(n) = bz - b1 * (r.transpose() * m_Y.topRows(n));
    // W(a, l) = E[β_a β_l e_a e_l] for a, l < n
    const auto W = [&](int a, int l) {
        if (l == a)
            return b2 * m_G(a, a);
        return b1 * (l < a ? m_H(l, a) : m_H(a, l));
    };
    // H(a, n) = E[β_a e_a e_n] for a < n
    for (int a = 0; a < n; ++a) {
        double s = 0.0;
        for (int l = 0; l < n; ++l)
            s += r[l] * W(a, l);
        m_H(a, n) = b1 * m_X(a, n) - s;
    }
    // G(n, j) = E[e_n e_j] for j < n, then G(n, n)
    for (int j = 0; j < n; ++j) {
        double s = 0.0;
        for (int m = 0; m < n; ++m)
            s += r[m] * (m < j ? m_H(m, j) : b1 * m_G(m, j));
        m_G(n, j) = m_G(j, n) = m_X(j, n) - s;
    }
    m_G(n, n) = m_X(n, n) - r.dot(m_H.col(n).head(n));
}

double LinearMoments::cu(int n, int m) const
{
    // α E[dG_n dG_mᵀ] = α v² E[β_n β_m e_n e_m] 𝟙𝟙ᵀ; β_n is independent of the rest for m < n
    const double w = m == n ? m_beta2 * m_G(n, n) : m_beta1 * m_H(m, n);
    return m_alpha * m_v * m_v * w;
}

Eigen::MatrixXd LinearMoments::gz(int n) const
{
    return m_v * Eigen::MatrixXd::Ones(m_k, 1) * m_Y.row(n);
}

} // namespace dmftlab
