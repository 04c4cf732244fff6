// Analytic gradient g and Hessian H of every loss × activation (× taming) against
// central finite differences; label channel and output functions.
#include "model/problem.h"
#include "testutil.h"

#include <random>

using namespace dmftlab;

namespace
{
// The problem of one data row of derivatives_data: labels ±1 for the logistic loss.
ProblemSpec rowSpec(int activation, int loss, int width)
{
    ProblemSpec spec;
    spec.activation = Activation(activation);
    spec.loss = Loss(loss);
    spec.width = width;
    spec.labels = spec.loss == Loss::Logistic ? Labels::Sign : Labels::Real;
    spec.secondLayer = 0.7;
    return spec;
}
} // namespace

class TestModel : public QObject
{
    Q_OBJECT
private slots:
    void derivatives_data();
    void derivatives();
    void batchMatchesPerSample_data() { derivatives_data(); }
    void batchMatchesPerSample();
    void labels();
    void validation();
};

void TestModel::derivatives_data()
{
    QTest::addColumn<int>("activation");
    QTest::addColumn<int>("loss");
    QTest::addColumn<int>("width");
    QTest::addColumn<double>("taming");
    const std::vector<Activation> acts
        = { Activation::Linear, Activation::Erf, Activation::Tanh, Activation::Quadratic, Activation::Relu };
    for (Activation a : acts)
        for (Loss l : { Loss::Square, Loss::Logistic })
            for (int k : { 1, 2, 3 }) // 1 and 2: evaluateBatch's fused quadratic/square loops
                for (double tame : { 0.0, 0.3 }) {
                    const std::string name = toString(a) + "/" + toString(l) + "/k=" + std::to_string(k)
                        + (tame > 0 ? "/tamed" : "");
                    QTest::newRow(name.c_str()) << int(a) << int(l) << k << tame;
                }
}

void TestModel::derivatives()
{
    QFETCH(int, activation);
    QFETCH(int, loss);
    QFETCH(int, width);
    QFETCH(double, taming);
    const ProblemSpec spec = rowSpec(activation, loss, width);
    QVERIFY(validate(spec).empty());
    const Problem p(spec);
    std::mt19937_64 rng(42);
    std::normal_distribution<double> normal;
    const double h = 1e-5;
    for (int trial = 0; trial < 20; ++trial) {
        std::vector<double> r(width), g(width), H(width * width), gp(width), gm(width);
        for (auto &x : r) {
            x = normal(rng);
            // keep ReLU away from its kink, where finite differences are meaningless
            if (spec.activation == Activation::Relu && std::fabs(x) < 1e-3)
                x = 0.5;
        }
        const double y = spec.labels == Labels::Sign ? (trial % 2 ? 1.0 : -1.0) : normal(rng);
        const double l0 = p.evaluate(r.data(), y, g.data(), H.data(), taming);
        QCOMPARE(l0, p.loss(r.data(), y));
        std::vector<double> gUntamed(width);
        p.evaluate(r.data(), y, gUntamed.data(), nullptr, 0.0);
        for (int b = 0; b < width; ++b) {
            auto rp = r, rm = r;
            rp[b] += h;
            rm[b] -= h;
            // untamed gradient = ∂ℓ/∂r
            const double fd = (p.loss(rp.data(), y) - p.loss(rm.data(), y)) / (2 * h);
            DMFT_COMPARE_TOL(gUntamed[b], fd, 1e-6, 1e-6);
            // (tamed) Hessian = ∂g/∂r of the (tamed) gradient
            p.evaluate(rp.data(), y, gp.data(), nullptr, taming);
            p.evaluate(rm.data(), y, gm.data(), nullptr, taming);
            for (int a = 0; a < width; ++a)
                DMFT_COMPARE_TOL(H[a + b * width], (gp[a] - gm[a]) / (2 * h), 1e-5, 1e-5);
        }
        if (taming > 0.0) {
            double norm = 0;
            for (double x : gUntamed)
                norm += x * x;
            norm = std::sqrt(norm);
            for (int a = 0; a < width; ++a)
                DMFT_COMPARE_TOL(g[a], gUntamed[a] / (1 + taming * norm), 1e-14, 1e-12);
        }
    }
}

void TestModel::batchMatchesPerSample()
{
    // evaluateBatch (vectorised over samples, used by the DMFT paths and the online-ODE
    // moments) equals evaluate sample by sample, including |f| large enough to overflow a naive
    // logistic loss.
    QFETCH(int, activation);
    QFETCH(int, loss);
    QFETCH(int, width);
    QFETCH(double, taming);
    const ProblemSpec spec = rowSpec(activation, loss, width);
    const Problem p(spec);
    std::mt19937_64 rng(7);
    std::normal_distribution<double> normal;
    const int n = 203;
    Eigen::MatrixXd R(n, width), G(n, width), G2(n, width);
    Eigen::VectorXd y(n);
    for (int i = 0; i < n; ++i) {
        const double scale = i % 10 == 0 ? 400.0 : 1.0;
        for (int a = 0; a < width; ++a)
            R(i, a) = scale * normal(rng);
        y[i] = spec.labels == Labels::Sign ? (i % 2 ? 1.0 : -1.0) : normal(rng);
    }
    R.row(5).setZero(); // g = 0 for a quadratic student: taming's ĝ = g/|g| is undefined there
    Eigen::MatrixXd H;
    const double total = p.evaluateBatch(R, y, G, &H, taming);
    const double totalNoH = p.evaluateBatch(R, y, G2, nullptr, taming);
    QCOMPARE(H.rows(), Eigen::Index(n));
    QCOMPARE(H.cols(), Eigen::Index(width * width));
    double expected = 0.0;
    std::vector<double> g(width), h(width * width);
    for (int i = 0; i < n; ++i) {
        std::vector<double> r(width);
        for (int a = 0; a < width; ++a)
            r[a] = R(i, a);
        expected += p.evaluate(r.data(), y[i], g.data(), h.data(), taming);
        for (int a = 0; a < width; ++a) {
            DMFT_COMPARE_TOL(G(i, a), g[a], 1e-14, 1e-12);
            QCOMPARE(G2(i, a), G(i, a));
        }
        for (int j = 0; j < width * width; ++j)
            DMFT_COMPARE_TOL(H(i, j), h[j], 1e-14, 1e-12);
    }
    QVERIFY(std::isfinite(total));
    DMFT_COMPARE_TOL(total, expected, 1e-12, 1e-13);
    QCOMPARE(totalNoH, total);
}

void TestModel::labels()
{
    ProblemSpec spec;
    spec.teacherActivation = Activation::Erf;
    spec.teacherWidth = 2;
    spec.teacherSecondLayer = 1.5;
    spec.noise = 0.5;
    const Problem real(spec);
    const double z[2] = { 0.3, -1.2 };
    const double fstar = 1.5 * (std::erf(0.3 / std::sqrt(2.0)) + std::erf(-1.2 / std::sqrt(2.0)));
    DMFT_COMPARE_TOL(real.teacherOutput(z), fstar, 1e-14);
    DMFT_COMPARE_TOL(real.label(z, 0.4), fstar + 0.5 * 0.4, 1e-14);
    spec.labels = Labels::Sign;
    const Problem sign(spec);
    QCOMPARE(sign.label(z, 0.4), fstar + 0.2 >= 0 ? 1.0 : -1.0);
    QCOMPARE(sign.label(z, 10.0), 1.0);
    QCOMPARE(sign.label(z, -10.0), -1.0);
}

void TestModel::validation()
{
    ProblemSpec spec;
    spec.loss = Loss::Logistic;
    spec.labels = Labels::Real;
    QVERIFY(validate(spec).find("logistic") != std::string::npos);
    spec.labels = Labels::Sign;
    QVERIFY(validate(spec).empty());
    spec.width = 0;
    QVERIFY(!validate(spec).empty());
    spec.width = 1;
    spec.noise = -1;
    QVERIFY(!validate(spec).empty());
}

QTEST_APPLESS_MAIN(TestModel)
#include "test_model.moc"
