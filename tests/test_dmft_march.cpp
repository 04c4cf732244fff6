// DmftReplica::march and dmft.warm_start = march (the default since 2026-12-01): the sampled
// map of the DMFT is causal, so its fixed point (the one step() iterates to, same stored
// normals) is found in one pass forward in time. Checked here against the plain undamped
// iteration, which is exact after N + 1 iterations for the same reason, on every kind of
// problem the solver takes (k = 1 and k = 2, taming, gradient flow, the Stein kernel of a
// ReLU student); then the solver's use of it (one checking iteration, progress, cancel,
// thread independence; divergence: test_dmft_status).
#include "config/presets.h"
#include "dmft/dmftsolver.h"
#include "engine/engine.h"
#include "testutil.h"

#include <atomic>
#include <cmath>
#include <stdexcept>

using namespace dmftlab;

namespace
{
RunConfig small(const std::string &preset)
{
    RunConfig c = test::smallDmft(preset);
    c.dmft.continuousTime = "off";
    return c;
}

/// The same sizes and the same entries, bit for bit.
template <class A> bool same(const A &a, const A &b)
{
    return a.rows() == b.rows() && a.cols() == b.cols() && a == b;
}

/// Largest |a − b| relative to the largest |a| (1 when a is all zero).
double relative(const Eigen::MatrixXd &a, const Eigen::MatrixXd &b)
{
    return (a - b).cwiseAbs().maxCoeff() / std::max(1.0, a.cwiseAbs().maxCoeff());
}
} // namespace

class TestDmftMarch : public QObject
{
    Q_OBJECT
private slots:
    void marchIsTheIteratedFixedPoint_data();
    void marchIsTheIteratedFixedPoint();
    void solverMarchesThenChecksOnce();
    void marchedReplicasReleaseTheirPaths();
    void exactReplicasShareOneMarch();
    void cancelWhileMarching(); // (divergence while marching: test_dmft_status::divergesNamingTheParameter)
    void tiledAndPlainKernelsAgree();
};

void TestDmftMarch::marchIsTheIteratedFixedPoint_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<QString>("variant");
    QTest::newRow("logistic (k = 1)") << "logistic-regression"
                                      << "";
    QTest::newRow("committee-erf (k = k* = 2)") << "committee-erf"
                                                << "";
    QTest::newRow("phase retrieval (tamed)") << "phase-retrieval"
                                             << "";
    QTest::newRow("linear, gradient flow (tau = 0)") << "linear-regression"
                                                     << "tau0";
    // Cov(z, w) singular to rounding: the jitter must be the march's (scaled by the largest Q
    // up to t_n) in the iteration too, or the two fixed points differ by ~1e-4 (until 2026-12-01)
    QTest::newRow("logistic, gradient flow (tau = 0)") << "logistic-regression"
                                                       << "tau0";
    QTest::newRow("relu student (Stein kernel)") << "logistic-regression"
                                                 << "relu";
    // linear regression at tau > 0: K as the exact mean of the tangents (the default), and
    // from the tangent paths
    QTest::newRow("linear (mean kernel)") << "linear-regression"
                                          << "";
    QTest::newRow("linear (tangent paths)") << "linear-regression"
                                            << "tangents";
}

void TestDmftMarch::marchIsTheIteratedFixedPoint()
{
    QFETCH(QString, preset);
    QFETCH(QString, variant);
    RunConfig c = small(preset.toStdString());
    if (variant == "tau0")
        c.optimizer.tau = 0.0;
    if (variant == "relu")
        c.problem.activation = Activation::Relu;
    // plain undamped iteration: point t_n is exact from iteration n + 1 on (causality)
    c.dmft.mixingMemory = 0;
    c.dmft.damping = 1.0;
    const std::uint64_t seed = 4242;
    DmftReplica marched(c, seed, 1), iterated(c, seed, 1), other(c, seed + 1, 1);
    QCOMPARE(marched.usesSteinKernel(), variant == "relu");
    QCOMPARE(marched.usesMeanKernel(), preset == "linear-regression"); // the default there
    if (variant == "tangents") {
        marched.setMeanKernel(false);
        iterated.setMeanKernel(false);
    }
    QVERIFY(marched.march(nullptr) == DmftReplica::StepResult::Ok);
    // The iteration starts from the no-learning guess, except for the Stein kernel, which
    // refuses its C_θ(n,m) = Q_0 (every w_n determined by w_0): there it starts from another
    // replica's fixed point (other normals), a valid state that differs by Monte-Carlo noise.
    if (variant == "relu") {
        QVERIFY(other.march(nullptr) == DmftReplica::StepResult::Ok);
        iterated.setState(other.C(), other.M(), other.R());
    }
    QVERIFY(relative(marched.C(), iterated.C()) > 1e-4);
    for (int i = 0; i < c.time.steps + 3; ++i)
        QVERIFY(iterated.step(nullptr) == DmftReplica::StepResult::Ok);
    // The two differ by rounding only: both factor Cov(z, w) with a jitter of 1e-10 of the
    // largest Q up to each t_n.
    const double dC = relative(iterated.C(), marched.C()), dM = relative(iterated.M(), marched.M()),
                 dR = relative(iterated.R(), marched.R());
    // the kernels of the iterate's last step were drawn from its previous (exact) state
    const double dK = relative(iterated.K(), marched.K()), dCu = relative(iterated.Cu(), marched.Cu());
    const double dLoss = relative(iterated.trainLoss(), marched.trainLoss());
    qInfo("march vs %d plain iterations: C %.1e, M %.1e, R %.1e, K %.1e, C_u %.1e, train loss %.1e",
        c.time.steps + 3, dC, dM, dR, dK, dCu, dLoss);
    for (double d : { dC, dM, dR, dK, dCu, dLoss })
        QVERIFY2(d < 1e-7, qPrintable(QString::number(d)));
    // the marched state is a fixed point of step(): one more iteration changes it by rounding
    QVERIFY(marched.step(nullptr) == DmftReplica::StepResult::Ok);
    QVERIFY2(marched.residual() < 1e-8, qPrintable(QString::number(marched.residual())));
}

void TestDmftMarch::solverMarchesThenChecksOnce()
{
    RunConfig c = small("logistic-regression");
    QCOMPARE(QString::fromStdString(RunConfig().dmft.warmStart), QString("march")); // the default
    int marching = 0, withSnapshot = 0, firstPictures = 0;
    double lastFraction = 0.0;
    bool monotone = true, marchingWithoutSnapshot = true, firstPictureFirst = true;
    const EngineResult m = runEngine("dmft", c, [&](const ProgressReport &r) {
        monotone = monotone && r.fraction >= lastFraction && r.fraction <= 1.0;
        lastFraction = r.fraction;
        if (r.text.find("first picture from one replica with 500 paths") != std::string::npos) {
            // one replica with P/4 paths, marched first: complete, without error bars
            ++firstPictures;
            firstPictureFirst = firstPictureFirst && marching == 0;
            QVERIFY(r.snapshot);
            QCOMPARE(r.snapshot->validPoints, c.time.steps + 1);
            QCOMPARE(r.snapshot->seDegreesOfFreedom, 0);
            QVERIFY(std::isfinite(r.snapshot->Q[0].mean.back()) && r.snapshot->trainLoss.mean.back() > 0.0);
        } else if (r.text.find("marching forward in time") != std::string::npos) {
            ++marching;
            marchingWithoutSnapshot = marchingWithoutSnapshot && !r.snapshot && r.fraction <= 0.9;
        } else if (r.snapshot) {
            ++withSnapshot;
        }
    });
    QVERIFY2(m.status == Status::Converged, m.message.c_str());
    QCOMPARE(m.curves.iterations, 1); // the checking iteration
    QVERIFY(m.curves.residuals.back() < 1e-8);
    QCOMPARE(m.extra["warm_start"].get<std::string>(), std::string("march"));
    QCOMPARE(m.extra["march_fallbacks"].get<int>(), 0);
    QVERIFY2(m.message.find("marched forward in time") != std::string::npos, m.message.c_str());
    QVERIFY(marching >= 10 && marchingWithoutSnapshot && monotone);
    QVERIFY(firstPictures == 1 && firstPictureFirst);
    QCOMPARE(withSnapshot, 1); // the final report

    // The same replicas iterated from the ODE to a residual of 1e-11 reach the same curves
    // (the fresh paths of the train loss are the same too).
    RunConfig o = c;
    o.dmft.warmStart = "ode";
    o.dmft.noiseFraction = 0;
    o.dmft.tolerance = 1e-11;
    o.dmft.maxIterations = 200;
    const EngineResult it = runEngine("dmft", o);
    QVERIFY2(it.status == Status::Converged, it.message.c_str());
    QVERIFY(it.curves.iterations > 3);
    double worst = 0.0;
    for (const auto &[a, b] :
        { std::pair { &m.curves.Q[0], &it.curves.Q[0] }, std::pair { &m.curves.M[0], &it.curves.M[0] },
            std::pair { &m.curves.testLoss, &it.curves.testLoss },
            std::pair { &m.curves.trainLoss, &it.curves.trainLoss } })
        for (int n = 1; n <= c.time.steps; ++n)
            worst = std::max(worst, std::fabs(a->mean[n] - b->mean[n]) / a->seMonteCarlo[n]);
    qInfo("march (1 checking iteration) vs %d iterations from the ODE: largest difference %.1e SE",
        it.curves.iterations, worst);
    QVERIFY(worst < 1e-4);

    // Each replica marches on one thread: the result does not depend on sim.threads.
    RunConfig one = c;
    one.sim.threads = 1;
    const EngineResult m1 = runEngine("dmft", one);
    QCOMPARE(m1.curves.Q[0].mean, m.curves.Q[0].mean);
    QCOMPARE(m1.curves.trainLoss.mean, m.curves.trainLoss.mean);
}

// Replicas 2…R free their paths once marched (DmftReplica::releasePaths: the next replica on the
// worker reuses the memory); their state stays, and the first replica keeps its paths for the
// checking iteration. With setKeepPaths (diagnostics) every replica keeps them.
void TestDmftMarch::marchedReplicasReleaseTheirPaths()
{
    RunConfig c = small("committee-erf");
    DmftReplica replica(c, 77, 1);
    QVERIFY(replica.march(nullptr) == DmftReplica::StepResult::Ok);
    const Eigen::MatrixXd C = replica.C(), R = replica.R(), K = replica.K();
    const Eigen::VectorXd loss = replica.trainLoss();
    replica.releasePaths();
    QVERIFY(replica.pathsReleased());
    QVERIFY(replica.C() == C && replica.R() == R && replica.K() == K && replica.trainLoss() == loss);
    QVERIFY_THROWS_EXCEPTION(std::logic_error, replica.step(nullptr));
    QVERIFY_THROWS_EXCEPTION(std::logic_error, replica.march(nullptr));

    for (bool keep : { false, true }) {
        DmftSolver solver(c);
        solver.setKeepPaths(keep);
        const EngineResult r = solver.run();
        QVERIFY2(r.status == Status::Converged, r.message.c_str());
        QCOMPARE(solver.iterations(), 1);
        QVERIFY(solver.replicaCount() >= 2);
        QVERIFY(!solver.replica(0).pathsReleased());
        for (int i = 1; i < solver.replicaCount(); ++i)
            QCOMPARE(solver.replica(i).pathsReleased(), !keep);
    }
}

void TestDmftMarch::exactReplicasShareOneMarch()
{
    // Exact second moments (linear regression): the march reads no paths, so the solver marches
    // replica 0 alone and the others take its result (DmftReplica::adoptMarch). Each then holds,
    // bit for bit, what its own march gives (any seed: nothing random is read).
    RunConfig c = small("linear-regression");
    c.dmft.replicas = 3;
    DmftReplica own(c, 4242, 1);
    QVERIFY(own.usesExactMoments());
    QVERIFY(own.march(nullptr) == DmftReplica::StepResult::Ok);
    DmftSolver solver(c);
    QVERIFY(solver.init() == Status::Running);
    QCOMPARE(solver.replicaCount(), 3);
    for (int r = 0; r < solver.replicaCount(); ++r) {
        const DmftReplica &rep = solver.replica(r);
        QVERIFY(same(rep.C(), own.C()) && same(rep.M(), own.M()) && same(rep.R(), own.R()));
        QVERIFY(same(rep.K(), own.K()) && same(rep.Cu(), own.Cu()) && same(rep.mu(), own.mu()));
        QVERIFY(same(rep.trainLoss(), own.trainLoss()));
        QCOMPARE(rep.residual(), own.residual());
        QCOMPARE(rep.divergenceIndex(), own.divergenceIndex());
    }
    // and the run goes on as before: replica 0 checked by one iteration, the others done
    const EngineResult result = solver.run();
    QVERIFY2(result.status == Status::Converged, result.message.c_str());
    QCOMPARE(solver.iterations(), 1);
    // With the exact moments off the replicas read their own paths: each marches itself.
    DmftSolver sampled(c);
    sampled.setExactMoments(false);
    QVERIFY(sampled.init() == Status::Running);
    QVERIFY(!sampled.replica(1).usesExactMoments());
    QVERIFY(!same(sampled.replica(1).C(), sampled.replica(2).C()));
    QVERIFY(!same(sampled.replica(1).C(), own.C()));
}

void TestDmftMarch::cancelWhileMarching()
{
    RunConfig c = small("committee-erf");
    std::atomic<bool> cancel { false };
    int after = 0;
    const EngineResult r = runEngine(
        "dmft", c,
        [&](const ProgressReport &p) {
            if (cancel.load())
                ++after;
            if (p.text.find("marching") != std::string::npos)
                cancel = true;
        },
        &cancel);
    QVERIFY2(r.status == Status::Cancelled, r.message.c_str());
    QVERIFY2(r.message.find("while marching forward in time") != std::string::npos, r.message.c_str());
    QVERIFY(after <= 1); // at most the report of the step under way
}

// The register-tiled kernels (DmftReplica::setTiledKernels) against the plain ones, marched and
// iterated, at sizes small enough for the sanitizer stage (this test runs there with Eigen's
// assertions on: a size mismatch in the plain adjoint once passed in Release). 77 tangent paths
// and 150 paths leave padded tiles; k = 2 (committee) and k = 4 (only the plain kernels).
// The full comparison is test_dmft_kernels::tiledTangentsAreTheGemmTangents.
void TestDmftMarch::tiledAndPlainKernelsAgree()
{
    for (const int width : { 2, 4 }) {
        RunConfig c = small("committee-erf");
        c.time.steps = 18;
        c.dmft.paths = 150;
        c.dmft.tangentPaths = 77;
        c.problem.width = c.problem.teacherWidth = width;
        Eigen::MatrixXd m0 = Eigen::MatrixXd::Zero(width, width);
        m0(0, 0) = 0.3;
        c.init.m0 = m0;
        Eigen::MatrixXd K[2], Cu[2];
        for (const bool tiled : { true, false }) {
            DmftReplica replica(c, 7, 1);
            replica.setTiledKernels(tiled);
            QVERIFY(replica.march(nullptr) == DmftReplica::StepResult::Ok);
            QVERIFY(replica.step(nullptr) == DmftReplica::StepResult::Ok); // and one iteration from there
            K[tiled ? 0 : 1] = replica.K();
            Cu[tiled ? 0 : 1] = replica.Cu();
        }
        QVERIFY2(relative(K[1], K[0]) < 1e-11, QByteArray::number(relative(K[1], K[0])));
        QVERIFY2(relative(Cu[1], Cu[0]) < 1e-11, QByteArray::number(relative(Cu[1], Cu[0])));
        QVERIFY(K[1].cwiseAbs().maxCoeff() > 0.0);
    }
}

QTEST_GUILESS_MAIN(TestDmftMarch)
#include "test_dmft_march.moc"
