#include "observables/population.h"

#include "engine/constants.h"

#include <cmath>
#include <vector>

namespace dmftlab
{

namespace
{

double erfPairMoment(double cab, double caa, double cbb)
{
    double x = cab / std::sqrt((1.0 + caa) * (1.0 + cbb));
    x = std::max(-1.0, std::min(1.0, x));
    return (2.0 / kPi) * std::asin(x);
}

double halton(long index, int base)
{
    double f = 1.0, r = 0.0;
    while (index > 0) {
        f /= base;
        r += f * (index % base);
        index /= base;
    }
    return r;
}

std::vector<int> firstPrimes(int count)
{
    std::vector<int> primes;
    for (int c = 2; static_cast<int>(primes.size()) < count; ++c) {
        bool prime = true;
        for (int p : primes)
            if (c % p == 0) {
                prime = false;
                break;
            }
        if (prime)
            primes.push_back(c);
    }
    return primes;
}
} // namespace

double normalCdf(double x)
{
    return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

double normalQuantile(double p)
{
    static const double a[] = { -3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
        1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00 };
    static const double b[] = { -5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
        6.680131188771972e+01, -1.328068155288572e+01 };
    static const double c[] = { -7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
        -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00 };
    static const double d[]
        = { 7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00 };
    const double plow = 0.02425;
    double x;
    if (p < plow) {
        const double q = std::sqrt(-2 * std::log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p <= 1 - plow) {
        const double q = p - 0.5, r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    } else {
        const double q = std::sqrt(-2 * std::log(1 - p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
            / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    // one Halley refinement
    const double e = normalCdf(x) - p;
    const double u = e * std::sqrt(2 * kPi) * std::exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

void gaussHermite(int n, Eigen::VectorXd &nodes, Eigen::VectorXd &weights)
{
    // Golub–Welsch for probabilists' Hermite polynomials: off-diagonal √i.
    Eigen::MatrixXd J = Eigen::MatrixXd::Zero(n, n);
    for (int i = 1; i < n; ++i)
        J(i, i - 1) = J(i - 1, i) = std::sqrt(static_cast<double>(i));
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(J);
    nodes = es.eigenvalues();
    weights = es.eigenvectors().row(0).transpose().array().square();
    weights /= weights.sum();
}

void gaussHermiteProduct(
    const std::vector<int> &pointsPerDim, Eigen::MatrixXd &nodes, Eigen::VectorXd &weights)
{
    const int D = static_cast<int>(pointsPerDim.size());
    std::vector<Eigen::VectorXd> x(D), w(D);
    long S = 1;
    for (int i = 0; i < D; ++i) {
        gaussHermite(pointsPerDim[i], x[i], w[i]);
        S *= pointsPerDim[i];
    }
    nodes.resize(D, S);
    weights.resize(S);
    for (long s = 0; s < S; ++s) {
        long idx = s;
        double weight = 1.0;
        for (int i = 0; i < D; ++i) {
            const int j = static_cast<int>(idx % pointsPerDim[i]);
            idx /= pointsPerDim[i];
            nodes(i, s) = x[i][j];
            weight *= w[i][j];
        }
        weights[s] = weight;
    }
}

Eigen::MatrixXd quasiRandomNormals(int dims, int count)
{
    const auto primes = firstPrimes(dims);
    Eigen::MatrixXd out(dims, count);
    for (int s = 0; s < count; ++s)
        for (int i = 0; i < dims; ++i)
            out(i, s) = normalQuantile(halton(s + 1, primes[i]));
    return out;
}

Eigen::MatrixXd psdSqrt(const Eigen::Ref<const Eigen::MatrixXd> &S)
{
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(0.5 * (S + S.transpose()));
    const Eigen::VectorXd root = es.eigenvalues().cwiseMax(0.0).cwiseSqrt();
    return es.eigenvectors() * root.asDiagonal() * es.eigenvectors().transpose();
}

PopulationEvaluator::PopulationEvaluator(const ProblemSpec &spec, int quasiRandomPoints)
    : m_problem(spec)
{
    const int k = spec.width, ks = spec.teacherWidth, D = k + ks;
    gaussHermite(48, m_ghNodes1d, m_ghWeights1d);
    if (spec.activation == Activation::Linear && spec.teacherActivation == Activation::Linear) {
        m_method = Method::LinearClosedForm;
    } else if (spec.activation == Activation::Erf && spec.teacherActivation == Activation::Erf
        && spec.loss == Loss::Square && spec.labels == Labels::Real) {
        m_method = Method::SaadSolla;
    } else if (spec.activation == Activation::Quadratic && spec.teacherActivation == Activation::Quadratic
        && spec.loss == Loss::Square && spec.labels == Labels::Real) {
        // exact; the 64 × 64 Gauss–Hermite rule it replaces was exact too (degree 4 ≤ 127)
        // but took a third of the DMFT snapshot's time on phase retrieval
        m_method = Method::QuadraticClosedForm;
    } else if (D <= 3) {
        m_method = Method::GaussHermite;
        const int per = D == 2 ? 64 : 28;
        gaussHermiteProduct(std::vector<int>(D, per), m_normals, m_weights);
    } else {
        m_method = Method::QuasiMonteCarlo;
        m_normals = quasiRandomNormals(D, quasiRandomPoints);
        m_weights = Eigen::VectorXd::Constant(quasiRandomPoints, 1.0 / quasiRandomPoints);
    }
}

PopulationMetrics PopulationEvaluator::evaluate(const Eigen::Ref<const Eigen::MatrixXd> &Q,
    const Eigen::Ref<const Eigen::MatrixXd> &M, const Eigen::Ref<const Eigen::MatrixXd> &rho) const
{
    const auto &s = m_problem.spec();
    switch (m_method) {
    case Method::LinearClosedForm: {
        const double v = s.secondLayer, vs = s.teacherSecondLayer;
        return linearClosedForm(v * v * Q.sum(), v * vs * M.sum(), vs * vs * rho.sum());
    }
    case Method::SaadSolla:
        return saadSolla(Q, M, rho);
    case Method::QuadraticClosedForm:
        return quadraticClosedForm(Q, M, rho);
    default:
        break;
    }
    const int k = s.width, ks = s.teacherWidth;
    Eigen::MatrixXd Sigma(k + ks, k + ks);
    Sigma << Q, M, M.transpose(), rho;
    return sampled(Sigma);
}

PopulationMetrics PopulationEvaluator::linearClosedForm(double varF, double cov, double varT) const
{
    const auto &s = m_problem.spec();
    const double s2 = s.noise * s.noise;
    PopulationMetrics out;
    if (s.labels == Labels::Real) {
        const double gen = 0.5 * (varF - 2.0 * cov + varT);
        out.error = gen;
        out.loss = gen + 0.5 * s2; // only square loss is valid with real labels
        return out;
    }
    // Sign labels: y = sign(u), u = f* + σε, (f, u) Gaussian with Var u = varT + σ².
    const double varU = varT + s2;
    if (varF <= 0.0) {
        // f ≡ 0: the sign of 0 counts as +1 (see Problem::label), so errors when y = −1
        out.error = 0.5;
    } else {
        double c = cov / std::sqrt(varF * varU);
        c = std::max(-1.0, std::min(1.0, c));
        out.error = std::acos(c) / kPi;
    }
    // Loss: condition u on f; P(y = +1 | f) = Φ(mean/sd) is smooth in f.
    const double sdF = std::sqrt(std::max(varF, 0.0));
    const double beta = varF > 0.0 ? cov / varF : 0.0;
    const double condVar = std::max(varU - beta * cov, 0.0);
    const double condSd = std::max(std::sqrt(condVar), 1e-12 * std::sqrt(varU) + 1e-300);
    double loss = 0.0;
    for (int i = 0; i < m_ghNodes1d.size(); ++i) {
        const double f = sdF * m_ghNodes1d[i];
        const double p = normalCdf(beta * f / condSd);
        const double lp = m_problem.lossFromOutput(f, 1.0);
        const double lm = m_problem.lossFromOutput(f, -1.0);
        loss += m_ghWeights1d[i] * (p * lp + (1 - p) * lm);
    }
    out.loss = loss;
    return out;
}

PopulationMetrics PopulationEvaluator::saadSolla(
    const Eigen::MatrixXd &Q, const Eigen::MatrixXd &M, const Eigen::MatrixXd &rho) const
{
    const auto &s = m_problem.spec();
    const int k = s.width, ks = s.teacherWidth;
    const double v = s.secondLayer, vs = s.teacherSecondLayer;
    double ss = 0, st = 0, tt = 0;
    for (int a = 0; a < k; ++a)
        for (int b = 0; b < k; ++b)
            ss += erfPairMoment(Q(a, b), Q(a, a), Q(b, b));
    for (int a = 0; a < k; ++a)
        for (int m = 0; m < ks; ++m)
            st += erfPairMoment(M(a, m), Q(a, a), rho(m, m));
    for (int m = 0; m < ks; ++m)
        for (int n = 0; n < ks; ++n)
            tt += erfPairMoment(rho(m, n), rho(m, m), rho(n, n));
    PopulationMetrics out;
    out.error = 0.5 * (v * v * ss - 2.0 * v * vs * st + vs * vs * tt);
    out.loss = out.error + 0.5 * s.noise * s.noise;
    return out;
}

PopulationMetrics PopulationEvaluator::quadraticClosedForm(
    const Eigen::MatrixXd &Q, const Eigen::MatrixXd &M, const Eigen::MatrixXd &rho) const
{
    // f = v Σ_a r_a², f* = v* Σ_m z_m²; for jointly Gaussian centred x_i, x_j:
    // E[x_i² x_j²] = Σ_ii Σ_jj + 2 Σ_ij²
    const auto &s = m_problem.spec();
    const double v = s.secondLayer, vs = s.teacherSecondLayer;
    auto pairs = [](const Eigen::MatrixXd &A, const Eigen::MatrixXd &B, const Eigen::MatrixXd &AB) {
        double sum = 0.0;
        for (int i = 0; i < AB.rows(); ++i)
            for (int j = 0; j < AB.cols(); ++j)
                sum += A(i, i) * B(j, j) + 2.0 * AB(i, j) * AB(i, j);
        return sum;
    };
    PopulationMetrics out;
    out.error
        = 0.5 * (v * v * pairs(Q, Q, Q) - 2.0 * v * vs * pairs(Q, rho, M) + vs * vs * pairs(rho, rho, rho));
    out.loss = out.error + 0.5 * s.noise * s.noise;
    return out;
}

PopulationMetrics PopulationEvaluator::sampled(const Eigen::MatrixXd &Sigma) const
{
    const auto &s = m_problem.spec();
    const int k = s.width, ks = s.teacherWidth;
    const Eigen::MatrixXd L = psdSqrt(Sigma);
    const Eigen::MatrixXd pts = L * m_normals;
    const double s2 = s.noise * s.noise;
    PopulationMetrics out;
    for (Eigen::Index j = 0; j < pts.cols(); ++j) {
        const double *r = pts.col(j).data();
        const double *z = r + k;
        const double f = m_problem.output(r);
        const double fs = m_problem.teacherOutput(z);
        const double w = m_weights[j];
        if (s.labels == Labels::Real) {
            const double gen = 0.5 * (f - fs) * (f - fs);
            out.error += w * gen;
            out.loss += w * (gen + 0.5 * s2);
        } else {
            const double p = s.noise > 0.0 ? normalCdf(fs / s.noise) : (fs >= 0.0 ? 1.0 : 0.0);
            out.loss += w * (p * m_problem.loss(r, 1.0) + (1 - p) * m_problem.loss(r, -1.0));
            out.error += w * (f >= 0.0 ? 1.0 - p : p);
        }
    }
    (void)ks;
    return out;
}

} // namespace dmftlab
