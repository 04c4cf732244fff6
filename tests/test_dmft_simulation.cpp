// DMFT vs the finite-d SGF simulation (theory §7), at small CI sizes: N = 30 grid steps,
// d = 500 with 16 seeds, P = 4000 paths × 4 replicas. Train loss, test loss, Q and M
// within 3 combined standard errors (simulation SE ⊕ DMFT replica SE) at every grid
// time, and C_θ(t, s) at a few (t, s). τ = 0 rows compare with gradient flow. The committee
// rows use d = 1000 (see below).
#include "config/presets.h"
#include "engine/engine.h"
#include "testutil.h"

#include <cmath>

using namespace dmftlab;

namespace
{

using test::checkEstimate; // tests/testutil.h
using test::Worst;

} // namespace

class TestDmftSimulation : public QObject
{
    Q_OBJECT
private slots:
    void dmftMatchesSgf_data();
    void dmftMatchesSgf();
};

void TestDmftSimulation::dmftMatchesSgf_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<double>("tau");
    QTest::addColumn<double>("horizon");
    QTest::addColumn<bool>("continuous"); // both engines extrapolated, as the presets run them
    QTest::newRow("linear-regression tau=0.5") << "linear-regression" << 0.5 << 6.0 << false;
    QTest::newRow("linear-regression GF") << "linear-regression" << 0.0 << 6.0 << false;
    QTest::newRow("logistic-regression tau=0.5") << "logistic-regression" << 0.5 << 6.0 << false;
    QTest::newRow("logistic-regression GF") << "logistic-regression" << 0.0 << 6.0 << false;
    QTest::newRow("committee-erf tau=0.5") << "committee-erf" << 0.5 << 6.0 << false;
    QTest::newRow("committee-erf GF") << "committee-erf" << 0.0 << 6.0 << false;
    // The presets' continuous-time SGF against their continuous-time DMFT: each side's
    // remaining time-step error is a bias bound taken off before the 3-SE check.
    QTest::newRow("linear-regression tau=0.5, continuous time") << "linear-regression" << 0.5 << 6.0 << true;
    QTest::newRow("logistic-regression tau=0.1, continuous time")
        << "logistic-regression" << 0.1 << 6.0 << true;
}

void TestDmftSimulation::dmftMatchesSgf()
{
    QFETCH(QString, preset);
    QFETCH(double, tau);
    QFETCH(double, horizon);
    QFETCH(bool, continuous);
    RunConfig c = test::eulerPreset(preset.toStdString());
    c.optimizer.tau = tau;
    c.time.horizon = horizon;
    // continuous time: a multiple of 4 steps (the remaining error from a 4Δ level). Logistic
    // regression at Δ = 0.19, where its Euler curves are 2–4 % off (an Euler SGF against the
    // extrapolated DMFT: Q 5.5 SE apart at t = 1.1); linear regression at its preset's Δ = 0.05: at Δ = 0.19
    // its 4Δ level is beyond Euler's stability for the fastest mode (s ≤ 2.9), the stated
    // remaining error huge and the check below empty
    c.time.steps = 30;
    if (continuous)
        c.time.steps = preset == "linear-regression" ? 120 : 32;
    if (continuous)
        c.sim.continuousTime = c.dmft.continuousTime = "extrapolate";
    // The committee machine leaves its symmetric plateau partly through finite-d
    // fluctuations (theory §1), which at d = 500 visibly speed up the early drop of the
    // loss (3.3 SE at t = 0.8 with 16 seeds; 0.0 SE at d = 2000): use d = 1000 there.
    c.sim.dimension = c.problem.width > 1 ? 1000 : 500;
    c.sim.seeds = 16;
    c.sim.seed = 7;
    c.sim.threads = 2;
    // The committee preset's start (only M_11(0) = 0.3 non-zero) makes P = 4000 too few: the
    // test loss at t = 3.6 came out 0.02226 (P = 4000), 0.02198 (8000), 0.02178 (16 000)
    // against SGF 0.02159 ± 0.00011 at d = 2000 — an O(1/P) bias the 4-replica SE (1e-5)
    // does not show. P = 10 000 is the default.
    c.dmft.paths = c.problem.width > 1 ? 10000 : 4000;
    c.dmft.tangentPaths = 1000;
    // The replica SE has replicas − 1 degrees of freedom: with 4 replicas it came out 0.00044
    // for a spread across dmft.seed of 0.0017 (linear regression, train loss at t = 5.8) and
    // the 3-SE check failed on one draw of the paths (issue 14 reseeded them per path). The
    // cheap single-unit rows use the default 8 replicas; the committee keeps 4 (P = 10 000).
    c.dmft.replicas = c.problem.width > 1 ? 4 : 8;
    const EngineResult sim = runEngine("sgf", c);
    QVERIFY2(sim.status == Status::Completed, sim.message.c_str());
    const EngineResult dmft = runEngine("dmft", c);
    QVERIFY2(dmft.status == Status::Converged, dmft.message.c_str());
    if (continuous) { // both really extrapolated (not refused), their remaining errors < 2 % from T/4 on
        QVERIFY2(dmft.message.find("continuous-time curves") != std::string::npos
                && sim.message.find("continuous-time curves") != std::string::npos,
            (dmft.message + " | " + sim.message).c_str());
        for (const Estimate *e : { &dmft.curves.Q[0], &sim.curves.Q[0], &dmft.curves.trainLoss })
            for (int n = c.time.steps / 4; n <= c.time.steps; ++n)
                QVERIFY2(e->discretisation[n] < 0.02 * std::fabs(e->mean[n]),
                    qPrintable(QString("remaining time-step error %1 of %2 at n = %3")
                                   .arg(e->discretisation[n])
                                   .arg(e->mean[n])
                                   .arg(n)));
    }

    const int points = c.time.steps + 1, k = c.problem.width, ks = c.problem.teacherWidth;
    Worst train, test, q, m, ct;
    checkEstimate("train loss", dmft.curves.trainLoss, sim.curves.trainLoss, points, train);
    checkEstimate("test loss", dmft.curves.testLoss, sim.curves.testLoss, points, test);
    for (int i = 0; i < k * k; ++i)
        checkEstimate("Q", dmft.curves.Q[i], sim.curves.Q[i], points, q);
    for (int i = 0; i < k * ks; ++i)
        checkEstimate("M", dmft.curves.M[i], sim.curves.M[i], points, m);
    // C_θ(t, s) at a few off-diagonal points, every block
    const Kernel &kd = dmft.curves.Ctheta, &ksim = sim.curves.Ctheta;
    QVERIFY(!kd.empty() && !ksim.empty() && !ksim.se.empty());
    const int N = c.time.steps;
    for (int b = 0; b < k * k; ++b)
        for (auto [n, s] : { std::pair { N, 0 }, std::pair { N, N / 2 }, std::pair { N / 2, N / 6 },
                 std::pair { 2 * N / 3, N / 3 } }) {
            const double se = std::hypot(kd.se[b](n, s), ksim.se[b](n, s));
            const double z = std::fabs(kd.mean[b](n, s) - ksim.mean[b](n, s)) / se;
            if (z > ct.z)
                ct = { z, n };
            DMFT_COMPARE_SE(kd.mean[b](n, s), ksim.mean[b](n, s), se, 3.0);
        }
    qInfo("worst |dmft - sim| / combined SE: train %.2f, test %.2f, Q %.2f, M %.2f, C_theta %.2f "
          "(dmft %d iterations, rel SE of Q(T) %.4f)",
        train.z, test.z, q.z, m.z, ct.z, dmft.curves.iterations, dmft.extra["rel_se_Q_final"].get<double>());
}

QTEST_GUILESS_MAIN(TestDmftSimulation)
#include "test_dmft_simulation.moc"
