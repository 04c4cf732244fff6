#include "model/problem.h"

#include "model/fastmath.h"

#include <algorithm>
#include <cmath>

namespace dmftlab
{

namespace
{

double sigmoid(double x)
{
    if (x >= 0.0)
        return 1.0 / (1.0 + std::exp(-x));
    const double e = std::exp(x);
    return e / (1.0 + e);
}

// Taming (theory §5.6) of one sample's g (k entries) and, if non-null, H (k×k column-major):
// g̃ = g / (1 + Δ|g|), H̃ = c H − Δ c² g (ĝᵀ H) with c = 1/(1 + Δ|g|), ĝ = g/|g|.
void tame(int k, double *g, double *H, double tamingStep)
{
    double norm2 = 0.0;
    for (int a = 0; a < k; ++a)
        norm2 += g[a] * g[a];
    const double norm = std::sqrt(norm2);
    const double c = 1.0 / (1.0 + tamingStep * norm);
    if (H) {
        if (norm > 0.0) {
            double gH[kMaxWidth];
            for (int b = 0; b < k; ++b) {
                double s = 0.0;
                for (int a = 0; a < k; ++a)
                    s += g[a] * H[a + b * k];
                gH[b] = s / norm;
            }
            for (int b = 0; b < k; ++b)
                for (int a = 0; a < k; ++a)
                    H[a + b * k] = c * H[a + b * k] - tamingStep * c * c * g[a] * gH[b];
        } else {
            for (int i = 0; i < k * k; ++i)
                H[i] *= c;
        }
    }
    for (int a = 0; a < k; ++a)
        g[a] *= c;
}

// tame() on every row of G (n × k) and H (n × k², row i holding sample i's H column-major),
// as array operations over the rows: the same formula, evaluated in the same order.
void tameBatch(int k, Eigen::Ref<Eigen::MatrixXd> G, Eigen::MatrixXd *H, double tamingStep)
{
    thread_local Eigen::ArrayXd norm, c;
    norm = G.col(0).array().square();
    for (int a = 1; a < k; ++a)
        norm += G.col(a).array().square();
    norm = norm.sqrt();
    c = 1.0 / (1.0 + tamingStep * norm);
    if (H) {
        // gH_b = (ĝᵀH)_b = Σ_a g_a H_ab / |g| (0 where g = 0, so that H̃ = c H there)
        thread_local Eigen::ArrayXXd gHall;
        gHall.resize(G.rows(), k);
        for (int b = 0; b < k; ++b) {
            auto gH = gHall.col(b);
            gH = G.col(0).array() * H->col(b * k).array();
            for (int a = 1; a < k; ++a)
                gH += G.col(a).array() * H->col(a + b * k).array();
            gH = (norm > 0.0).select(gH / norm, 0.0);
        }
        for (int b = 0; b < k; ++b)
            for (int a = 0; a < k; ++a) {
                auto h = H->col(a + b * k).array();
                h = c * h - tamingStep * c * c * G.col(a).array() * gHall.col(b);
            }
    }
    for (int a = 0; a < k; ++a)
        G.col(a).array() *= c;
}

// evaluateBatch for a quadratic student on the square loss (phase retrieval), K units, in one
// pass over the samples with the taming fused in: the general path's dozen array passes and the
// separate taming pass took 6 ns per sample at k = 2, 60 % of phase retrieval's path kernel.
// The same formulas as evaluate() and tameBatch(), sample by sample; the loop over samples
// vectorises (no calls, the branch is a select).
template <int K, bool Tamed, bool WithH>
void quadraticSquareRows(Eigen::Index n, const double *const *r, const double *yy, double *const *g,
    double *const *h, double *res, double tamingStep, double v)
{
#pragma GCC ivdep
    for (Eigen::Index i = 0; i < n; ++i) {
        double ri[K], gi[K], f = 0.0;
#pragma GCC unroll 4
        for (int a = 0; a < K; ++a) {
            ri[a] = r[a][i];
            f += ri[a] * ri[a];
        }
        f *= v;
        const double lf = f - yy[i];
        res[i] = lf;
        double norm2 = 0.0;
#pragma GCC unroll 4
        for (int a = 0; a < K; ++a) {
            gi[a] = lf * v * (2.0 * ri[a]); // ℓ_f v σ'(r_a)
            norm2 += gi[a] * gi[a];
        }
        const double norm = std::sqrt(norm2);
        const double c = Tamed ? 1.0 / (1.0 + tamingStep * norm) : 1.0;
        if constexpr (WithH) {
            // H_ab = v² σ'_a σ'_b + δ_ab ℓ_f v σ''_a, σ'' = 2; tamed: c H − Δ c² g (ĝᵀH)
            double Hi[K * K];
#pragma GCC unroll 4
            for (int b = 0; b < K; ++b)
#pragma GCC unroll 4
                for (int a = 0; a < K; ++a)
                    Hi[a + b * K] = v * (2.0 * ri[a]) * v * (2.0 * ri[b]);
#pragma GCC unroll 4
            for (int a = 0; a < K; ++a)
                Hi[a + a * K] += lf * v * 2.0;
            if constexpr (Tamed) {
                const double inv = 1.0 / std::max(norm, 1e-300) * (norm > 0.0); // 0 where g = 0
#pragma GCC unroll 4
                for (int b = 0; b < K; ++b) {
                    double gH = 0.0;
#pragma GCC unroll 4
                    for (int a = 0; a < K; ++a)
                        gH += gi[a] * Hi[a + b * K];
                    gH *= inv;
#pragma GCC unroll 4
                    for (int a = 0; a < K; ++a)
                        h[a + b * K][i] = c * Hi[a + b * K] - tamingStep * c * c * gi[a] * gH;
                }
            } else {
#pragma GCC unroll 4
                for (int j = 0; j < K * K; ++j)
                    h[j][i] = Hi[j];
            }
        }
#pragma GCC unroll 4
        for (int a = 0; a < K; ++a)
            g[a][i] = c * gi[a];
    }
}

template <int K>
double quadraticSquareBatch(const Eigen::Ref<const Eigen::MatrixXd> &R,
    const Eigen::Ref<const Eigen::VectorXd> &y, Eigen::Ref<Eigen::MatrixXd> G, Eigen::MatrixXd *H,
    double tamingStep, double v)
{
    const Eigen::Index n = R.rows();
    if (H)
        H->resize(n, K * K);
    const double *r[K];
    double *g[K], *h[K * K];
    for (int a = 0; a < K; ++a) {
        r[a] = R.col(a).data();
        g[a] = G.col(a).data();
    }
    for (int j = 0; j < K * K; ++j)
        h[j] = H ? H->col(j).data() : nullptr;
    // the residuals, summed after the loop: an accumulator inside it would keep the loop
    // from vectorising (no reassociation without -ffast-math)
    thread_local Eigen::ArrayXd residual;
    residual.resize(n);
    const bool tamed = tamingStep > 0.0;
    if (H && tamed)
        quadraticSquareRows<K, true, true>(n, r, y.data(), g, h, residual.data(), tamingStep, v);
    else if (H)
        quadraticSquareRows<K, false, true>(n, r, y.data(), g, h, residual.data(), tamingStep, v);
    else if (tamed)
        quadraticSquareRows<K, true, false>(n, r, y.data(), g, h, residual.data(), tamingStep, v);
    else
        quadraticSquareRows<K, false, false>(n, r, y.data(), g, h, residual.data(), tamingStep, v);
    return 0.5 * residual.square().sum();
}

// ℓ_f = −y S and (when lff is not null) ℓ_ff = S (1 − S) of the logistic loss from x = −y f and
// e = e^{−|x|}: S = 1/(1 + e) for x ≥ 0 and e/(1 + e) otherwise. One loop that vectorises,
// S computed once per sample for both.
template <bool WithLff>
void logisticDerivativeLoop(
    Eigen::Index n, const double *x, const double *e, const double *y, double *lf, double *lff)
{
#pragma GCC ivdep
    for (Eigen::Index i = 0; i < n; ++i) {
        const double inv = 1.0 / (1.0 + e[i]);
        const double sx = x[i] >= 0.0 ? inv : e[i] * inv;
        lf[i] = -y[i] * sx;
        if constexpr (WithLff)
            lff[i] = sx * (1.0 - sx);
    }
}
void logisticDerivatives(
    Eigen::Index n, const double *x, const double *e, const double *y, double *lf, double *lff)
{
    if (lff)
        logisticDerivativeLoop<true>(n, x, e, y, lf, lff);
    else
        logisticDerivativeLoop<false>(n, x, e, y, lf, nullptr);
}

// log(1 + e^{x}) without overflow
double softplus(double x)
{
    return x > 0.0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}
} // namespace

std::string toString(Loss l)
{
    return l == Loss::Square ? "square" : "logistic";
}
std::string toString(Labels l)
{
    return l == Labels::Real ? "real" : "sign";
}

std::string validate(const ProblemSpec &s)
{
    if (s.width < 1 || s.width > kMaxWidth)
        return "model.width must be between 1 and " + std::to_string(kMaxWidth);
    if (s.teacherWidth < 1 || s.teacherWidth > kMaxWidth)
        return "teacher.width must be between 1 and " + std::to_string(kMaxWidth);
    if (!(s.noise >= 0.0) || !std::isfinite(s.noise))
        return "teacher.noise must be a finite number >= 0";
    if (!(s.ridge >= 0.0) || !std::isfinite(s.ridge))
        return "optimizer.ridge must be a finite number >= 0";
    if (!std::isfinite(s.secondLayer) || s.secondLayer == 0.0)
        return "model.second_layer must be finite and non-zero";
    if (!std::isfinite(s.teacherSecondLayer) || s.teacherSecondLayer == 0.0)
        return "teacher.second_layer must be finite and non-zero";
    if (s.loss == Loss::Logistic && s.labels != Labels::Sign)
        return "model.loss = logistic needs teacher.labels = sign (labels must be ±1)";
    return {};
}

Problem::Problem(const ProblemSpec &spec)
    : m_spec(spec)
{
}

double Problem::output(const double *r) const
{
    double f = 0.0;
    for (int a = 0; a < m_spec.width; ++a)
        f += activate(m_spec.activation, r[a]);
    return m_spec.secondLayer * f;
}

double Problem::teacherOutput(const double *z) const
{
    double f = 0.0;
    for (int m = 0; m < m_spec.teacherWidth; ++m)
        f += activate(m_spec.teacherActivation, z[m]);
    return m_spec.teacherSecondLayer * f;
}

double Problem::label(const double *z, double eps) const
{
    const double y = teacherOutput(z) + m_spec.noise * eps;
    if (m_spec.labels == Labels::Sign)
        return y >= 0.0 ? 1.0 : -1.0;
    return y;
}

double Problem::loss(const double *r, double y) const
{
    return lossFromOutput(output(r), y);
}

double Problem::lossFromOutput(double f, double y) const
{
    if (m_spec.loss == Loss::Square)
        return 0.5 * (f - y) * (f - y);
    return softplus(-y * f);
}

double Problem::evaluate(const double *r, double y, double *g, double *H, double tamingStep) const
{
    const int k = m_spec.width;
    const double v = m_spec.secondLayer;
    ActivationValues act[kMaxWidth];
    double f = 0.0;
    for (int a = 0; a < k; ++a) {
        act[a] = activateWithDerivatives(m_spec.activation, r[a]);
        f += act[a].value;
    }
    f *= v;

    double loss, lf, lff;
    if (m_spec.loss == Loss::Square) {
        loss = 0.5 * (f - y) * (f - y);
        lf = f - y;
        lff = 1.0;
    } else {
        loss = softplus(-y * f);
        lf = -y * sigmoid(-y * f);
        lff = sigmoid(y * f) * sigmoid(-y * f);
    }

    for (int a = 0; a < k; ++a)
        g[a] = lf * v * act[a].first;
    if (H) {
        for (int b = 0; b < k; ++b)
            for (int a = 0; a < k; ++a)
                H[a + b * k]
                    = lff * v * act[a].first * v * act[b].first + (a == b ? lf * v * act[a].second : 0.0);
    }

    if (tamingStep > 0.0)
        tame(k, g, H, tamingStep);
    return loss;
}

bool Problem::constantHessian() const
{
    return m_spec.loss == Loss::Square && m_spec.activation == Activation::Linear;
}

Eigen::MatrixXd Problem::hessianAtZero() const
{
    const int k = m_spec.width;
    double r[kMaxWidth] = {}, g[kMaxWidth];
    Eigen::MatrixXd H(k, k);
    evaluate(r, 0.0, g, H.data());
    return H;
}

double Problem::gradients(const Eigen::Ref<const Eigen::MatrixXd> &R,
    const Eigen::Ref<const Eigen::VectorXd> &y, Eigen::Ref<Eigen::MatrixXd> G, double tamingStep) const
{
    const int k = m_spec.width;
    const Eigen::Index n = R.rows();
    double r[kMaxWidth], g[kMaxWidth];
    double total = 0.0;
    for (Eigen::Index i = 0; i < n; ++i) {
        for (int a = 0; a < k; ++a)
            r[a] = R(i, a);
        total += evaluate(r, y[i], g, nullptr, tamingStep);
        for (int a = 0; a < k; ++a)
            G(i, a) = g[a];
    }
    return total;
}

double Problem::evaluateBatch(const Eigen::Ref<const Eigen::MatrixXd> &R,
    const Eigen::Ref<const Eigen::VectorXd> &y, Eigen::Ref<Eigen::MatrixXd> G, Eigen::MatrixXd *H,
    double tamingStep) const
{
    using Eigen::ArrayXd;
    const int k = m_spec.width;
    const Eigen::Index n = R.rows();
    const double v = m_spec.secondLayer;
    if (m_spec.activation == Activation::Quadratic && m_spec.loss == Loss::Square && (k == 1 || k == 2)) {
        if (k == 1)
            return quadraticSquareBatch<1>(R, y, G, H, tamingStep, v);
        return quadraticSquareBatch<2>(R, y, G, H, tamingStep, v);
    }
    const bool linear = m_spec.activation == Activation::Linear;
    // σ'(r_a) and σ''(r_a) per unit (not stored for a linear student: 1 and 0)
    // (scratch arrays kept per thread: the DMFT calls this per time step on blocks of paths)
    thread_local Eigen::ArrayXXd d1, d2;
    thread_local ArrayXd f, lf, lff, lfv;
    f.setZero(n);
    if (!linear) {
        d1.resize(n, k);
        if (H)
            d2.resize(n, k);
    }
    for (int a = 0; a < k; ++a) {
        const auto r = R.col(a).array();
        switch (m_spec.activation) {
        case Activation::Linear:
            f += r;
            break;
        case Activation::Erf: {
            // d/dr erf(r/√2) = √(2/π) e^{−r²/2}
            // erf(r/√2) with e^{−r²/2} shared (erfWithGaussian: vectorised, within 5e-16 of
            // std::erf, which took a sixth of the committee's path kernel)
            thread_local ArrayXd x, e, s;
            e = (-0.5 * r.square()).exp();
            d1.col(a) = 0.79788456080286535588 * e;
            x = r * 0.70710678118654752440;
            s.resize(n);
            erfWithGaussian(n, x.data(), e.data(), s.data());
            f += s;
            if (H)
                d2.col(a) = -r * d1.col(a);
            break;
        }
        case Activation::Tanh: {
            const ArrayXd th = r.tanh();
            d1.col(a) = 1.0 - th.square();
            f += th;
            if (H)
                d2.col(a) = -2.0 * th * d1.col(a);
            break;
        }
        case Activation::Quadratic:
            f += r.square();
            d1.col(a) = 2.0 * r;
            if (H)
                d2.col(a).setConstant(2.0);
            break;
        case Activation::Relu:
            f += r.max(0.0);
            d1.col(a) = (r > 0.0).cast<double>();
            if (H)
                d2.col(a).setZero();
            break;
        }
    }
    f *= v;

    // The label channel: ℓ, ℓ_f and ℓ_ff as functions of f.
    double loss;
    const auto yy = y.array();
    if (m_spec.loss == Loss::Square) {
        lf = f - yy;
        loss = 0.5 * lf.square().sum();
    } else {
        // x = −y f; with e = e^{−|x|} ∈ (0, 1]: ℓ = max(x, 0) + log(1 + e) (1 + e ∈ (1, 2],
        // so log is as accurate as log1p here up to an absolute 1e-16), S(x) = 1/(1 + e)
        // for x ≥ 0 and e/(1 + e) otherwise; ℓ_f = −y S(x), ℓ_ff = S(x) S(−x).
        // exp as Eigen's vectorised array pass, the rest in one vectorised loop (ten array
        // passes took 3.0 ns per sample of logistic regression, this 2.2). Σ log(1 + e) is the
        // log of the product over blocks of 512 samples (each factor in (1, 2], so a block's
        // product is at most 2^512 and rounds to a relative 512 × 1.1e-16 at worst): one log per
        // block, where a log per sample took 1.1 of the 2.5 ns per sample.
        thread_local ArrayXd x, e;
        x = -yy * f;
        e = (-x.abs()).exp();
        loss = x.max(0.0).sum();
        constexpr Eigen::Index kProductBlock = 512;
        for (Eigen::Index b0 = 0; b0 < n; b0 += kProductBlock)
            loss += std::log((1.0 + e.segment(b0, std::min(kProductBlock, n - b0))).prod());
        lf.resize(n);
        if (H)
            lff.resize(n);
        logisticDerivatives(n, x.data(), e.data(), y.data(), lf.data(), H ? lff.data() : nullptr);
    }

    lfv = lf * v;
    for (int a = 0; a < k; ++a) {
        if (linear)
            G.col(a) = lfv.matrix();
        else
            G.col(a) = (lfv * d1.col(a)).matrix();
    }
    if (H) {
        H->resize(n, k * k);
        const double v2 = v * v;
        for (int b = 0; b < k; ++b)
            for (int a = 0; a < k; ++a) {
                auto h = H->col(a + b * k).array();
                const bool square = m_spec.loss == Loss::Square;
                if (linear) {
                    if (square)
                        h.setConstant(v2);
                    else
                        h = v2 * lff;
                    continue;
                }
                if (square)
                    h = v2 * d1.col(a) * d1.col(b);
                else
                    h = v2 * lff * d1.col(a) * d1.col(b);
                if (a == b)
                    h += lfv * d2.col(a);
            }
    }

    if (tamingStep > 0.0)
        tameBatch(k, G, H, tamingStep);
    return loss;
}

} // namespace dmftlab
