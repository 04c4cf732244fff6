// Population loss and test error from (Q, M): closed forms and quadrature against a
// brute-force Monte Carlo over (r, z, ε) with a fixed seed; tolerance in standard errors.
#include "observables/population.h"
#include "testutil.h"

#include <random>

using namespace dmftlab;

namespace
{

struct McEstimate {
    double loss, lossSe, error, errorSe;
};

McEstimate monteCarlo(const ProblemSpec &spec, const Eigen::MatrixXd &Q, const Eigen::MatrixXd &M,
    const Eigen::MatrixXd &rho, int samples, unsigned seed)
{
    const int k = spec.width, ks = spec.teacherWidth;
    Eigen::MatrixXd Sigma(k + ks, k + ks);
    Sigma << Q, M, M.transpose(), rho;
    const Eigen::MatrixXd L = psdSqrt(Sigma);
    const Problem p(spec);
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    double sl = 0, sl2 = 0, se = 0, se2 = 0;
    Eigen::VectorXd xi(k + ks);
    for (int s = 0; s < samples; ++s) {
        for (int i = 0; i < k + ks; ++i)
            xi[i] = normal(rng);
        const Eigen::VectorXd x = L * xi;
        const double y = p.label(x.data() + k, normal(rng));
        const double l = p.loss(x.data(), y);
        const double f = p.output(x.data());
        const double e = spec.labels == Labels::Sign ? ((f >= 0 ? 1.0 : -1.0) != y ? 1.0 : 0.0)
                                                     : 0.5 * std::pow(f - p.teacherOutput(x.data() + k), 2);
        sl += l;
        sl2 += l * l;
        se += e;
        se2 += e * e;
    }
    const double n = samples;
    auto sem = [n](double s1, double s2) { return std::sqrt(std::max(s2 / n - s1 * s1 / n / n, 0.0) / n); };
    return { sl / n, sem(sl, sl2), se / n, sem(se, se2) };
}

} // namespace

class TestPopulation : public QObject
{
    Q_OBJECT
private slots:
    void linearSquareClosedForm();
    void arccosTestError();
    void againstMonteCarlo_data();
    void againstMonteCarlo();
    void gaussHermiteMoments();
    void quadraticClosedFormMatchesQuadrature();
};

void TestPopulation::linearSquareClosedForm()
{
    ProblemSpec spec; // linear / linear / square / real
    spec.noise = 0.3;
    const PopulationEvaluator ev(spec);
    QCOMPARE(ev.method(), PopulationEvaluator::Method::LinearClosedForm);
    Eigen::MatrixXd Q(1, 1), M(1, 1), rho(1, 1);
    Q << 0.8;
    M << 0.5;
    rho << 1.0;
    const auto m = ev.evaluate(Q, M, rho);
    DMFT_COMPARE_TOL(m.loss, 0.5 * (0.8 - 1.0 + 1.0) + 0.5 * 0.09, 1e-14);
    DMFT_COMPARE_TOL(m.error, 0.5 * (0.8 - 1.0 + 1.0), 1e-14);
}

void TestPopulation::arccosTestError()
{
    ProblemSpec spec;
    spec.loss = Loss::Logistic;
    spec.labels = Labels::Sign;
    const PopulationEvaluator ev(spec);
    Eigen::MatrixXd Q(1, 1), M(1, 1), rho(1, 1);
    Q << 2.0;
    M << 0.9;
    rho << 1.0;
    DMFT_COMPARE_TOL(ev.evaluate(Q, M, rho).error, std::acos(0.9 / std::sqrt(2.0)) / M_PI, 1e-14);
    spec.noise = 0.5;
    const PopulationEvaluator noisy(spec);
    DMFT_COMPARE_TOL(noisy.evaluate(Q, M, rho).error, std::acos(0.9 / std::sqrt(2.0 * 1.25)) / M_PI, 1e-14);
}

void TestPopulation::againstMonteCarlo_data()
{
    QTest::addColumn<int>("activation");
    QTest::addColumn<int>("teacherActivation");
    QTest::addColumn<int>("loss");
    QTest::addColumn<int>("labels");
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("kStar");
    QTest::addColumn<double>("noise");
    using A = Activation;
    auto row = [](const char *name, A a, A t, Loss l, Labels y, int k, int ks, double noise) {
        QTest::newRow(name) << int(a) << int(t) << int(l) << int(y) << k << ks << noise;
    };
    row("linear-square-noisy", A::Linear, A::Linear, Loss::Square, Labels::Real, 1, 1, 0.5);
    row("linear-logistic-sign", A::Linear, A::Linear, Loss::Logistic, Labels::Sign, 1, 1, 0.0);
    row("linear-logistic-sign-noisy", A::Linear, A::Linear, Loss::Logistic, Labels::Sign, 1, 1, 0.4);
    row("linear k=2 logistic sign", A::Linear, A::Linear, Loss::Logistic, Labels::Sign, 2, 1, 0.2);
    row("linear-square-sign", A::Linear, A::Linear, Loss::Square, Labels::Sign, 1, 1, 0.0);
    row("phase-retrieval (closed form)", A::Quadratic, A::Quadratic, Loss::Square, Labels::Real, 1, 1, 0.1);
    row("quadratic k=2 k*=3 (closed form)", A::Quadratic, A::Quadratic, Loss::Square, Labels::Real, 2, 3,
        0.0);
    row("quadratic sign logistic (GH)", A::Quadratic, A::Quadratic, Loss::Logistic, Labels::Sign, 1, 1, 0.2);
    row("tanh k=2 vs erf (GH)", A::Tanh, A::Erf, Loss::Square, Labels::Real, 2, 1, 0.0);
    row("committee erf (Saad-Solla)", A::Erf, A::Erf, Loss::Square, Labels::Real, 2, 2, 0.2);
    row("relu k=2 vs relu k*=2 (QMC)", A::Relu, A::Relu, Loss::Square, Labels::Real, 2, 2, 0.0);
    row("erf sign logistic k=2 (QMC)", A::Erf, A::Erf, Loss::Logistic, Labels::Sign, 2, 2, 0.3);
}

void TestPopulation::againstMonteCarlo()
{
    QFETCH(int, activation);
    QFETCH(int, teacherActivation);
    QFETCH(int, loss);
    QFETCH(int, labels);
    QFETCH(int, k);
    QFETCH(int, kStar);
    QFETCH(double, noise);
    ProblemSpec spec;
    spec.activation = Activation(activation);
    spec.teacherActivation = Activation(teacherActivation);
    spec.loss = Loss(loss);
    spec.labels = Labels(labels);
    spec.width = k;
    spec.teacherWidth = kStar;
    spec.noise = noise;
    QVERIFY(validate(spec).empty());
    // A generic positive-definite joint covariance
    Eigen::MatrixXd Q = 0.6 * Eigen::MatrixXd::Identity(k, k) + 0.15 * Eigen::MatrixXd::Ones(k, k);
    Eigen::MatrixXd M(k, kStar);
    for (int a = 0; a < k; ++a)
        for (int m = 0; m < kStar; ++m)
            M(a, m) = 0.3 + 0.1 * a - 0.05 * m;
    const Eigen::MatrixXd rho = Eigen::MatrixXd::Identity(kStar, kStar);
    const PopulationEvaluator ev(spec);
    const auto exact = ev.evaluate(Q, M, rho);
    const auto mc = monteCarlo(spec, Q, M, rho, 400000, 7);
    // 4 SE, plus the deterministic quadrature error of QMC (a fraction of a percent)
    const double qmcSlack = ev.method() == PopulationEvaluator::Method::QuasiMonteCarlo ? 2e-3 : 0.0;
    DMFT_COMPARE_SE(exact.loss, mc.loss, mc.lossSe + qmcSlack * std::fabs(mc.loss) / 4, 4.0);
    DMFT_COMPARE_SE(exact.error, mc.error, mc.errorSe + qmcSlack * std::fabs(mc.error) / 4, 4.0);
}

void TestPopulation::quadraticClosedFormMatchesQuadrature()
{
    // Phase retrieval's closed form against the tensor-product Gauss–Hermite rule it replaced
    // (64 nodes per dimension integrate the degree-4 integrand exactly): equal to rounding.
    ProblemSpec spec;
    spec.activation = spec.teacherActivation = Activation::Quadratic;
    spec.noise = 0.2;
    spec.secondLayer = 0.7;
    spec.teacherSecondLayer = 1.3;
    const PopulationEvaluator ev(spec);
    QCOMPARE(ev.method(), PopulationEvaluator::Method::QuadraticClosedForm);
    Eigen::VectorXd x, w;
    gaussHermite(64, x, w);
    for (const auto &[q, m] : { std::pair { 1.0, 0.1 }, std::pair { 0.3, 0.5 }, std::pair { 2.5, -1.2 } }) {
        Eigen::MatrixXd Q(1, 1), M(1, 1), rho(1, 1);
        Q << q;
        M << m;
        rho << 1.0;
        // (r, z) = (a ξ1 + b ξ2, ξ2) with b = m, a = √(q − m²)
        const double b = m, a = std::sqrt(q - m * m);
        double gen = 0.0;
        for (int i = 0; i < x.size(); ++i)
            for (int j = 0; j < x.size(); ++j) {
                const double r = a * x[i] + b * x[j], z = x[j];
                const double d = spec.secondLayer * r * r - spec.teacherSecondLayer * z * z;
                gen += w[i] * w[j] * 0.5 * d * d;
            }
        const auto got = ev.evaluate(Q, M, rho);
        DMFT_COMPARE_TOL(got.error, gen, 1e-12 * gen);
        DMFT_COMPARE_TOL(got.loss, gen + 0.5 * 0.04, 1e-12 * gen);
    }
}

void TestPopulation::gaussHermiteMoments()
{
    Eigen::VectorXd x, w;
    gaussHermite(20, x, w);
    DMFT_COMPARE_TOL(w.sum(), 1.0, 1e-13);
    DMFT_COMPARE_TOL((w.array() * x.array().square()).sum(), 1.0, 1e-12);
    DMFT_COMPARE_TOL((w.array() * x.array().pow(4)).sum(), 3.0, 1e-11);
    DMFT_COMPARE_TOL((w.array() * x.array().pow(6)).sum(), 15.0, 1e-10);
    DMFT_COMPARE_TOL(normalQuantile(0.975), 1.959963984540054, 1e-12);
    DMFT_COMPARE_TOL(normalQuantile(1e-6), -4.753424308822899, 1e-9);
}

QTEST_APPLESS_MAIN(TestPopulation)
#include "test_population.moc"
