#include "dmft/onlinemoments.h"

#include "engine/constants.h"
#include "observables/population.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace dmftlab
{

namespace
{

// Saad–Solla integrals for σ(x) = erf(x/√2), σ'(x) = √(2/π) e^{−x²/2}, over a centred
// Gaussian with covariance C of the named variables.
// I3 = E[σ'(u) v σ(w)]
double I3(double c11, double c12, double c13, double c23, double c33)
{
    const double lambda3 = (1.0 + c11) * (1.0 + c33) - c13 * c13;
    return (2.0 / kPi) / std::sqrt(lambda3) * (c23 * (1.0 + c11) - c12 * c13) / (1.0 + c11);
}

// I4 = E[σ'(u) σ'(v) σ(w) σ(x)], variables 1..4 = u, v, w, x.
double I4(const double C[4][4])
{
    const double l4 = (1 + C[0][0]) * (1 + C[1][1]) - C[0][1] * C[0][1];
    const double l0 = l4 * C[2][3] - C[1][2] * C[1][3] * (1 + C[0][0]) - C[0][2] * C[0][3] * (1 + C[1][1])
        + C[0][1] * C[0][2] * C[1][3] + C[0][1] * C[0][3] * C[1][2];
    const double l1 = l4 * (1 + C[2][2]) - C[1][2] * C[1][2] * (1 + C[0][0])
        - C[0][2] * C[0][2] * (1 + C[1][1]) + 2 * C[0][1] * C[0][2] * C[1][2];
    const double l2 = l4 * (1 + C[3][3]) - C[1][3] * C[1][3] * (1 + C[0][0])
        - C[0][3] * C[0][3] * (1 + C[1][1]) + 2 * C[0][1] * C[0][3] * C[1][3];
    double x = l0 / std::sqrt(l1 * l2);
    x = std::max(-1.0, std::min(1.0, x));
    return 4.0 / (kPi * kPi) / std::sqrt(l4) * std::asin(x);
}

// J2 = E[σ'(u) σ'(v)]
double J2(double c11, double c12, double c22)
{
    return (2.0 / kPi) / std::sqrt((1 + c11) * (1 + c22) - c12 * c12);
}
} // namespace

OnlineMomentEvaluator::OnlineMomentEvaluator(
    const ProblemSpec &spec, double tamingStep, bool forceSampled, int quasiRandomPoints)
    : m_problem(spec)
    , m_tamingStep(tamingStep)
{
    const int k = spec.width, ks = spec.teacherWidth;
    const bool erfPair = spec.activation == Activation::Erf && spec.teacherActivation == Activation::Erf
        && spec.loss == Loss::Square && spec.labels == Labels::Real && tamingStep <= 0.0;
    m_noiseDim = spec.noise > 0.0;
    if (erfPair && !forceSampled) {
        m_method = Method::SaadSolla;
        m_hessianFallback
            = std::make_unique<OnlineMomentEvaluator>(spec, tamingStep, true, quasiRandomPoints);
        return;
    }
    const int D0 = k + ks, D = D0 + (m_noiseDim ? 1 : 0);
    // A linear student and teacher on the square loss (real labels, no taming): g is linear and
    // H constant in (r, z, ε), so every moment is a polynomial of degree ≤ 2, which Gauss–Hermite
    // with 3 nodes per dimension integrates exactly (to degree 5): 27 nodes for linear regression
    // instead of 3456, and exact in place of quasi-random for k + k* = 4–6.
    const bool polynomial = m_problem.constantHessian() && spec.teacherActivation == Activation::Linear
        && spec.labels == Labels::Real && tamingStep <= 0.0;
    if (polynomial && D0 <= 6) {
        m_method = Method::GaussHermite;
        std::vector<int> points(D, 3);
        gaussHermiteProduct(points, m_normals, m_weights);
    } else if (spec.labels == Labels::Real && D0 <= 3) {
        m_method = Method::GaussHermite;
        const int per = D0 == 1 ? 60 : D0 == 2 ? 24 : 12;
        std::vector<int> points(D0, per);
        if (m_noiseDim)
            points.push_back(6); // label noise ε, the last (slowest) dimension
        gaussHermiteProduct(points, m_normals, m_weights);
    } else {
        m_method = Method::QuasiMonteCarlo;
        m_normals = quasiRandomNormals(D, quasiRandomPoints);
        m_weights = Eigen::VectorXd::Constant(quasiRandomPoints, 1.0 / quasiRandomPoints);
    }
}

OnlineMoments OnlineMomentEvaluator::evaluate(const Eigen::Ref<const Eigen::MatrixXd> &Q,
    const Eigen::Ref<const Eigen::MatrixXd> &M, const Eigen::Ref<const Eigen::MatrixXd> &rho,
    bool withHessian) const
{
    const int k = m_problem.k(), ks = m_problem.kStar();
    Eigen::MatrixXd Sigma(k + ks, k + ks);
    Sigma << Q, M, M.transpose(), rho;
    if (m_method == Method::SaadSolla) {
        OnlineMoments out = saadSolla(Sigma);
        if (withHessian)
            out.H = m_hessianFallback->sampled(Sigma, true).H;
        return out;
    }
    return sampled(Sigma, withHessian);
}

OnlineMoments OnlineMomentEvaluator::saadSolla(const Eigen::MatrixXd &S) const
{
    // Variables: r_1..r_k (indices 0..k−1), z_1..z_k* (indices k..k+k*−1).
    // g_a = (f − y) v σ'(r_a), f = v Σ_b σ(r_b), y = v* Σ_n σ(z_n) + σ_noise ε.
    const auto &spec = m_problem.spec();
    const int k = spec.width, ks = spec.teacherWidth, D = k + ks;
    const double v = spec.secondLayer, vs = spec.teacherSecondLayer, s2 = spec.noise * spec.noise;
    auto coef = [&](int i) { return i < k ? v : -vs; }; // f − y = Σ_i coef(i) σ(x_i) − σε
    OnlineMoments out;
    out.gz = Eigen::MatrixXd::Zero(k, ks);
    out.gr = Eigen::MatrixXd::Zero(k, k);
    out.gg = Eigen::MatrixXd::Zero(k, k);
    for (int a = 0; a < k; ++a) {
        for (int j = 0; j < D; ++j) { // E[g_a x_j] with x_j = r_b or z_m
            double s = 0.0;
            for (int i = 0; i < D; ++i)
                s += coef(i) * I3(S(a, a), S(a, j), S(a, i), S(j, i), S(i, i));
            s *= v;
            if (j < k)
                out.gr(a, j) = s;
            else
                out.gz(a, j - k) = s;
        }
        for (int b = 0; b < k; ++b) {
            double s = 0.0;
            for (int i = 0; i < D; ++i)
                for (int j = 0; j < D; ++j) {
                    const int idx[4] = { a, b, i, j };
                    double C[4][4];
                    for (int p = 0; p < 4; ++p)
                        for (int q = 0; q < 4; ++q)
                            C[p][q] = S(idx[p], idx[q]);
                    s += coef(i) * coef(j) * I4(C);
                }
            s += s2 * J2(S(a, a), S(a, b), S(b, b));
            out.gg(a, b) = v * v * s;
        }
    }
    return out;
}

OnlineMoments OnlineMomentEvaluator::sampled(const Eigen::MatrixXd &Sigma, bool withHessian) const
{
    const int k = m_problem.k(), ks = m_problem.kStar(), D0 = k + ks;
    const Eigen::MatrixXd L = psdSqrt(Sigma);
    OnlineMoments out;
    out.gz = Eigen::MatrixXd::Zero(k, ks);
    out.gr = Eigen::MatrixXd::Zero(k, k);
    out.gg = Eigen::MatrixXd::Zero(k, k);
    Eigen::RowVectorXd h = Eigen::RowVectorXd::Zero(k * k); // column a + b k = E[H_ab]
    // Blocks of samples as rows, X = (L ξ)ᵀ with columns r_1..r_k, z_1..z_k*: small enough
    // that no temporary leaves the cache (or the heap's fast path).
    constexpr Eigen::Index kBlock = 512;
    Eigen::MatrixXd X, G, Gw, H;
    Eigen::VectorXd y;
    for (Eigen::Index s0 = 0; s0 < m_normals.cols(); s0 += kBlock) {
        const Eigen::Index c = std::min(kBlock, m_normals.cols() - s0);
        X.noalias() = (L * m_normals.block(0, s0, D0, c)).transpose();
        y.resize(c);
        for (Eigen::Index s = 0; s < c; ++s) {
            double z[kMaxWidth];
            for (int m = 0; m < ks; ++m)
                z[m] = X(s, k + m);
            y[s] = m_problem.label(z, m_noiseDim ? m_normals(D0, s0 + s) : 0.0);
        }
        G.resize(c, k);
        m_problem.evaluateBatch(X.leftCols(k), y, G, withHessian ? &H : nullptr, m_tamingStep);
        const auto w = m_weights.segment(s0, c);
        Gw = G.array().colwise() * w.array();
        out.gz.noalias() += Gw.transpose() * X.rightCols(ks);
        out.gr.noalias() += Gw.transpose() * X.leftCols(k);
        out.gg.noalias() += Gw.transpose() * G;
        if (withHessian)
            h.noalias() += w.transpose() * H;
    }
    if (withHessian)
        out.H = Eigen::Map<const Eigen::MatrixXd>(h.data(), k, k);
    return out;
}

} // namespace dmftlab
