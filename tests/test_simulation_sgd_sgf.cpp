// SGD vs SGF at small τ = η/B (theory §2: SGF matches SGD's drift and noise covariance per
// unit time, so the two agree as τ → 0). Means over seeds of train loss, test loss, Q and M
// must agree within 3 combined standard errors at every grid time. The SGF step is small
// (Δ = 0.01) so that the Euler bias does not enter; both engines use the same seeds, hence the
// same teacher, X, y and θ_0 (only the optimiser noise differs).
//
// SGD here draws its batches WITH replacement: that is the sampling whose noise SGF models
// (each sample receives a Poisson number of kicks per epoch). Random reshuffling (each sample
// exactly once per epoch, the default) cancels most of the noise within an epoch and is
// measurably different already at τ = 0.05 — closer to gradient flow than SGF is. The second
// test pins that finding down.
#include "sim/simulation.h"
#include "test_simulation_util.h"

using namespace dmftlab;

class TestSimulationSgdSgf : public QObject
{
    Q_OBJECT
private slots:
    void smallTau_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<double>("learningRate");
        QTest::addColumn<int>("batch");
        QTest::newRow("logistic-eta0.05-B1") << "logistic" << 0.05 << 1;
        QTest::newRow("linear-eta0.25-B5") << "linear" << 0.25 << 5;
    }
    void smallTau()
    {
        QFETCH(QString, model);
        QFETCH(double, learningRate);
        QFETCH(int, batch);
        RunConfig c;
        c.alpha = 2.0;
        if (model == "logistic") {
            c.problem.loss = Loss::Logistic;
            c.problem.labels = Labels::Sign;
            c.problem.ridge = 0.05;
            c.init.q0 = 0.25;
        } else {
            c.problem.noise = 0.5;
            c.problem.ridge = 0.01;
            c.init.q0 = 1.0;
        }
        c.optimizer.learningRate = learningRate;
        c.optimizer.batchSize = batch; // τ = 0.05
        c.time.horizon = 3.0;
        c.time.steps = 15;
        c.sim.substeps = 20; // SGF Δ = 0.01
        c.sim.dimension = 500;
        c.sim.seeds = 24;
        c.sim.seed = 7;
        c.sim.threads = 2;
        c.sim.sampling = Sampling::Replacement;
        const EngineResult sgd = runSimulation(SimEngine::Sgd, c, {}, nullptr);
        const EngineResult sgf = runSimulation(SimEngine::Sgf, c, {}, nullptr);
        DMFT_COMPARE_STATUS(sgd.status, Status::Completed);
        DMFT_COMPARE_STATUS(sgf.status, Status::Completed);

        struct Quantity {
            const char *name;
            const Estimate *a, *b;
        };
        const Quantity qs[] = { { "train_loss", &sgd.curves.trainLoss, &sgf.curves.trainLoss },
            { "test_loss", &sgd.curves.testLoss, &sgf.curves.testLoss },
            { "Q", &sgd.curves.Q[0], &sgf.curves.Q[0] }, { "M", &sgd.curves.M[0], &sgf.curves.M[0] } };
        double worstAll = 0.0;
        for (const Quantity &q : qs) {
            double worst = 0.0;
            int worstAt = 0;
            for (int n = 1; n <= c.time.steps; ++n) {
                const double se = std::hypot(q.a->se[n], q.b->se[n]);
                const double dev = std::fabs(q.a->mean[n] - q.b->mean[n]) / se;
                if (dev > worst) {
                    worst = dev;
                    worstAt = n;
                }
                DMFT_COMPARE_SE(q.a->mean[n], q.b->mean[n], se, 3.0);
            }
            worstAll = std::max(worstAll, worst);
            qInfo(
                "%s %s: largest |SGD - SGF| = %.2f combined SE (t = %.1f: %.4f vs %.4f); at T: %.4f vs %.4f",
                qPrintable(model), q.name, worst, c.grid()[worstAt], q.a->mean[worstAt], q.b->mean[worstAt],
                q.a->mean.back(), q.b->mean.back());
        }
        qInfo("%s: largest deviation over all quantities and times %.2f SE", qPrintable(model), worstAll);
        // The dynamics moved: M grew well beyond its SE.
        QVERIFY(sgf.curves.M[0].mean.back() > 10.0 * sgf.curves.M[0].se.back());
    }

    // Random reshuffling at τ = 0.05 on linear regression: lower train loss than SGF (and
    // with-replacement SGD) early on, by several standard errors.
    void reshufflingIsNotSgf()
    {
        RunConfig c;
        c.problem.noise = 0.5;
        c.problem.ridge = 0.01;
        c.optimizer.learningRate = 0.25;
        c.optimizer.batchSize = 5;
        c.time.horizon = 0.8;
        c.time.steps = 4;
        c.sim.substeps = 20;
        c.sim.dimension = 500;
        c.sim.seeds = 24;
        c.sim.seed = 7;
        c.sim.threads = 2;
        c.sim.sampling = Sampling::Reshuffle;
        const EngineResult rr = runSimulation(SimEngine::Sgd, c, {}, nullptr);
        c.sim.sampling = Sampling::Replacement;
        const EngineResult wr = runSimulation(SimEngine::Sgd, c, {}, nullptr);
        const EngineResult sgf = runSimulation(SimEngine::Sgf, c, {}, nullptr);
        for (int n = 2; n <= 4; ++n) {
            const auto &a = rr.curves.trainLoss, &b = sgf.curves.trainLoss, &w = wr.curves.trainLoss;
            const double z = (b.mean[n] - a.mean[n]) / std::hypot(a.se[n], b.se[n]);
            const double zw = (b.mean[n] - w.mean[n]) / std::hypot(w.se[n], b.se[n]);
            qInfo("t = %.1f: train loss reshuffle %.4f, with replacement %.4f, SGF %.4f: SGF - reshuffle = "
                  "%.2f SE, "
                  "SGF - replacement = %.2f SE",
                c.grid()[n], a.mean[n], w.mean[n], b.mean[n], z, zw);
            QVERIFY(z > 3.0);
            QVERIFY(std::fabs(zw) < 3.0);
        }
    }
};

QTEST_APPLESS_MAIN(TestSimulationSgdSgf)
#include "test_simulation_sgd_sgf.moc"
