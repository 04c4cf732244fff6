// The "ode" engine's limits (issue 15): it refuses sizes whose C_θ would not fit in memory
// (it reached 4.7 GB and bad_alloc at time.steps = 5000, k = 4) with a reason naming
// time.steps, and honours cancel in every phase — the ODE itself, the moments of its
// warm start and the θ-process (which ignored it: still running 115 s after SIGINT).
#include "config/presets.h"
#include "dmft/onlineode.h"
#include "dmft/thetaprocess.h"
#include "engine/engine.h"
#include "testutil.h"

#include <atomic>

using namespace dmftlab;

class TestOdeLimits : public QObject
{
    Q_OBJECT
private slots:
    void memoryCheck_data();
    void memoryCheck();
    void cancelInEveryPhase();
    void thetaProcessCancel();
};

void TestOdeLimits::memoryCheck_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("steps");
    QTest::addColumn<bool>("fits");
    QTest::newRow("issue: k=4, N=5000") << 4 << 5000 << false; // 7 * (20004)^2 doubles = 21 GiB
    QTest::newRow("k=4, N=2000") << 4 << 2000 << true;
    QTest::newRow("k=1, N=5000") << 1 << 5000 << true;
    QTest::newRow("k=16, N=1000") << 16 << 1000 << false;
}

void TestOdeLimits::memoryCheck()
{
    QFETCH(int, width);
    QFETCH(int, steps);
    QFETCH(bool, fits);
    RunConfig c = presetConfig("committee-erf");
    c.problem.width = width;
    c.time.steps = steps;
    c.init.m0 = Eigen::MatrixXd::Zero(1, 1); // a number fills the k x k* matrix
    const EngineCheck check = checkEngine("ode", c);
    const std::string err = test::checkMessage(check);
    const double gib = onlineOdeMemoryBytes(c) / 1073741824.0;
    QCOMPARE(err.empty(), fits);
    QCOMPARE(gib <= 4.0, fits);
    if (!fits) {
        QVERIFY2(err.find("time.steps") != std::string::npos, err.c_str());
        QVERIFY(test::blames(check, "time.steps"));
        // The largest N it names must fit, and one more must not.
        const std::size_t at = err.find("at most ");
        QVERIFY2(at != std::string::npos, err.c_str());
        c.time.steps = std::stoi(err.substr(at + 8));
        QVERIFY2(!checkEngine("ode", c), err.c_str());
        ++c.time.steps;
        QVERIFY(checkEngine("ode", c));
        // The engine refuses it too (no allocation happens).
        c.time.steps = steps;
        const EngineResult r = runEngine("ode", c);
        QCOMPARE(toString(r.status), toString(Status::InvalidInput));
    }
}

void TestOdeLimits::cancelInEveryPhase()
{
    RunConfig c = presetConfig("committee-erf");
    c.time.steps = 60;
    std::atomic<bool> cancel { true };
    // ODE: stops at once, with t_0 only.
    const OnlineOdeTrajectory stopped = integrateOnlineOde(c, &cancel);
    QCOMPARE(toString(stopped.status), toString(Status::Cancelled));
    QCOMPARE(stopped.validPoints, 1);
    // Warm start (moments and θ-process) on a complete trajectory: refuses to finish.
    const OnlineOdeTrajectory full = integrateOnlineOde(c);
    QCOMPARE(toString(full.status), toString(Status::Completed));
    ThetaProcessOutput theta;
    QVERIFY(!onlineWarmStart(c, full, theta, &cancel));
    cancel = false;
    QVERIFY(onlineWarmStart(c, full, theta, &cancel));
    QCOMPARE(theta.C.rows(), (c.time.steps + 1) * c.problem.width);
    // The engine: cancelled, and says so.
    cancel = true;
    const EngineResult r = runEngine("ode", c, {}, &cancel);
    QCOMPARE(toString(r.status), toString(Status::Cancelled));
    QVERIFY(r.curves.Ctheta.empty());
}

void TestOdeLimits::thetaProcessCancel()
{
    // A cancel raised part-way (from another thread in real use) stops the solve between
    // steps or panels; here it is raised before, so every check point returns false.
    ThetaProcessInput in;
    in.steps = 700; // D = 701 > one 512-column panel
    in.dt = 0.01;
    const int D = in.steps + 1;
    in.K = Eigen::MatrixXd::Identity(D, D);
    in.Cu = Eigen::MatrixXd::Identity(D, D) * in.dt;
    in.mu = Eigen::MatrixXd::Zero(D, 1);
    in.Q0 = in.M0 = in.rho = Eigen::MatrixXd::Identity(1, 1);
    ThetaProcessOutput out;
    std::atomic<bool> cancel { true };
    QVERIFY(!solveThetaProcess(in, out, &cancel));
    cancel = false;
    QVERIFY(solveThetaProcess(in, out, &cancel));
    // Panels give the whole product: with K = I (no memory beyond the diagonal) and white
    // C_u = Δ I, the response decays as R(n, m) = (1 − Δ)^(n−m−1) and the noise part of C_θ is
    // Σ_{l<m} R(n, l) R(m, l) Δ; check an entry past the first panel (columns 512..).
    const double decay = 1.0 - in.dt;
    const int n = 650, m = 600;
    double expected = 0.0;
    for (int l = 0; l < m; ++l)
        expected += std::pow(decay, n - l - 1) * std::pow(decay, m - l - 1) * in.dt;
    // λ = 0, K = I: a_n = (1 − Δ)^n, b = 0 (μ = 0), so with Q0 = 1 the deterministic part is a_n a_m.
    const double deterministic = std::pow(decay, n) * std::pow(decay, m);
    DMFT_COMPARE_TOL(out.C(n, m), deterministic + expected, 1e-12, 1e-10);
}

QTEST_GUILESS_MAIN(TestOdeLimits)
#include "test_ode_limits.moc"
