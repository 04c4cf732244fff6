// ReLU in the DMFT (theory §5.3–5.4) and the Stein estimator of the memory kernel K
// (DmftReplica::steinKernel): K_n,≤n = E[g_n ξ_≤nᵀ] L_≤n⁻¹, no derivative of g.
//  * the estimator: on smooth activations, where tangents are unbiased, Stein's K and the
//    tangent K of the same paths agree within Monte-Carlo error (replica spread, plain
//    normals, one step from the shared warm start so that the state is not random);
//  * on a ReLU student they differ on the diagonal by the Dirac part of σ'' (E[(f − y) δ(r)]
//    < 0 for a ReLU teacher), so the agreement above is not vacuous;
//  * ReLU teacher, smooth student (the engine accepts it: μ never differentiates the
//    teacher): DMFT vs SGF within 3 combined SE (train, test loss, Q, M) at every grid time;
//  * ReLU student (k = 1; the engine uses Stein's K by itself): DMFT vs SGF within 3
//    combined SE at these CI sizes, while the tangent K (pathwise Hessian) misses by more
//    than 5 SE (relu teacher) and 3 SE (linear teacher); the engine refuses k > 1, τ = 0, q0 = 0 and the
//    no-learning start (dmft.warm_start = none).
// Larger runs outside CI (N = 30, τ = 0.5, SGF with 32 seeds unless said, DMFT P = 20 000
// with R = 16 replicas; R = 4 gives too unreliable an SE here: one run showed 0.0002 where 16
// replicas give 0.0019, which first looked like a bias of the Stein DMFT):
//  * the estimator at scale: erf student, relu teacher, d = 2000: Stein and tangent K give the
//    same curves (train loss 0.35982 vs 0.35981 at n = 5, Q(T) 0.9672 ± 0.0018 vs 0.9681 ±
//    0.0050) and both match SGF (worst 2.5 SE, Q at n = 1);
//  * ReLU student, relu teacher: d = 8000 (16 seeds): worst train 1.06, test 0.75, Q 2.32,
//    M 2.38 SE. At smaller d the DMFT train loss sits above SGF's by a gap that closes with d:
//    at T 0.1388 vs 0.1356 ± 0.0009 (d = 2000, 3.7 SE worst), 0.1367 ± 0.0006 (d = 4000,
//    3.0 SE), 0.1379 ± 0.0008 (d = 8000); the same at P = 80 000 — a finite-size effect of the
//    discontinuous ReLU gradient, not of the estimator. Q, M, test loss within 2.9 SE at
//    d = 1000–8000; linear teacher, d = 2000: worst 2.5 SE (train).
#include "config/presets.h"
#include "dmft/dmftsolver.h"
#include "engine/engine.h"
#include "observables/statistics.h"
#include "testutil.h"

#include <chrono>
#include <cmath>

using namespace dmftlab;

namespace
{

using test::checkEstimate; // tests/testutil.h
using test::Worst;

struct Comparison {
    Worst train, test, q, m;
    double worst() const { return std::max({ train.z, test.z, q.z, m.z }); }
};

void compare(
    const RunConfig &c, const EngineResult &dmft, const EngineResult &sim, Comparison &out, bool strict)
{
    const int points = c.time.steps + 1, k = c.problem.width, ks = c.problem.teacherWidth;
    checkEstimate("train loss", dmft.curves.trainLoss, sim.curves.trainLoss, points, out.train, strict);
    checkEstimate("test loss", dmft.curves.testLoss, sim.curves.testLoss, points, out.test, strict);
    for (int i = 0; i < k * k; ++i)
        checkEstimate("Q", dmft.curves.Q[i], sim.curves.Q[i], points, out.q, strict);
    for (int i = 0; i < k * ks; ++i)
        checkEstimate("M", dmft.curves.M[i], sim.curves.M[i], points, out.m, strict);
}

/// A GLM on the linear-regression preset (square loss, α = 2, noise 0.5, ridge 0.01,
/// q0 = 1, m0 = 0) with the given activations, at the CI sizes of test_dmft_simulation.
RunConfig glm(Activation student, Activation teacher)
{
    RunConfig c = test::eulerPreset("linear-regression");
    c.problem.activation = student;
    c.problem.teacherActivation = teacher;
    c.optimizer.tau = 0.5;
    c.time.horizon = 6.0;
    c.time.steps = 30;
    c.sim.dimension = 500;
    c.sim.seeds = 16;
    c.sim.seed = 7;
    c.sim.threads = 2;
    c.dmft.paths = 4000;
    c.dmft.tangentPaths = 1000;
    c.dmft.replicas = 4;
    return c;
}

double elapsed(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// Stein K minus tangent K of the same paths, per replica: one step of `replicas`
/// replicas with plain normals from the shared warm start (the state is not random, so
/// both estimators are unbiased for the same K).
void steinMinusTangents(const RunConfig &config, ReplicaStatistics &diff, ReplicaStatistics &stein)
{
    RunConfig c = config;
    c.dmft.warmStart = "ode"; // the replicas themselves after one step, no pilot solve
    DmftSolver solver(c);
    solver.setMomentMatching(false);
    solver.setSteinKernel(false);
    solver.setKeepPaths(true); // for steinKernel() on the tangents' paths
    QVERIFY(solver.init() == Status::Running);
    solver.step();
    QVERIFY2(
        solver.status() == Status::Running || solver.status() == Status::Converged, solver.message().c_str());
    for (int r = 0; r < solver.replicaCount(); ++r) {
        const Eigen::MatrixXd ks = solver.replica(r).steinKernel();
        const Eigen::MatrixXd d = ks - solver.replica(r).K();
        diff.add(Eigen::Map<const Eigen::ArrayXd>(d.data(), d.size()));
        stein.add(Eigen::Map<const Eigen::ArrayXd>(ks.data(), ks.size()));
    }
}

} // namespace

class TestDmftRelu : public QObject
{
    Q_OBJECT
private slots:
    void steinMatchesTangentsOnSmooth_data();
    void steinMatchesTangentsOnSmooth();
    void steinSeesTheDiracPartOfRelu();
    void reluTeacherMatchesSgf_data();
    void reluTeacherMatchesSgf();
    void reluStudentMatchesSgf_data();
    void reluStudentMatchesSgf();
    void engineRefusesWhatIsNotValidated();
};

void TestDmftRelu::steinMatchesTangentsOnSmooth_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<int>("teacher");
    QTest::newRow("erf student, relu teacher, k=1")
        << "linear-regression" << static_cast<int>(Activation::Relu);
    QTest::newRow("logistic-regression k=1") << "logistic-regression" << -1;
    QTest::newRow("committee-erf k=2") << "committee-erf" << -1;
}

void TestDmftRelu::steinMatchesTangentsOnSmooth()
{
    QFETCH(QString, preset);
    QFETCH(int, teacher);
    RunConfig c = test::eulerPreset(preset.toStdString());
    if (teacher >= 0) {
        c.problem.activation = Activation::Erf;
        c.problem.teacherActivation = static_cast<Activation>(teacher);
    }
    c.optimizer.tau = 0.5;
    c.time.horizon = c.time.horizon * 16 / c.time.steps;
    c.time.steps = 16;
    c.dmft.paths = 4000;
    c.dmft.tangentPaths = 4000;
    c.dmft.replicas = 12;
    c.sim.threads = 2;
    ReplicaStatistics diff, stein;
    steinMinusTangents(c, diff, stein);
    const int N = c.time.steps, k = c.problem.width, D = (N + 1) * k;
    const Eigen::ArrayXd mean = diff.mean(), se = diff.se(), ks = stein.mean();
    double sumZ2 = 0.0, worst = 0.0;
    int count = 0;
    for (int n = 1; n <= N; ++n) // at n = 0 there is no memory yet
        for (int m = 0; m <= n; ++m)
            for (int a = 0; a < k; ++a)
                for (int b = 0; b < k; ++b) {
                    const int idx = (n * k + a) + (m * k + b) * D;
                    QVERIFY(se[idx] > 0.0);
                    const double z = mean[idx] / se[idx];
                    sumZ2 += z * z;
                    worst = std::max(worst, std::fabs(z));
                    ++count;
                }
    for (int n : { N / 2, N })
        for (int m : { 0, N / 2, n - 1, n })
            for (int a = 0; a < k; ++a) {
                const int idx = (n * k + a) + (m * k + a) * D;
                DMFT_COMPARE_SE(mean[idx], 0.0, se[idx], 4.5);
            }
    // The check has power: the diagonal (E[H]) is resolved to better than 5 % by Stein.
    const int diag = (N * k) + (N * k) * D;
    QVERIFY2(stein.se()[diag] < 0.05 * std::fabs(ks[diag]), QByteArray::number(stein.se()[diag]));
    const double rms = std::sqrt(sumZ2 / count);
    qInfo("Stein K - tangent K over %d entries (m <= n): rms z = %.2f, worst |z| = %.2f; K(N,N) = %.4f, "
          "Stein SE %.4f",
        count, rms, worst, ks[diag], stein.se()[diag]);
    // t with 11 dof: E z² = 11/9; entries are correlated, so allow a margin
    QVERIFY2(rms < 1.6, QByteArray::number(rms));
}

void TestDmftRelu::steinSeesTheDiracPartOfRelu()
{
    RunConfig c = glm(Activation::Relu, Activation::Relu);
    c.time.horizon = 16 * c.dt();
    c.time.steps = 16;
    c.dmft.tangentPaths = 4000;
    c.dmft.replicas = 12;
    ReplicaStatistics diff, stein;
    steinMinusTangents(c, diff, stein);
    const int N = c.time.steps, D = N + 1;
    const Eigen::ArrayXd mean = diff.mean(), se = diff.se();
    // E[(f − y) δ(r_n)] = −E[y | r_n = 0] p(r_n = 0) < 0: y = relu(z) + noise, with z
    // correlated with r once M > 0, is positive on average at r = 0
    for (int n : { 1, N / 2, N }) {
        const int idx = n + n * D;
        qInfo("n = %d: Stein K_nn - E[H_n] = %.4f +- %.4f", n, mean[idx], se[idx]);
        QVERIFY2(mean[idx] < -5.0 * se[idx], QByteArray::number(mean[idx] / se[idx]));
    }
}

void TestDmftRelu::reluTeacherMatchesSgf_data()
{
    QTest::addColumn<int>("student");
    QTest::newRow("erf student, relu teacher") << static_cast<int>(Activation::Erf);
    QTest::newRow("linear student, relu teacher") << static_cast<int>(Activation::Linear);
}

void TestDmftRelu::reluTeacherMatchesSgf()
{
    QFETCH(int, student);
    const RunConfig c = glm(static_cast<Activation>(student), Activation::Relu);
    QVERIFY2(!checkEngine("dmft", c), test::checkMessage(checkEngine("dmft", c)).c_str());
    auto t0 = std::chrono::steady_clock::now();
    const EngineResult sim = runEngine("sgf", c);
    QVERIFY2(sim.status == Status::Completed, sim.message.c_str());
    const double tSim = elapsed(t0);
    t0 = std::chrono::steady_clock::now();
    const EngineResult dmft = runEngine("dmft", c);
    QVERIFY2(dmft.status == Status::Converged, dmft.message.c_str());
    const double tDmft = elapsed(t0);
    Comparison cmp;
    compare(c, dmft, sim, cmp, true);
    qInfo("worst |dmft - sim| / combined SE: train %.2f, test %.2f, Q %.2f, M %.2f (dmft %d iterations, "
          "%.1f s; sgf %.1f s)",
        cmp.train.z, cmp.test.z, cmp.q.z, cmp.m.z, dmft.curves.iterations, tDmft, tSim);
}

void TestDmftRelu::reluStudentMatchesSgf_data()
{
    QTest::addColumn<int>("teacher");
    QTest::addColumn<double>("tangentMiss"); // the tangent DMFT must miss by more than this
    QTest::newRow("relu student, relu teacher") << static_cast<int>(Activation::Relu) << 5.0;
    QTest::newRow("relu student, linear teacher") << static_cast<int>(Activation::Linear) << 3.0;
}

void TestDmftRelu::reluStudentMatchesSgf()
{
    QFETCH(int, teacher);
    QFETCH(double, tangentMiss);
    const RunConfig c = glm(Activation::Relu, static_cast<Activation>(teacher));
    auto t0 = std::chrono::steady_clock::now();
    const EngineResult sim = runEngine("sgf", c);
    QVERIFY2(sim.status == Status::Completed, sim.message.c_str());
    const double tSim = elapsed(t0);

    QVERIFY2(!checkEngine("dmft", c), test::checkMessage(checkEngine("dmft", c)).c_str());
    t0 = std::chrono::steady_clock::now();
    DmftSolver stein(c); // what the engine runs: Stein's K for a ReLU student
    const EngineResult dmft = stein.run();
    QVERIFY2(dmft.status == Status::Converged, dmft.message.c_str());
    const double tDmft = elapsed(t0);
    double conditioning = 1e300;
    for (int r = 0; r < stein.replicaCount(); ++r) {
        QVERIFY(stein.replica(r).usesSteinKernel());
        conditioning = std::min(conditioning, stein.replica(r).steinConditioning());
    }

    DmftSolver tangents(c);
    tangents.setSteinKernel(false);
    const EngineResult biased = tangents.run();
    QVERIFY2(biased.status == Status::Converged, biased.message.c_str());

    Comparison cmp, miss;
    compare(c, biased, sim, miss, false);
    compare(c, dmft, sim, cmp, true);
    qInfo("Stein K: worst |dmft - sim| / combined SE: train %.2f, test %.2f, Q %.2f, M %.2f (dmft %d "
          "iterations, %.1f s, min innovation variance %.2g of Q; sgf %.1f s). Tangent K: worst %.2f",
        cmp.train.z, cmp.test.z, cmp.q.z, cmp.m.z, dmft.curves.iterations, tDmft, conditioning, tSim,
        miss.worst());
    QVERIFY2(miss.worst() > tangentMiss, QByteArray::number(miss.worst()));
}

void TestDmftRelu::engineRefusesWhatIsNotValidated()
{
    const RunConfig c = glm(Activation::Relu, Activation::Relu);
    QVERIFY(!checkEngine("dmft", c));
    // each change with the key the GUI must mark for it
    const std::vector<std::pair<void (*)(RunConfig &), std::string>> changes = {
        { [](RunConfig &x) { x.optimizer.tau = 0.0; }, "optimizer.tau" },
        { [](RunConfig &x) { x.init.q0 = 0.0; }, "init.q0" },
        { [](RunConfig &x) { x.problem.width = 2; }, "model.width" },
        { [](RunConfig &x) { x.dmft.warmStart = "none"; }, "dmft.warm_start" },
    };
    for (const auto &[change, key] : changes) {
        RunConfig bad = c;
        change(bad);
        QVERIFY(validate(bad).empty());
        const EngineCheck check = checkEngine("dmft", bad);
        const std::string err = test::checkMessage(check);
        QVERIFY2(err.find("relu student") != std::string::npos, err.c_str());
        QVERIFY2(test::blames(check, key) && test::blames(check, "model.activation"), key.c_str());
        QVERIFY(runEngine("dmft", bad).status == Status::InvalidInput);
        QVERIFY(!checkEngine("sgf", bad));
    }
}

QTEST_GUILESS_MAIN(TestDmftRelu)
#include "test_dmft_relu.moc"
