// FixedPointMixer (core/dmft/mixing.h): memory 0 is exactly the damped iteration; Anderson
// mixing reaches the same fixed point, in far fewer iterations on a slowly contracting
// map; a restart falls back to the damped step.
#include "dmft/mixing.h"
#include "testutil.h"

#include <functional>
#include <random>

using namespace dmftlab;

namespace
{

// Iterates x ← mixer(x, F(x)) from x0 until ‖F(x) − x‖∞ < tol; returns the iterations used
// (or maxIt + 1) and the final x.
int solve(FixedPointMixer &mixer, const std::function<Eigen::VectorXd(const Eigen::VectorXd &)> &F,
    Eigen::VectorXd &x, double tol, int maxIt)
{
    for (int it = 1; it <= maxIt; ++it) {
        const Eigen::VectorXd fx = F(x);
        if ((fx - x).cwiseAbs().maxCoeff() < tol)
            return it;
        x = mixer.next(x, fx);
    }
    return maxIt + 1;
}

Eigen::MatrixXd randomOrthogonal(int n, std::mt19937_64 &rng)
{
    std::normal_distribution<double> normal;
    Eigen::MatrixXd G(n, n);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            G(i, j) = normal(rng);
    return Eigen::HouseholderQR<Eigen::MatrixXd>(G).householderQ();
}

} // namespace

class TestDmftMixing : public QObject
{
    Q_OBJECT
private slots:
    void memoryZeroIsDamping();
    void andersonAcceleratesLinearContraction();
    void andersonSameFixedPointNonlinear();
    void restartGivesDampedStep();
    void growthRestartsWithDampedStep();
    void stallSwitchesToDamping();
};

void TestDmftMixing::memoryZeroIsDamping()
{
    FixedPointMixer mixer(0, 0.3);
    Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(5, -1.0, 1.0);
    for (int i = 0; i < 4; ++i) {
        const Eigen::VectorXd fx = 0.5 * x.array().sin().matrix() + Eigen::VectorXd::Constant(5, 0.2);
        const Eigen::VectorXd expected = 0.7 * x + 0.3 * fx;
        x = mixer.next(x, fx);
        QVERIFY((x - expected).cwiseAbs().maxCoeff() == 0.0);
        QCOMPARE(mixer.historySize(), 0);
    }
}

void TestDmftMixing::andersonAcceleratesLinearContraction()
{
    // F(x) = A x + b with A symmetric, eigenvalues in [0, 0.98]: the damped iteration
    // (β = 0.5) contracts the error by 0.99 per step.
    const int n = 60;
    std::mt19937_64 rng(3);
    const Eigen::MatrixXd U = randomOrthogonal(n, rng);
    const Eigen::VectorXd lambda = Eigen::VectorXd::LinSpaced(n, 0.0, 0.98);
    const Eigen::MatrixXd A = U * lambda.asDiagonal() * U.transpose();
    const Eigen::VectorXd b = Eigen::VectorXd::LinSpaced(n, -1.0, 2.0);
    const Eigen::VectorXd exact = (Eigen::MatrixXd::Identity(n, n) - A).ldlt().solve(b);
    auto F = [&](const Eigen::VectorXd &x) -> Eigen::VectorXd { return A * x + b; };

    FixedPointMixer damped(0, 0.5), anderson(5, 0.5);
    Eigen::VectorXd xd = Eigen::VectorXd::Zero(n), xa = Eigen::VectorXd::Zero(n);
    const int itD = solve(damped, F, xd, 1e-8, 5000);
    const int itA = solve(anderson, F, xa, 1e-8, 5000);
    qInfo("iterations to |F(x) - x| < 1e-8: damped %d, Anderson(5) %d", itD, itA);
    QVERIFY(itD <= 5000);
    QVERIFY(itA <= 5000);
    QVERIFY2(itA * 5 < itD, qPrintable(QString("%1 vs %2").arg(itA).arg(itD)));
    QVERIFY((xa - exact).cwiseAbs().maxCoeff() < 1e-6);
    QVERIFY((xd - exact).cwiseAbs().maxCoeff() < 1e-6);
}

void TestDmftMixing::andersonSameFixedPointNonlinear()
{
    const int n = 40;
    std::mt19937_64 rng(11);
    std::normal_distribution<double> normal;
    Eigen::MatrixXd W(n, n);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            W(i, j) = 0.9 * normal(rng) / std::sqrt(double(n));
    Eigen::VectorXd c(n);
    for (int i = 0; i < n; ++i)
        c[i] = normal(rng);
    auto F = [&](const Eigen::VectorXd &x) -> Eigen::VectorXd { return (W * x + c).array().tanh().matrix(); };
    FixedPointMixer damped(0, 0.5), anderson(5, 0.5);
    Eigen::VectorXd xd = Eigen::VectorXd::Zero(n), xa = Eigen::VectorXd::Zero(n);
    const int itD = solve(damped, F, xd, 1e-10, 5000);
    const int itA = solve(anderson, F, xa, 1e-10, 5000);
    qInfo("nonlinear map: damped %d, Anderson(5) %d iterations", itD, itA);
    QVERIFY(itD <= 5000 && itA <= 5000);
    QVERIFY(itA < itD);
    QVERIFY((xa - xd).cwiseAbs().maxCoeff() < 1e-8);
}

void TestDmftMixing::restartGivesDampedStep()
{
    FixedPointMixer mixer(3, 0.4);
    Eigen::VectorXd x = Eigen::VectorXd::Constant(3, 1.0);
    for (int i = 0; i < 3; ++i)
        x = mixer.next(x, 0.5 * x + Eigen::VectorXd::Constant(3, 1.0 + i));
    QVERIFY(mixer.historySize() > 0);
    const Eigen::VectorXd fx = 0.5 * x + Eigen::VectorXd::Constant(3, 0.1);
    mixer.next(x, fx);
    const Eigen::VectorXd fallback = mixer.restartWithDampedStep();
    QCOMPARE(mixer.historySize(), 0);
    QVERIFY((fallback - (0.6 * x + 0.4 * fx)).cwiseAbs().maxCoeff() == 0.0);
}

void TestDmftMixing::growthRestartsWithDampedStep()
{
    // A residual above kGrowth × the best one restarts the history with the damped step.
    FixedPointMixer mixer(3, 0.5);
    auto F = [](const Eigen::VectorXd &x) -> Eigen::VectorXd {
        return 0.5 * x + Eigen::VectorXd::Constant(2, 1.0);
    };
    const Eigen::VectorXd x0 = Eigen::VectorXd::Constant(2, 0.3);
    Eigen::VectorXd x = mixer.next(x0, F(x0), 1.0);
    x = mixer.next(x, F(x), 0.5);
    x = mixer.next(x, F(x), 0.1); // best so far
    QVERIFY(mixer.historySize() > 0);
    const Eigen::VectorXd far = Eigen::VectorXd::Constant(2, 50.0);
    const Eigen::VectorXd out = mixer.next(far, F(far), 0.1 * FixedPointMixer::kGrowth * 1.01);
    QCOMPARE(mixer.growthRestarts(), 1);
    QCOMPARE(mixer.historySize(), 0);
    QVERIFY((out - (0.5 * far + 0.5 * F(far))).cwiseAbs().maxCoeff() < 1e-15);
    QVERIFY(!mixer.accelerationOff());
}

void TestDmftMixing::stallSwitchesToDamping()
{
    // Residuals that never beat the first one: after stallWindow() calls acceleration is off
    // for good, the iteration restarts from the best iterate and then is exactly damping.
    FixedPointMixer mixer(5, 0.4);
    auto F = [](const Eigen::VectorXd &x) -> Eigen::VectorXd { return (0.9 * x.array().cos()).matrix(); };
    const Eigen::VectorXd x0 = Eigen::VectorXd::LinSpaced(4, -1.0, 1.0);
    Eigen::VectorXd x = mixer.next(x0, F(x0), 0.3);
    int calls = 1;
    while (!mixer.accelerationOff() && calls < 100) {
        x = mixer.next(x, F(x), 0.31 + 0.01 * (calls % 3));
        ++calls;
    }
    QVERIFY(mixer.accelerationOff());
    QCOMPARE(calls, mixer.stallWindow() + 1);
    QCOMPARE(mixer.stallIteration(), calls);
    QVERIFY((x - (0.6 * x0 + 0.4 * F(x0))).cwiseAbs().maxCoeff() < 1e-15);
    for (int i = 0; i < 3; ++i) {
        const Eigen::VectorXd fx = F(x);
        const Eigen::VectorXd expected = 0.6 * x + 0.4 * fx;
        x = mixer.next(x, fx, 1.0 + i);
        QVERIFY((x - expected).cwiseAbs().maxCoeff() == 0.0);
        QCOMPARE(mixer.historySize(), 0);
    }
}

QTEST_GUILESS_MAIN(TestDmftMixing)
#include "test_dmft_mixing.moc"
