// The effective processes, sampled (dmft/effectivepaths.h, issue 12): the θ-process paths
// drawn from the DMFT's final state have the DMFT's moments — E θ_n² = Q(n), E θ_n θ_n' =
// C_θ(n,n'), E θ_n θ* = M(n) — within Monte-Carlo error (4 SE of the sample mean over the
// drawn paths, at every recorded time), the band is 0 ± √Q exactly, and the r-process band
// starts at 0 ± √q0 and agrees with the spread of the SGF simulation's training
// pre-activations r_μ(t) (4 combined SE; seeds are the simulation's replicas). The teacher
// drift μ(t) recovered from the curves (K, M) is the solver's own μ (mean over replicas)
// within 3 SE of that mean.
#include "config/presets.h"
#include "dmft/dmftsolver.h"
#include "dmft/effectivepaths.h"
#include "engine/engine.h"
#include "io/lawfiles.h"
#include "testutil.h"

#include <cmath>

using namespace dmftlab;

namespace
{

RunConfig smallConfig(const std::string &preset, TeacherPrior prior)
{
    RunConfig c = presetConfig(preset);
    c.teacherPrior.prior = prior;
    c.time.horizon = 3.0;
    c.time.steps = 12;
    c.sim.dimension = 500;
    c.sim.seeds = 8;
    c.sim.seed = 5;
    c.sim.threads = 2;
    c.dmft.paths = 4000;
    c.dmft.tangentPaths = 500;
    c.dmft.replicas = 4;
    c.output.distributionTimes = c.grid();
    return c;
}

/// |mean of x − target| in SE of that mean (x: samples).
double zOfMean(const Eigen::VectorXd &x, double target)
{
    const double mean = x.mean();
    const double sd = std::sqrt((x.array() - mean).square().sum() / (x.size() - 1));
    return std::fabs(mean - target) / (sd / std::sqrt(static_cast<double>(x.size())));
}

} // namespace

class TestEffectivePaths : public QObject
{
    Q_OBJECT
private slots:
    void thetaPathsHaveTheDmftMoments_data();
    void thetaPathsHaveTheDmftMoments();
    void rBandMatchesSimulation();
    void refusesWithoutLaws();
    void teacherDriftMatchesTheSolver_data();
    void teacherDriftMatchesTheSolver();
};

void TestEffectivePaths::thetaPathsHaveTheDmftMoments_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<int>("prior");
    QTest::newRow("linear, Rademacher teacher")
        << "linear-regression" << static_cast<int>(TeacherPrior::Rademacher);
    QTest::newRow("committee, Gaussian teacher")
        << "committee-erf" << static_cast<int>(TeacherPrior::Gaussian);
}

void TestEffectivePaths::thetaPathsHaveTheDmftMoments()
{
    QFETCH(QString, preset);
    QFETCH(int, prior);
    RunConfig c = smallConfig(preset.toStdString(), static_cast<TeacherPrior>(prior));
    const EngineResult dmft = runEngine("dmft", c);
    QVERIFY2(dmft.status == Status::Converged || dmft.status == Status::MaxIterations, dmft.message.c_str());
    QVERIFY(dmft.distributions);
    // the moments are those of the solve the laws come from: after an extrapolation (the
    // linear preset's default) the solve at Δ, whose curves the record carries
    QCOMPARE(static_cast<bool>(dmft.distributions->schemeCurves), c.dmft.continuousTime == "extrapolate");
    const Curves &scheme = dmft.distributions->schemeCurves ? *dmft.distributions->schemeCurves : dmft.curves;
    const int count = 6000;
    std::string error;
    const EffectivePaths p
        = effectivePaths(*dmft.distributions, dmft.curves, c.teacherPrior, count, 99, 201, &error);
    QVERIFY2(!p.empty(), error.c_str());
    const int k = c.problem.width, ks = c.problem.teacherWidth, T = static_cast<int>(p.t.size());
    QCOMPARE(T, c.time.steps + 1);
    QCOMPARE(p.k, k);
    QCOMPARE(static_cast<int>(p.thetaPaths.size()), k);
    QCOMPARE(p.thetaPaths[0].rows(), Eigen::Index(count));
    // The teacher rows follow the prior: Rademacher entries are ±1.
    if (c.teacherPrior.prior == TeacherPrior::Rademacher)
        QVERIFY((p.thetaStar.array().abs() - 1.0).abs().maxCoeff() < 1e-12);

    double worst = 0.0;
    for (int a = 0; a < k; ++a) {
        const Eigen::MatrixXd &th = p.thetaPaths[a];
        for (int i = 0; i < T; ++i) {
            const int n = i; // every grid time recorded
            const double Q = scheme.Q[a * k + a].mean[n];
            // The band is the DMFT's: mean 0, sd √Q(n).
            QCOMPARE(p.thetaMean[a][i], 0.0);
            QVERIFY2(test::near(p.thetaSd[a][i], std::sqrt(Q), 1e-9, 1e-9),
                test::describe("band sd", p.thetaSd[a][i], std::sqrt(Q), 1e-9));
            if (Q <= 0.0)
                continue;
            // The drawn paths: E θ² = Q, E θ θ_T = C_θ(n, N), E θ θ*_m = M_am.
            worst = std::max(worst, zOfMean(th.col(i).array().square().matrix(), Q));
            worst = std::max(worst,
                zOfMean(th.col(i).cwiseProduct(th.col(T - 1)), scheme.Ctheta.mean[a * k + a](n, T - 1)));
            for (int m = 0; m < ks; ++m)
                worst = std::max(
                    worst, zOfMean(th.col(i).cwiseProduct(p.thetaStar.col(m)), scheme.M[a * ks + m].mean[n]));
        }
    }
    qInfo("%s: worst |z| of the drawn θ paths' moments against the DMFT: %.2f", qPrintable(preset), worst);
    QVERIFY2(worst < 4.0, qPrintable(QString("worst |z| %1").arg(worst)));

    // The file a figure can be remade from: header, mean, sd and paths of both processes.
    const std::string csv = io::effectivePathsCsv(p);
    const long long lines = std::count(csv.begin(), csv.end(), '\n');
    const long long rPaths = p.rPaths[0].rows();
    QCOMPARE(lines, 1 + k * T * (2 + rPaths) + k * T * (2 + count) + static_cast<long long>(count) * ks);
}

void TestEffectivePaths::rBandMatchesSimulation()
{
    RunConfig c = smallConfig("logistic-regression", TeacherPrior::Sparse);
    c.teacherPrior.sparsity = 0.2;
    const EngineResult dmft = runEngine("dmft", c);
    const EngineResult sim = runEngine("sgf", c);
    QVERIFY2(dmft.status == Status::Converged || dmft.status == Status::MaxIterations, dmft.message.c_str());
    QVERIFY2(sim.status == Status::Completed, sim.message.c_str());
    QVERIFY(dmft.distributions && sim.distributions);
    const EffectivePaths p = effectivePaths(*dmft.distributions, dmft.curves, c.teacherPrior, 8, 3);
    QVERIFY(!p.empty());
    QCOMPARE(p.rPaths[0].rows(), Eigen::Index(8));
    QCOMPARE(p.rSamples, static_cast<long long>(c.dmft.paths) * c.dmft.replicas);

    // t = 0: r_0 = w_0 ~ N(0, q0) (moment-matched normals: tight).
    const double n0 = static_cast<double>(p.rSamples);
    QVERIFY2(std::fabs(p.rMean[0][0]) < 4.0 * std::sqrt(c.init.q0 / n0), "r band mean at t = 0");
    QVERIFY2(std::fabs(p.rSd[0][0] - std::sqrt(c.init.q0)) < 4.0 * std::sqrt(c.init.q0 / (2 * n0)),
        qPrintable(QString("r band sd at t = 0: %1 vs √q0 = %2").arg(p.rSd[0][0]).arg(std::sqrt(c.init.q0))));

    // Every time: the band against the simulation's r_μ(t) (mean and sd per seed, SE over seeds;
    // the DMFT's own SE from its replicas).
    double worst = 0.0;
    for (std::size_t i = 1; i < p.t.size(); ++i) {
        const SimulationLawSample &s = sim.distributions->sim[i];
        QCOMPARE(s.gridIndex, static_cast<int>(i));
        Eigen::VectorXd simSd(s.r.size()), dmftSd(dmft.distributions->dmft[i].r.size());
        for (std::size_t g = 0; g < s.r.size(); ++g) {
            const Eigen::VectorXd r = s.r[g].col(0);
            simSd[g] = std::sqrt((r.array() - r.mean()).square().sum() / (r.size() - 1));
        }
        for (std::size_t g = 0; g < dmft.distributions->dmft[i].r.size(); ++g) {
            const Eigen::VectorXd r = dmft.distributions->dmft[i].r[g].col(0);
            dmftSd[g] = std::sqrt((r.array() - r.mean()).square().sum() / (r.size() - 1));
        }
        auto se = [](const Eigen::VectorXd &x) {
            return std::sqrt((x.array() - x.mean()).square().sum() / (x.size() - 1) / x.size());
        };
        const double z = std::fabs(p.rSd[0][i] - simSd.mean()) / std::hypot(se(simSd), se(dmftSd));
        worst = std::max(worst, z);
    }
    qInfo("logistic, sparse teacher: worst |z| of the r band sd against SGF (d = %d, %d seeds): %.2f",
        c.sim.dimension, c.sim.seeds, worst);
    QVERIFY2(worst < 4.0, qPrintable(QString("worst |z| %1").arg(worst)));
}

void TestEffectivePaths::refusesWithoutLaws()
{
    Curves empty;
    std::string error;
    QVERIFY(effectivePaths(DistributionRecord {}, empty, TeacherPriorSpec {}, 5, 1, 201, &error).empty());
    QVERIFY(error.find("output.distribution_times") != std::string::npos);
}

void TestEffectivePaths::teacherDriftMatchesTheSolver_data()
{
    QTest::addColumn<QString>("preset");
    QTest::newRow("logistic-regression") << "logistic-regression";
    QTest::newRow("committee-erf") << "committee-erf";
}

void TestEffectivePaths::teacherDriftMatchesTheSolver()
{
    QFETCH(QString, preset);
    RunConfig c = smallConfig(preset.toStdString(), TeacherPrior::Gaussian);
    c.output.distributionTimes.clear();
    c.dmft.tolerance = 1e-6; // the relation is exact at the fixed point
    DmftSolver solver(c);
    const EngineResult result = solver.run();
    QVERIFY2(result.status == Status::Converged, result.message.c_str());
    const Eigen::MatrixXd mu = teacherDrift(result.curves, c.M0(), c.problem.ridge);
    const int k = c.problem.width, ks = c.problem.teacherWidth, N = c.time.steps, R = solver.replicaCount();
    QCOMPARE(mu.rows(), Eigen::Index(N));
    QCOMPARE(mu.cols(), Eigen::Index(k * ks));
    double worst = 0.0, scale = 0.0;
    for (int n = 0; n < N; ++n)
        for (int a = 0; a < k; ++a)
            for (int m = 0; m < ks; ++m) {
                Eigen::VectorXd v(R);
                for (int r = 0; r < R; ++r)
                    v[r] = solver.replica(r).mu()(n * k + a, m);
                const double mean = v.mean();
                const double se = std::sqrt((v.array() - mean).square().sum() / (R - 1) / R);
                // Floor: the fixed point's own truncation (tolerance × scale / Δ) when replicas agree
                // closely.
                const double z = std::fabs(mu(n, a * ks + m) - mean) / std::max(se, 1e-4);
                worst = std::max(worst, z);
                scale = std::max(scale, std::fabs(mean));
            }
    qInfo("%s: mu from (K, M) vs the solver's mu: worst |z| %.2f (largest |mu| %.3f)", qPrintable(preset),
        worst, scale);
    QVERIFY(scale > 0.05); // a drift worth recovering
    QVERIFY2(worst < 3.0, "teacher drift within 3 SE of the replicas' mean");
}

QTEST_MAIN(TestEffectivePaths)
#include "test_effective_paths.moc"
