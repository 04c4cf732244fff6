#include "model/problem.h"

#include <cmath>

namespace dmftlab {

namespace {
constexpr int kMaxWidth = 16;

double sigmoid(double x)
{
    if (x >= 0.0)
        return 1.0 / (1.0 + std::exp(-x));
    const double e = std::exp(x);
    return e / (1.0 + e);
}

// log(1 + e^{x}) without overflow
double softplus(double x)
{
    return x > 0.0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}
} // namespace

std::string toString(Loss l) { return l == Loss::Square ? "square" : "logistic"; }
std::string toString(Labels l) { return l == Labels::Real ? "real" : "sign"; }

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

double Problem::loss(const double *r, double y) const { return lossFromOutput(output(r), y); }

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
                H[a + b * k] = lff * v * act[a].first * v * act[b].first
                               + (a == b ? lf * v * act[a].second : 0.0);
    }

    if (tamingStep > 0.0) {
        double norm2 = 0.0;
        for (int a = 0; a < k; ++a)
            norm2 += g[a] * g[a];
        const double norm = std::sqrt(norm2);
        const double c = 1.0 / (1.0 + tamingStep * norm);
        if (H) {
            // J = c H − Δ c² g (ĝᵀ H), ĝ = g/|g|
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
    return loss;
}

double Problem::gradients(const Eigen::Ref<const Eigen::MatrixXd> &R,
                          const Eigen::Ref<const Eigen::VectorXd> &y,
                          Eigen::Ref<Eigen::MatrixXd> G, double tamingStep) const
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

} // namespace dmftlab
