#include "dmft/linearmoments.h"

#include "model/problem.h"
#include "observables/population.h"

#include <cmath>
#include <stdexcept>

namespace dmftlab
{

namespace
{

/// E σ(z), E z σ(z), E σ(z)² for z ~ N(0, 1): closed forms, and Gauss–Hermite for tanh (odd and
/// analytic in a strip: 120 nodes give it to rounding).
struct TeacherMoments {
    double mean, z, square;
};

TeacherMoments teacherMoments(Activation a)
{
    constexpr double pi = 3.14159265358979323846;
    switch (a) {
    case Activation::Linear:
        return { 0.0, 1.0, 1.0 };
    case Activation::Relu:
        return { 1.0 / std::sqrt(2.0 * pi), 0.5, 0.5 };
    case Activation::Quadratic:
        return { 1.0, 0.0, 3.0 };
    case Activation::Erf: // σ = erf(z/√2): E z σ = E σ' = √(2/π) E e^{−z²/2} = 1/√π; E σ² = 1/3
        return { 0.0, 1.0 / std::sqrt(pi), 1.0 / 3.0 };
    case Activation::Tanh: {
        Eigen::VectorXd x, w;
        gaussHermite(120, x, w);
        TeacherMoments m { 0.0, 0.0, 0.0 };
        for (Eigen::Index i = 0; i < x.size(); ++i) {
            const double t = std::tanh(x[i]);
            m.z += w[i] * x[i] * t;
            m.square += w[i] * t * t;
        }
        return m;
    }
    }
    return { 0.0, 0.0, 0.0 };
}

} // namespace

bool closesOnSecondMoments(const RunConfig &c)
{
    const ProblemSpec &p = c.problem;
    if (!Problem(p).constantHessian() || c.tamingEnabled())
        return false;
    // the label's moments E[y²] and E[y z] are known: real labels from any teacher (a sum of
    // one-dimensional functions of independent z_m), sign labels from a linear teacher
    return p.labels == Labels::Real || p.teacherActivation == Activation::Linear;
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
    const ProblemSpec &p = c.problem;
    const double vs = m_vs, sigma = p.noise, ks = m_ks;
    // z ~ N(0, ρ) with ρ = I (RunConfig::rho): the z_m are independent
    if (!c.rho().isIdentity())
        throw std::logic_error("LinearMoments: the teacher's overlap must be the identity");
    double zy; // E[y z_m], the same for every m
    if (p.labels == Labels::Real) {
        // y = v* Σ_m σ*(z_m) + σ ε
        const TeacherMoments t = teacherMoments(p.teacherActivation);
        zy = vs * t.z;
        m_yy = vs * vs * (ks * t.square + ks * (ks - 1.0) * t.mean * t.mean) + sigma * sigma;
    } else {
        // y = sign(s), s = v* Σ_m z_m + σ ε ~ N(0, v*² k* + σ²): E[z_m sign s] = v* √(2/π) / sd(s)
        constexpr double pi = 3.14159265358979323846;
        zy = vs * std::sqrt(2.0 / pi) / std::sqrt(vs * vs * ks + sigma * sigma);
        m_yy = 1.0;
    }
    m_zy = Eigen::RowVectorXd::Constant(m_ks, zy);
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
    // E[u_n y], u_n = v 𝟙ᵀw_n: (w_n, z) is Gaussian and y depends on w only through z, so
    // E[w_n y] = E[E[w_n | z] y] = M_n ρ⁻¹ E[z y] (ρ = I)
    m_uy[n] = m_v * (M.middleRows(n * k, k) * m_zy.transpose()).sum();
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
