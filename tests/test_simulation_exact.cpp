// Finite-d simulation against exact results: the initialisation (θ*ᵀθ*/d = I, Q(0) = Q0,
// M(0) = M0 exactly), gradient flow on linear regression against the eigendecomposition
// of XᵀX/α (the discrete Euler recursion to rounding, the continuous flow to O(Δ)), and
// the population-loss plumbing (t_0 value; Monte Carlo on fresh samples at the end).
#include "observables/population.h"
#include "sim/instance.h"
#include "sim/random.h"
#include "sim/seedsimulation.h"
#include "sim/simulation.h"
#include "test_simulation_util.h"

#include <random>
#include <vector>

using namespace dmftlab;

namespace
{

RunConfig linearRegression(int d, double alpha, double ridge, double noise)
{
    RunConfig c;
    c.problem = ProblemSpec {};
    c.problem.noise = noise;
    c.problem.ridge = ridge;
    c.alpha = alpha;
    c.sim.dimension = d;
    c.sim.seeds = 1;
    c.sim.threads = 1;
    return c;
}

RunConfig logisticRegression(int d)
{
    RunConfig c = linearRegression(d, 2.0, 0.05, 0.0);
    c.problem.loss = Loss::Logistic;
    c.problem.labels = Labels::Sign;
    c.init.q0 = 0.25;
    return c;
}

RunConfig committee(int d)
{
    RunConfig c = linearRegression(d, 2.0, 0.0, 0.0);
    c.problem.activation = c.problem.teacherActivation = Activation::Erf;
    c.problem.width = c.problem.teacherWidth = 2;
    c.init.q0 = 0.25;
    c.init.m0 = Eigen::MatrixXd::Constant(2, 2, 0.05);
    c.init.m0Asymmetry = 0.05;
    return c;
}

struct ExactFlow {
    Eigen::VectorXd a; // eigenvalues of A = λI + XᵀX/α
    Eigen::MatrixXd V; // eigenvectors
    Eigen::VectorXd u0, us; // θ_0 and the fixed point A⁻¹Xᵀy/α in the eigenbasis
};

ExactFlow exactFlow(const RunConfig &c, const Instance &inst)
{
    const int d = c.sim.dimension;
    const Eigen::MatrixXd A
        = c.problem.ridge * Eigen::MatrixXd::Identity(d, d) + inst.Xt * inst.Xt.transpose() / c.alpha;
    const Eigen::VectorXd b = inst.Xt * inst.y / c.alpha;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(A);
    ExactFlow f;
    f.a = es.eigenvalues();
    f.V = es.eigenvectors();
    f.u0 = f.V.transpose() * inst.theta0.col(0);
    f.us = (f.V.transpose() * b).cwiseQuotient(f.a);
    return f;
}

/// Largest |θ_sim(t_n) − θ_exact(t_n)| over grid points and coordinates.
double flowError(const RunConfig &c, const SeedResult &r, const ExactFlow &f, bool discrete)
{
    const std::vector<double> grid = c.grid();
    const double dt = c.dt() / c.sim.substeps;
    double worst = 0.0;
    for (int n = 0; n < static_cast<int>(grid.size()); ++n) {
        Eigen::VectorXd factor(f.a.size());
        for (int i = 0; i < f.a.size(); ++i)
            factor[i]
                = discrete ? std::pow(1.0 - dt * f.a[i], n * c.sim.substeps) : std::exp(-f.a[i] * grid[n]);
        const Eigen::VectorXd u = f.us + factor.cwiseProduct(f.u0 - f.us);
        const Eigen::VectorXd theta = f.V * u;
        worst = std::max(worst, (r.thetaHistory.col(n) - theta).cwiseAbs().maxCoeff());
    }
    return worst;
}

} // namespace

class TestSimulationExact : public QObject
{
    Q_OBJECT
private slots:
    // SimRandom::normals draws in chunks (acceptance tests first, transforms after): it must give
    // exactly the numbers of one normal() call per entry, including a spare left by an odd count,
    // since every seed's data, noise and batches come from it.
    void normalsMatchNormal()
    {
        SimRandom bulk(7, DataStream), single(7, DataStream);
        long mismatches = 0, drawn = 0;
        for (const long n : { 0L, 1L, 2L, 3L, 511L, 512L, 513L, 1000L, 5L, 4096L }) {
            std::vector<double> x(static_cast<std::size_t>(n));
            const double scale = n % 2 ? 0.5 : 1.0;
            bulk.normals(x.data(), n, scale);
            for (long i = 0; i < n; ++i)
                mismatches += x[static_cast<std::size_t>(i)] != scale * single.normal();
            mismatches += bulk.normal() != single.normal(); // the spare (or the next pair) agrees too
            mismatches += bulk.below(1000) != single.below(1000);
            drawn += n + 1;
        }
        QCOMPARE(mismatches, 0L);
        QVERIFY(drawn > 6000);
    }

    void initialisation_data()
    {
        QTest::addColumn<int>("k");
        QTest::addColumn<int>("kStar");
        QTest::addColumn<double>("q0");
        QTest::addColumn<double>("m0");
        QTest::addColumn<double>("asymmetry");
        QTest::newRow("glm") << 1 << 1 << 1.0 << 0.0 << 0.0;
        QTest::newRow("glm-overlap") << 1 << 1 << 0.5 << 0.3 << 0.0;
        QTest::newRow("glm-singular-S") << 1 << 1 << 0.25 << 0.5 << 0.0; // S = q0 − m0² = 0
        QTest::newRow("q0-zero") << 1 << 1 << 0.0 << 0.0 << 0.0;
        QTest::newRow("committee-2-2") << 2 << 2 << 0.25 << 0.05 << 0.05;
        QTest::newRow("student-1-teacher-2") << 1 << 2 << 1.0 << 0.2 << 0.1;
        QTest::newRow("student-3-teacher-2") << 3 << 2 << 0.5 << 0.1 << 0.2;
    }
    void initialisation()
    {
        QFETCH(int, k);
        QFETCH(int, kStar);
        QFETCH(double, q0);
        QFETCH(double, m0);
        QFETCH(double, asymmetry);
        RunConfig c = linearRegression(300, 2.0, 0.0, 0.0);
        c.problem.width = k;
        c.problem.teacherWidth = kStar;
        c.init.q0 = q0;
        c.init.m0 = Eigen::MatrixXd::Constant(k, kStar, m0);
        c.init.m0Asymmetry = asymmetry;
        for (std::uint64_t seed : { 1u, 2u, 99u }) {
            const Instance inst = makeInstance(c, seed);
            QVERIFY2(inst.ok(), inst.error.c_str());
            const double d = c.sim.dimension;
            const Eigen::MatrixXd rho = inst.teacher.transpose() * inst.teacher / d;
            const Eigen::MatrixXd Q = inst.theta0.transpose() * inst.theta0 / d;
            const Eigen::MatrixXd M = inst.theta0.transpose() * inst.teacher / d;
            QVERIFY((rho - Eigen::MatrixXd::Identity(kStar, kStar)).cwiseAbs().maxCoeff() < 1e-12);
            QVERIFY((Q - c.Q0()).cwiseAbs().maxCoeff() < 1e-12);
            QVERIFY((M - c.M0()).cwiseAbs().maxCoeff() < 1e-12);
            // The data are N(0, I/d): the mean squared entry of X is 1/d to sampling accuracy.
            const double meanSq = inst.Xt.squaredNorm() / inst.Xt.size();
            DMFT_COMPARE_TOL(meanSq * d, 1.0, 5.0 * std::sqrt(2.0 / inst.Xt.size()));
            // Drawn in single precision: the SGF's copy holds exactly the same values.
            QCOMPARE(inst.XtSingle.rows(), inst.Xt.rows());
            QCOMPARE(inst.XtSingle.cols(), inst.Xt.cols());
            QVERIFY(inst.XtSingle.cast<double>() == inst.Xt);
        }
        // The engine reports the same start at t_0 (every seed, hence mean with SE 0).
        c.sim.seeds = 3;
        c.time.steps = 1;
        c.time.horizon = 0.01;
        c.optimizer.tau = 0.0;
        const EngineResult r = runSimulation(SimEngine::Sgf, c, {}, nullptr);
        DMFT_COMPARE_STATUS(r.status, Status::Completed);
        for (int a = 0; a < k; ++a) {
            for (int b = 0; b < k; ++b)
                DMFT_COMPARE_TOL(r.curves.Q[a * k + b].mean[0], c.Q0()(a, b), 1e-12);
            for (int m = 0; m < kStar; ++m)
                DMFT_COMPARE_TOL(r.curves.M[a * kStar + m].mean[0], c.M0()(a, m), 1e-12);
        }
    }

    void invalidInitialisation()
    {
        RunConfig c = linearRegression(50, 2.0, 0.0, 0.0);
        c.init.q0 = 0.1;
        c.init.m0 = Eigen::MatrixXd::Constant(1, 1, 0.5); // q0 < m0²: no such θ_0
        const EngineResult r = runSimulation(SimEngine::Sgf, c, {}, nullptr);
        DMFT_COMPARE_STATUS(r.status, Status::InvalidInput);
        QVERIFY(r.message.find("init.m0") != std::string::npos);
    }

    // Euler steps of gradient flow are θ_{m+1} = (I − Δ(λ + XᵀX/α))θ_m + Δ Xᵀy/α exactly.
    void gradientFlowDiscrete()
    {
        RunConfig c = linearRegression(40, 2.0, 0.01, 0.5);
        c.optimizer.tau = 0.0;
        c.init.q0 = 1.0;
        c.init.m0 = Eigen::MatrixXd::Constant(1, 1, 0.3);
        c.time.horizon = 3.0;
        c.time.steps = 15;
        c.sim.substeps = 20; // Δ = 0.01
        const Instance inst = makeInstance(c, 11);
        const PopulationEvaluator ev(c.problem);
        SeedSimulation sim(SimEngine::Sgf, c, inst, ev);
        const SeedResult &r = sim.run();
        DMFT_COMPARE_STATUS(r.status, Status::Completed);
        const ExactFlow f = exactFlow(c, inst);
        const double err = flowError(c, r, f, true);
        qInfo("gradient flow vs exact discrete recursion: max |θ error| = %.3g", err);
        QVERIFY2(err < 1e-10, QByteArray::number(err));
        // Train loss at t_N from the exact θ as well.
        const Eigen::VectorXd theta = r.thetaHistory.col(c.time.steps);
        const double loss = 0.5 * (inst.Xt.transpose() * theta - inst.y).squaredNorm() / c.samples();
        DMFT_COMPARE_TOL(r.trainLoss[c.time.steps], loss, 1e-12, 1e-12);
    }

    // Against the continuous flow e^{−At}: error O(Δ), halving with Δ.
    void gradientFlowContinuous()
    {
        RunConfig c = linearRegression(40, 2.0, 0.01, 0.5);
        c.optimizer.tau = 0.0;
        c.init.m0 = Eigen::MatrixXd::Constant(1, 1, 0.3);
        c.time.horizon = 3.0;
        c.time.steps = 15;
        const Instance inst = makeInstance(c, 11);
        const PopulationEvaluator ev(c.problem);
        const ExactFlow f = exactFlow(c, inst);
        double errors[2];
        for (int i = 0; i < 2; ++i) {
            c.sim.substeps = 10 * (1 << i); // Δ = 0.02, 0.01
            SeedSimulation sim(SimEngine::Sgf, c, inst, ev);
            const SeedResult &r = sim.run();
            DMFT_COMPARE_STATUS(r.status, Status::Completed);
            errors[i] = flowError(c, r, f, false);
            // Per mode |(1 − Δa)^{t/Δ} − e^{−at}| ≈ (a²Δt/2) e^{−at} ≤ aΔ/(2e); allow 2×.
            const double dt = c.dt() / c.sim.substeps;
            const double bound = 2.0 * f.a.maxCoeff() * dt / (2.0 * std::exp(1.0)) * (f.u0 - f.us).norm();
            qInfo("gradient flow vs continuous solution, dt = %.3g: max |θ error| = %.3g (bound %.3g)", dt,
                errors[i], bound);
            QVERIFY(errors[i] < bound);
        }
        const double ratio = errors[0] / errors[1];
        qInfo("error ratio for dt -> dt/2: %.4f (first order: 2)", ratio);
        QVERIFY(ratio > 1.8 && ratio < 2.2);
    }

    // SGD keeps θ = c·φ so that weight decay costs nothing per step; against the plain update
    // θ ← θ − η[(1/B) Σ x_i g_iᵀ + (λ/d) θ] with the same batches (with replacement, drawn from
    // the seed's dynamics stream exactly as the engine does). ηλ/d = 0.5 halves c every step, so
    // the renormalisation inside an interval (c < 1e-150) is exercised too.
    void sgdLazyWeightDecay_data()
    {
        QTest::addColumn<int>("batch");
        QTest::addColumn<double>("ridge");
        QTest::newRow("B1-strong-decay") << 1 << 20.0;
        QTest::newRow("B4-strong-decay") << 4 << 20.0;
        QTest::newRow("B3-weak-decay") << 3 << 0.1;
    }
    void sgdLazyWeightDecay()
    {
        QFETCH(int, batch);
        QFETCH(double, ridge);
        const int d = 20;
        RunConfig c = logisticRegression(d);
        c.problem.width = c.problem.teacherWidth = 1;
        c.problem.ridge = ridge;
        c.optimizer.learningRate = 0.5;
        c.optimizer.batchSize = batch;
        c.sim.sampling = Sampling::Replacement;
        c.time.horizon = 25.0; // 1000 steps
        c.time.steps = 1;
        const Instance inst = makeInstance(c, 3);
        const PopulationEvaluator ev(c.problem);
        SeedSimulation sim(SimEngine::Sgd, c, inst, ev);
        const SeedResult &r = sim.run();
        DMFT_COMPARE_STATUS(r.status, Status::Completed);

        const Problem p(c.problem);
        SimRandom rng(inst.seed, DynamicsStream);
        Eigen::VectorXd theta = inst.theta0.col(0), sum(d);
        const int n = c.samples();
        const double eta = c.optimizer.learningRate;
        long long step = 0;
        double worst = 0.0;
        for (int g = 1; g <= c.time.steps; ++g) {
            const long long until = std::llround(c.grid()[g] * d / eta);
            for (; step < until; ++step) {
                sum.setZero();
                for (int j = 0; j < batch; ++j) {
                    const int i = static_cast<int>(rng.below(n));
                    double rr = theta.dot(inst.Xt.col(i)), gg;
                    p.evaluate(&rr, inst.y[i], &gg);
                    sum += gg * inst.Xt.col(i);
                }
                theta -= eta * (sum / batch + ridge / d * theta);
            }
            const double scale = theta.cwiseAbs().maxCoeff();
            QVERIFY(scale > 1e-3);
            worst = std::max(worst, (r.thetaHistory.col(g) - theta).cwiseAbs().maxCoeff() / scale);
        }
        qInfo("lazy weight decay vs plain SGD update: max relative |θ error| = %.3g after %lld steps", worst,
            step);
        QCOMPARE(r.steps, step);
        QVERIFY2(worst < 1e-10, QByteArray::number(worst));
    }

    void populationAtStart_data()
    {
        QTest::addColumn<QString>("model");
        QTest::newRow("linear") << "linear";
        QTest::newRow("logistic") << "logistic";
        QTest::newRow("committee") << "committee";
    }
    void populationAtStart()
    {
        QFETCH(QString, model);
        RunConfig c = model == "linear" ? linearRegression(200, 2.0, 0.0, 0.5)
            : model == "logistic"       ? logisticRegression(200)
                                        : committee(200);
        c.sim.seeds = 2;
        c.time.horizon = 0.5;
        c.time.steps = 2;
        c.optimizer.tau = 0.3;
        const EngineResult r = runSimulation(SimEngine::Sgf, c, {}, nullptr);
        DMFT_COMPARE_STATUS(r.status, Status::Completed);
        const PopulationEvaluator ev(c.problem);
        const PopulationMetrics m = ev.evaluate(c.Q0(), c.M0(), c.rho());
        DMFT_COMPARE_TOL(r.curves.testLoss.mean[0], m.loss, 1e-12);
        DMFT_COMPARE_TOL(r.curves.testError.mean[0], m.error, 1e-12);
    }

    // The recorded test loss of the final θ against fresh samples (x, y) of the same teacher.
    void populationMonteCarlo_data()
    {
        QTest::addColumn<QString>("model");
        QTest::newRow("linear") << "linear";
        QTest::newRow("logistic") << "logistic";
        QTest::newRow("committee") << "committee";
    }
    void populationMonteCarlo()
    {
        QFETCH(QString, model);
        const int d = 100;
        RunConfig c = model == "linear" ? linearRegression(d, 2.0, 0.0, 0.5)
            : model == "logistic"       ? logisticRegression(d)
                                        : committee(d);
        c.optimizer.tau = 0.5;
        c.time.horizon = 2.0;
        c.time.steps = 4;
        const Instance inst = makeInstance(c, 5);
        const PopulationEvaluator ev(c.problem);
        SeedSimulation sim(SimEngine::Sgf, c, inst, ev);
        const SeedResult &r = sim.run();
        DMFT_COMPARE_STATUS(r.status, Status::Completed);
        const int N = c.time.steps, k = c.problem.width, ks = c.problem.teacherWidth;
        const Eigen::MatrixXd theta = r.thetaHistory.middleCols(N * k, k);

        const Problem p(c.problem);
        std::mt19937_64 rng(2024);
        std::normal_distribution<double> normal;
        const int S = 200000;
        double sl = 0, sl2 = 0, se = 0, se2 = 0;
        Eigen::VectorXd x(d);
        for (int s = 0; s < S; ++s) {
            for (int i = 0; i < d; ++i)
                x[i] = normal(rng) / std::sqrt(double(d));
            const Eigen::VectorXd rv = theta.transpose() * x, z = inst.teacher.transpose() * x;
            const double y = p.label(z.data(), normal(rng));
            const double l = p.loss(rv.data(), y);
            const double f = p.output(rv.data());
            const double e = c.problem.labels == Labels::Sign
                ? ((f >= 0 ? 1.0 : -1.0) != y ? 1.0 : 0.0)
                : 0.5 * std::pow(f - p.teacherOutput(z.data()), 2);
            sl += l;
            sl2 += l * l;
            se += e;
            se2 += e * e;
        }
        const double ml = sl / S, me = se / S;
        const double sel = std::sqrt((sl2 / S - ml * ml) / S), see = std::sqrt((se2 / S - me * me) / S);
        qInfo("%s: recorded test loss %.5f, Monte Carlo %.5f ± %.5f (%.2f SE); error %.5f vs %.5f ± %.5f",
            qPrintable(model), r.testLoss[N], ml, sel, std::fabs(r.testLoss[N] - ml) / sel, r.testError[N],
            me, see);
        QVERIFY(r.testLoss[N] != r.testLoss[0]); // it learned something
        DMFT_COMPARE_SE(r.testLoss[N], ml, sel, 4.0);
        DMFT_COMPARE_SE(r.testError[N], me, see, 4.0);
        (void)ks;
    }
    // The SGF takes its forces and its Euler–Maruyama step in one pass over the single-precision
    // copy of X (seedsimulation.cpp, forcesAndStep; kernels for k = 1…4 and one for any k):
    // against the plain recursion θ ← (1 − δλ)θ − (δ/α) Xᵀ G + √(τδ/α) Xᵀ(ξ ⊙ G),
    // G_i = g(x_iᵀθ; y_i), δ = Δ / substeps, in double precision on Instance::Xt, with ξ drawn
    // from the seed's dynamics stream as the engine does, with and without noise. d = 60 is not
    // a multiple of the kernels' 8 or 16 lanes (their tails run too).
    void sgfFollowsEulerMaruyama_data()
    {
        QTest::addColumn<double>("tau");
        QTest::addColumn<int>("width");
        for (int k : { 1, 2, 3, 5 }) {
            QTest::addRow("noise, k = %d", k) << 0.3 << k;
            QTest::addRow("gradient flow, k = %d", k) << 0.0 << k;
        }
    }
    void sgfFollowsEulerMaruyama()
    {
        QFETCH(double, tau);
        QFETCH(int, width);
        RunConfig c = committee(60);
        c.problem.width = width;
        c.init.m0 = Eigen::MatrixXd::Constant(width, 2, 0.05);
        c.problem.ridge = 0.05;
        c.optimizer.tau = tau;
        c.time.horizon = 0.6;
        c.time.steps = 3;
        c.sim.substeps = 2;
        const Instance inst = makeInstance(c, 5);
        const PopulationEvaluator ev(c.problem);
        SeedSimulation sim(SimEngine::Sgf, c, inst, ev);
        const SeedResult &r = sim.run();
        DMFT_COMPARE_STATUS(r.status, Status::Completed);
        const Problem p(c.problem);
        const int k = c.problem.width, n = c.samples();
        const double dt = c.dt() / c.sim.substeps;
        SimRandom rng(inst.seed, DynamicsStream);
        Eigen::MatrixXd theta = inst.theta0, G(n, k);
        Eigen::VectorXd xi(n);
        double worst = 0.0, worstLoss = 0.0;
        for (int m = 0; m <= c.time.steps * c.sim.substeps; ++m) {
            const Eigen::MatrixXd R = inst.Xt.transpose() * theta;
            double loss = 0.0;
            for (int i = 0; i < n; ++i) {
                double g[kMaxWidth];
                loss += p.evaluate(R.row(i).eval().data(), inst.y[i], g, nullptr, 0.0);
                for (int a = 0; a < k; ++a)
                    G(i, a) = g[a];
            }
            if (m % c.sim.substeps == 0) {
                const int point = m / c.sim.substeps;
                const Eigen::MatrixXd rec = r.thetaHistory.middleCols(point * k, k);
                worst = std::max(worst, (rec - theta).cwiseAbs().maxCoeff() / theta.cwiseAbs().maxCoeff());
                worstLoss = std::max(worstLoss, std::fabs(r.trainLoss[point] - loss / n) / (loss / n));
            }
            if (tau > 0.0)
                rng.normals(xi.data(), n);
            else
                xi.setZero();
            theta = (1.0 - dt * c.problem.ridge) * theta - (dt / c.alpha) * inst.Xt * G
                + std::sqrt(tau * dt / c.alpha) * inst.Xt * (G.array().colwise() * xi.array()).matrix();
        }
        qInfo("k = %d SGF (tau %.1f) vs the plain recursion: worst relative |theta error| %.2g, train loss "
              "%.2g",
            width, tau, worst, worstLoss);
        QVERIFY2(worst < 1e-12, QByteArray::number(worst));
        QVERIFY2(worstLoss < 1e-12, QByteArray::number(worstLoss));
    }
};

QTEST_APPLESS_MAIN(TestSimulationExact)
#include "test_simulation_exact.moc"
