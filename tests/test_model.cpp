// Analytic gradient g and Hessian H of every loss × activation (× taming) against
// central finite differences; label channel and output functions.
#include "model/fastmath.h"
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
    void erfMatchesLibm();
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

void TestModel::erfMatchesLibm()
{
    // erfWithGaussian (the erf activation in evaluateBatch) against std::erf: within 5e-16
    // absolutely everywhere and 4e-16 relatively for |x| < 0.5 (its Taylor branch), on a grid
    // through both branches and the cut-offs at 0.5 and 6, normals, a length that leaves a
    // short last block, and the special values.
    std::vector<double> x;
    for (int i = -80000; i <= 80000; ++i)
        x.push_back(i * 1e-4);
    std::mt19937_64 rng(11);
    std::normal_distribution<double> normal(0.0, 2.0);
    for (int i = 0; i < 20001; ++i)
        x.push_back(normal(rng));
    const double inf = std::numeric_limits<double>::infinity();
    const std::vector<double> special = { 0.0, -0.0, 1e-300, -1e-300, 5e-324, std::nextafter(0.5, 0.0), 0.5,
        std::nextafter(0.5, 1.0), std::nextafter(6.0, 0.0), 6.0, std::nextafter(6.0, 7.0), 1e10, inf, -inf };
    x.insert(x.end(), special.begin(), special.end());
    QVERIFY(x.size() % 32 != 0);
    std::vector<double> e(x.size()), out(x.size());
    for (std::size_t i = 0; i < x.size(); ++i)
        e[i] = std::exp(-x[i] * x[i]);
    erfWithGaussian(static_cast<Eigen::Index>(x.size()), x.data(), e.data(), out.data());
    double worstAbs = 0.0, worstRel = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double ref = std::erf(x[i]);
        worstAbs = std::max(worstAbs, std::abs(out[i] - ref));
        if (std::abs(x[i]) < 0.5 && ref != 0.0)
            worstRel = std::max(worstRel, std::abs(out[i] - ref) / std::abs(ref));
        QCOMPARE(std::signbit(out[i]), std::signbit(ref));
    }
    QVERIFY2(worstAbs <= 5e-16, qPrintable(QString("worst absolute error %1").arg(worstAbs)));
    QVERIFY2(worstRel <= 4e-16, qPrintable(QString("worst relative error %1").arg(worstRel)));
    const double nan = std::numeric_limits<double>::quiet_NaN(), enan = std::exp(-nan * nan);
    double outNan = 0.0;
    erfWithGaussian(1, &nan, &enan, &outNan);
    QVERIFY(std::isnan(outNan));
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
