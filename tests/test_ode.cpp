// The online-limit ODE (theory §6.1):
//  * linear regression: the engine (Gauss–Hermite expectations) against the closed-form
//    moments E[g z] = M − ρ, E[g r] = Q − M, E[g²] = Q − 2M + ρ + σ² integrated here;
//  * erf committee: Saad–Solla closed-form integrals against the same ODE with
//    quasi-random expectations (and the moments themselves at a generic (Q, M));
//  * DMFT at α = 100 approaches the ode engine.
#include "config/presets.h"
#include "dmft/onlinemoments.h"
#include "dmft/onlineode.h"
#include "engine/engine.h"
#include "testutil.h"

using namespace dmftlab;

namespace
{
/// The problem whose online moments saadSollaMoments and linearMomentsExact check: student and
/// teacher with activation `act`, widths k and k*, label noise `noise`, second layers 0.8 and 1.1.
ProblemSpec momentProblem(Activation act, int k, int kStar, double noise)
{
    ProblemSpec s;
    s.activation = s.teacherActivation = act;
    s.width = k;
    s.teacherWidth = kStar;
    s.noise = noise;
    s.secondLayer = 0.8;
    s.teacherSecondLayer = 1.1;
    return s;
}
} // namespace

class TestOde : public QObject
{
    Q_OBJECT
private slots:
    void linearRegressionClosedForm();
    void saadSollaMoments_data();
    void saadSollaMoments();
    void committeeSaadSollaVsQuasiRandom();
    void linearMomentsExact_data();
    void linearMomentsExact();
    void dmftAtLargeAlphaApproachesOde_data();
    void dmftAtLargeAlphaApproachesOde();
    void divergesForLargeTau();
};

void TestOde::linearRegressionClosedForm()
{
    RunConfig c = presetConfig("linear-regression");
    c.optimizer.tau = 0.7;
    c.problem.ridge = 0.05;
    const EngineResult r = runEngine("ode", c);
    QVERIFY2(r.status == Status::Completed, r.message.c_str());
    // reference: the same ODE with exact moments, RK4 with a fine step
    const double lambda = c.problem.ridge, tau = 0.7, s2 = c.problem.noise * c.problem.noise;
    double q = c.init.q0, m = c.M0()(0, 0);
    const int sub = 200;
    const double h = c.dt() / sub;
    auto f = [&](double q_, double m_, double &dq, double &dm) {
        dm = -lambda * m_ - (m_ - 1.0);
        dq = -2 * lambda * q_ - 2 * (q_ - m_) + tau * (q_ - 2 * m_ + 1.0 + s2);
    };
    for (int n = 1; n <= c.time.steps; ++n) {
        for (int j = 0; j < sub; ++j) {
            double q1, m1, q2, m2, q3, m3, q4, m4;
            f(q, m, q1, m1);
            f(q + 0.5 * h * q1, m + 0.5 * h * m1, q2, m2);
            f(q + 0.5 * h * q2, m + 0.5 * h * m2, q3, m3);
            f(q + h * q3, m + h * m3, q4, m4);
            q += h / 6 * (q1 + 2 * q2 + 2 * q3 + q4);
            m += h / 6 * (m1 + 2 * m2 + 2 * m3 + m4);
        }
        DMFT_COMPARE_TOL(r.curves.Q[0].mean[n], q, 1e-6);
        DMFT_COMPARE_TOL(r.curves.M[0].mean[n], m, 1e-6);
        DMFT_COMPARE_TOL(r.curves.testLoss.mean[n], 0.5 * (q - 2 * m + 1.0) + 0.5 * s2, 1e-6);
    }
}

void TestOde::saadSollaMoments_data()
{
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("kStar");
    QTest::addColumn<double>("noise");
    QTest::newRow("k=1 k*=1") << 1 << 1 << 0.0;
    QTest::newRow("k=2 k*=2") << 2 << 2 << 0.0;
    QTest::newRow("k=2 k*=3 noisy") << 2 << 3 << 0.3;
}

void TestOde::saadSollaMoments()
{
    QFETCH(int, k);
    QFETCH(int, kStar);
    QFETCH(double, noise);
    const ProblemSpec s = momentProblem(Activation::Erf, k, kStar, noise);
    // a generic positive-definite (Q, M, ρ)
    const int D = k + kStar;
    Eigen::MatrixXd A = Eigen::MatrixXd::Zero(D, D);
    for (int i = 0; i < D; ++i)
        for (int j = 0; j <= i; ++j)
            A(i, j) = (i == j ? 0.9 : 0.25 * std::sin(1.0 + 3 * i + j));
    Eigen::MatrixXd S = A * A.transpose();
    S.bottomRightCorner(kStar, kStar) = Eigen::MatrixXd::Identity(kStar, kStar);
    S += 0.2 * Eigen::MatrixXd::Identity(D, D); // keep it positive definite after the ρ block
    S.bottomRightCorner(kStar, kStar) = Eigen::MatrixXd::Identity(kStar, kStar);
    const Eigen::MatrixXd Q = S.topLeftCorner(k, k), M = S.topRightCorner(k, kStar);
    const Eigen::MatrixXd rho = S.bottomRightCorner(kStar, kStar);
    QVERIFY(Eigen::LLT<Eigen::MatrixXd>(S).info() == Eigen::Success);

    const OnlineMomentEvaluator closed(s, 0.0, false);
    const OnlineMomentEvaluator qmc(s, 0.0, true, 1 << 18);
    QVERIFY(closed.method() == OnlineMomentEvaluator::Method::SaadSolla);
    QVERIFY(qmc.method() != OnlineMomentEvaluator::Method::SaadSolla);
    const OnlineMoments a = closed.evaluate(Q, M, rho), b = qmc.evaluate(Q, M, rho);
    // quasi-random error with 2^18 points is ~1e-4 on these O(1) moments
    for (int i = 0; i < a.gz.size(); ++i)
        DMFT_COMPARE_TOL(a.gz(i), b.gz(i), 1e-3);
    for (int i = 0; i < a.gr.size(); ++i)
        DMFT_COMPARE_TOL(a.gr(i), b.gr(i), 1e-3);
    for (int i = 0; i < a.gg.size(); ++i)
        DMFT_COMPARE_TOL(a.gg(i), b.gg(i), 1e-3);
}

void TestOde::committeeSaadSollaVsQuasiRandom()
{
    RunConfig c = presetConfig("committee-erf");
    c.optimizer.tau = 0.5;
    c.init.m0 = Eigen::MatrixXd::Constant(1, 1, 0.05);
    c.init.m0Asymmetry = 0.05;
    c.time.horizon = 20.0;
    c.time.steps = 80;
    const OnlineOdeTrajectory a = integrateOnlineOde(c, nullptr, false);
    const OnlineOdeTrajectory b = integrateOnlineOde(c, nullptr, true);
    QVERIFY(a.status == Status::Completed && b.status == Status::Completed);
    double worst = 0.0;
    for (int n = 0; n <= c.time.steps; ++n)
        worst = std::max(
            { worst, (a.Q[n] - b.Q[n]).cwiseAbs().maxCoeff(), (a.M[n] - b.M[n]).cwiseAbs().maxCoeff() });
    QVERIFY2(worst < 5e-3, QByteArray::number(worst));
    // the run learns: M grows well beyond its start
    QVERIFY(a.M[c.time.steps].maxCoeff() > 3 * c.M0().maxCoeff());
}

void TestOde::linearMomentsExact_data()
{
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("kStar");
    QTest::addColumn<double>("noise");
    QTest::newRow("k = k* = 1, noise 0.5") << 1 << 1 << 0.5;
    QTest::newRow("k = 3, k* = 1") << 3 << 1 << 0.0;
    QTest::newRow("k = k* = 2, noise 0.3 (quasi-random before)") << 2 << 2 << 0.3;
}

void TestOde::linearMomentsExact()
{
    // A linear student and teacher on the square loss: g_a = v (f − y), f = v Σ_b r_b,
    // y = v* Σ_n z_n + σ ε, so E[g zᵀ], E[g rᵀ], E[g gᵀ] are the closed forms below; the
    // evaluator's 3-node Gauss–Hermite rule must give them to rounding.
    QFETCH(int, k);
    QFETCH(int, kStar);
    QFETCH(double, noise);
    const ProblemSpec s = momentProblem(Activation::Linear, k, kStar, noise);
    const int D = k + kStar;
    Eigen::MatrixXd A(D, D);
    for (int i = 0; i < D; ++i)
        for (int j = 0; j < D; ++j)
            A(i, j) = (i == j ? 1.0 : 0.0) + 0.3 * std::sin(1.0 + 3 * i + j);
    const Eigen::MatrixXd S = A * A.transpose();
    const Eigen::MatrixXd Q = S.topLeftCorner(k, k), M = S.topRightCorner(k, kStar),
                          rho = S.bottomRightCorner(kStar, kStar);
    const OnlineMomentEvaluator rule(s, 0.0);
    QVERIFY(rule.method() == OnlineMomentEvaluator::Method::GaussHermite);
    const OnlineMoments m = rule.evaluate(Q, M, rho, true);
    const double v = s.secondLayer, vs = s.teacherSecondLayer;
    // E[(f − y) x] for x = r_c, z_m; E[(f − y)²]
    const Eigen::RowVectorXd fr = v * Q.colwise().sum() - vs * M.transpose().colwise().sum();
    const Eigen::RowVectorXd fz = v * M.colwise().sum() - vs * rho.colwise().sum();
    const double ff = v * v * Q.sum() - 2 * v * vs * M.sum() + vs * vs * rho.sum() + noise * noise;
    const double scale = 1.0 + S.cwiseAbs().maxCoeff();
    for (int a = 0; a < k; ++a) {
        for (int c = 0; c < k; ++c) {
            DMFT_COMPARE_TOL(m.gr(a, c), v * fr(c), 1e-12 * scale);
            DMFT_COMPARE_TOL(m.gg(a, c), v * v * ff, 1e-12 * scale);
            DMFT_COMPARE_TOL(m.H(a, c), v * v, 1e-12);
        }
        for (int n = 0; n < kStar; ++n)
            DMFT_COMPARE_TOL(m.gz(a, n), v * fz(n), 1e-12 * scale);
    }
}

void TestOde::dmftAtLargeAlphaApproachesOde_data()
{
    QTest::addColumn<QString>("preset");
    QTest::newRow("linear-regression") << "linear-regression";
    QTest::newRow("logistic-regression") << "logistic-regression";
}

void TestOde::dmftAtLargeAlphaApproachesOde()
{
    // The DMFT is the Euler scheme of §4 (error O(Δ)); the ODE is integrated accurately.
    // Compare the Richardson extrapolation 2 D(Δ/2) − D(Δ) (error O(Δ²)) at α = 100 with
    // the ODE: 3 combined SE plus 1 % of the scale for the O(1/α) finite-α effect.
    QFETCH(QString, preset);
    RunConfig c = presetConfig(preset.toStdString());
    c.alpha = 100.0;
    c.optimizer.tau = 0.5;
    c.time.horizon = 4.0;
    c.dmft.paths = 4000;
    c.dmft.tangentPaths = 500;
    c.dmft.replicas = 4;
    c.sim.threads = 2;
    c.time.steps = 40;
    const EngineResult coarse = runEngine("dmft", c);
    c.time.steps = 80;
    const EngineResult fine = runEngine("dmft", c);
    const EngineResult ode = runEngine("ode", c);
    QVERIFY2(ode.status == Status::Completed, ode.message.c_str());
    QVERIFY2(coarse.status == Status::Converged && fine.status == Status::Converged,
        (coarse.message + " / " + fine.message).c_str());
    double worstRaw = 0.0, worstExtrapolated = 0.0;
    for (int n = 2; n <= 80; n += 2) {
        const double q = ode.curves.Q[0].mean[n], m = ode.curves.M[0].mean[n];
        const auto &Qf = fine.curves.Q[0], &Qc = coarse.curves.Q[0];
        const auto &Mf = fine.curves.M[0], &Mc = coarse.curves.M[0];
        const double qx = 2 * Qf.mean[n] - Qc.mean[n / 2], mx = 2 * Mf.mean[n] - Mc.mean[n / 2];
        const double qse = std::hypot(2 * Qf.se[n], Qc.se[n / 2]),
                     mse = std::hypot(2 * Mf.se[n], Mc.se[n / 2]);
        DMFT_COMPARE_TOL(qx, q, 3 * qse + 0.01 * q);
        DMFT_COMPARE_TOL(mx, m, 3 * mse + 0.01 * std::sqrt(q));
        worstRaw = std::max(worstRaw, std::fabs(Qf.mean[n] - q) / q);
        worstExtrapolated = std::max(worstExtrapolated, std::fabs(qx - q) / q);
    }
    qInfo("relative |Q - Q_ode|: dt = 0.05 %.4f, extrapolated %.4f", worstRaw, worstExtrapolated);
}

void TestOde::divergesForLargeTau()
{
    // online linear regression is unstable for τ > 2 (theory §5.6)
    RunConfig c = presetConfig("linear-regression");
    c.optimizer.tau = 3.0;
    c.time.horizon = 40.0;
    c.time.steps = 80;
    const EngineResult r = runEngine("ode", c);
    QVERIFY2(r.status == Status::Diverged, r.message.c_str());
    QVERIFY(r.message.find("optimizer.tau") != std::string::npos);
}

QTEST_GUILESS_MAIN(TestOde)
#include "test_ode.moc"
