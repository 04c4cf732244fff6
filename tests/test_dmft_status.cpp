// Status behaviour of the DMFT engine: Converged vs MaxIterations (with the residual in
// the message), a progress snapshot after every iteration, cooperative cancel (latency
// measured), Diverged with the parameter to lower, InvalidInput for relu and for sizes
// beyond the memory limit.
#include "config/presets.h"
#include "config/schema.h"
#include "dmft/dmftcheck.h"
#include "dmft/dmftsolver.h"
#include "dmft/linearmoments.h"
#include "engine/engine.h"
#include "testutil.h"

#include <chrono>
#include <cmath>
#include <thread>

using namespace dmftlab;

namespace
{
RunConfig small(const std::string &preset)
{
    return test::smallDmft(preset);
}

/// Still iterating whenever a cancel comes, however fast the machine: slow damped steps
/// towards a tolerance below round-off.
void neverConverge(RunConfig &c)
{
    c.dmft.tolerance = 1e-300;
    c.dmft.noiseFraction = 0;
    c.dmft.mixingMemory = 0;
    c.dmft.damping = 0.05;
    c.dmft.maxIterations = 100000;
}
} // namespace

class TestDmftStatus : public QObject
{
    Q_OBJECT
private slots:
    void convergesWithProgressEveryIteration();
    void pilotSolveStartsTheReplicas();
    void noiseStopCostsLittleAgainstTheMonteCarloError_data();
    void noiseStopCostsLittleAgainstTheMonteCarloError();
    void maxIterationsSaysSo();
    void cancelIsPrompt();
    void cancelDuringSetUp_data();
    void cancelDuringSetUp();
    void divergesNamingTheParameter();
    void refusesRelu();
    void refusesTooMuchMemory();
    void structuredCheckSaysWhatTheSolverSays();
    void noWarmStart();
    void andersonMixingSameFixedPointFewerIterations_data();
    void andersonMixingSameFixedPointFewerIterations();
};

void TestDmftStatus::convergesWithProgressEveryIteration()
{
    RunConfig c = small("logistic-regression");
    c.dmft.continuousTime = "off"; // one solve: one report per iteration (the 2Δ solve adds its own)
    c.dmft.warmStart = "ode"; // no pilot solve: every report is a replica iteration (pilotSolve)
    c.dmft.noiseFraction = 0; // stopped by the tolerance (noiseStop… covers the other rule)
    int reports = 0, lastIteration = 0;
    bool ordered = true;
    const EngineResult r = runEngine("dmft", c, [&](const ProgressReport &p) {
        ++reports;
        if (!p.snapshot)
            ordered = false;
        else {
            ordered = ordered && p.snapshot->iterations == lastIteration + 1
                && static_cast<int>(p.snapshot->residuals.size()) == p.snapshot->iterations;
            lastIteration = p.snapshot->iterations;
        }
    });
    QVERIFY2(r.status == Status::Converged, r.message.c_str());
    QVERIFY(ordered);
    QCOMPARE(reports, r.curves.iterations);
    QVERIFY(r.curves.residuals.back() < c.dmft.tolerance);
    QCOMPARE(r.extra["iterations"].get<int>(), r.curves.iterations);
    QVERIFY(r.extra["final_residual"].get<double>() < c.dmft.tolerance);
    QCOMPARE(r.extra["paths"].get<int>(), c.dmft.paths);
    QCOMPARE(r.extra["tangent_paths"].get<int>(), c.dmft.tangentPaths);
    QCOMPARE(r.extra["replicas"].get<int>(), c.dmft.replicas);
    QVERIFY(r.extra["rel_se_Q_final"].get<double>() > 0.0);
    QVERIFY(r.message.find("converged") != std::string::npos);
    // kernels are delivered with (N+1)×(N+1) blocks and SEs
    QCOMPARE(static_cast<int>(r.curves.Ctheta.mean[0].rows()), c.time.steps + 1);
    QVERIFY(!r.curves.K.empty() && !r.curves.Cu.empty() && !r.curves.Rtheta.empty());
    QVERIFY(r.curves.Q[0].se[c.time.steps] > 0.0);
}

void TestDmftStatus::pilotSolveStartsTheReplicas()
{
    // Issue 9, progressive solve: a pilot replica with P/4 paths converges first and is shown
    // at once (no error bars); the replicas then start from its fixed point. Each replica's
    // sampled map is the same as without the pilot (same seeds), so both runs stop at the
    // same fixed points up to the tolerance, i.e. within their truncation errors.
    RunConfig c = small("logistic-regression");
    c.dmft.continuousTime = "off";
    c.dmft.noiseFraction = 0; // both runs iterate to the tolerance
    QCOMPARE(QString::fromStdString(RunConfig().dmft.warmStart), QString("march")); // the default
    c.dmft.warmStart = "pilot";
    int pilotReports = 0, replicaReports = 0, lastIteration = 0;
    bool pilotFirst = true, ordered = true;
    const EngineResult p = runEngine("dmft", c, [&](const ProgressReport &r) {
        QVERIFY(r.snapshot);
        if (r.text.find("pilot solve (") != std::string::npos) {
            ++pilotReports;
            pilotFirst = pilotFirst && replicaReports == 0;
            // a complete picture, without error bars (one replica)
            QCOMPARE(r.snapshot->validPoints, c.time.steps + 1);
            QCOMPARE(r.snapshot->seDegreesOfFreedom, 0);
            QVERIFY(std::isfinite(r.snapshot->Q[0].mean.back()));
        } else if (r.snapshot->iterations > 0) {
            ++replicaReports;
            ordered = ordered && r.snapshot->iterations == lastIteration + 1;
            lastIteration = r.snapshot->iterations;
            QCOMPARE(r.snapshot->seDegreesOfFreedom, c.dmft.replicas - 1);
            // never the replicas' bare starting state (no train loss yet)
            QVERIFY(r.snapshot->trainLoss.mean.back() > 0.0);
        }
    });
    QVERIFY2(p.status == Status::Converged, p.message.c_str());
    QVERIFY(pilotReports > 0 && pilotFirst && ordered);
    QCOMPARE(p.extra["pilot"].get<std::string>(), std::string("converged"));
    QCOMPARE(p.extra["pilot_iterations"].get<int>(), pilotReports + 1); // the last one starts the replicas
    QCOMPARE(p.extra["pilot_paths"].get<int>(), c.dmft.paths / 4);
    QVERIFY2(p.message.find("pilot solve") != std::string::npos, p.message.c_str());

    RunConfig o = c;
    o.dmft.warmStart = "ode";
    const EngineResult q = runEngine("dmft", o);
    QVERIFY2(q.status == Status::Converged, q.message.c_str());
    qInfo("iterations: %d pilot + %d replica (pilot start), %d replica (ODE start)",
        p.extra["pilot_iterations"].get<int>(), p.curves.iterations, q.curves.iterations);
    double inTruncation = 0.0, inSe = 0.0;
    for (const auto &[a, b] : { std::pair { &p.curves.Q[0], &q.curves.Q[0] },
             std::pair { &p.curves.testLoss, &q.curves.testLoss } })
        for (int n = 1; n <= c.time.steps; ++n) {
            const double d = std::fabs(a->mean[n] - b->mean[n]);
            inTruncation = std::max(inTruncation, d / (a->truncation[n] + b->truncation[n] + 1e-300));
            inSe = std::max(inSe, d / a->seMonteCarlo[n]);
        }
    qInfo("largest |pilot start - ODE start|: %.3f x the sum of their truncation errors, %.4f Monte-Carlo SE",
        inTruncation, inSe);
    QVERIFY(inSe < 0.1);
}

void TestDmftStatus::noiseStopCostsLittleAgainstTheMonteCarloError_data()
{
    QTest::addColumn<QString>("preset");
    QTest::newRow("logistic-regression") << "logistic-regression";
    QTest::newRow("committee-erf") << "committee-erf";
    QTest::newRow("phase-retrieval") << "phase-retrieval";
}

void TestDmftStatus::noiseStopCostsLittleAgainstTheMonteCarloError()
{
    // Issues 8 and 9: the replicas stop once every entry's truncation error estimate is below
    // dmft.noise_fraction (default 0.1) of its Monte-Carlo SE. The same replicas (same seeds,
    // same pilot start) iterated to a residual of 1e-9 give the fixed points themselves: the
    // early stop must move no curve point by more than 0.3 Monte-Carlo SE (3 × the fraction:
    // the estimate, from a few residual ratios, may be a few times too small), and must save
    // iterations.
    QFETCH(QString, preset);
    RunConfig c = small(preset.toStdString());
    c.dmft.replicas = 8;
    c.dmft.continuousTime = "off";
    c.dmft.warmStart = "pilot"; // a rule of the iteration (a marched replica starts at its fixed point)
    QCOMPARE(RunConfig().dmft.noiseFraction, 0.1); // the default
    const EngineResult early = runEngine("dmft", c);
    RunConfig t = c;
    t.dmft.noiseFraction = 0;
    t.dmft.tolerance = 1e-9;
    t.dmft.maxIterations = 400;
    const EngineResult tight = runEngine("dmft", t);
    QVERIFY2(early.status == Status::Converged, early.message.c_str());
    QVERIFY2(tight.status == Status::Converged, tight.message.c_str());
    QCOMPARE(early.extra["stopped_by"].get<std::string>(), std::string("noise_fraction"));
    QCOMPARE(tight.extra["stopped_by"].get<std::string>(), std::string("tolerance"));
    QVERIFY2(early.message.find("Monte-Carlo SE") != std::string::npos, early.message.c_str());
    // The ratio the window's ETA forecasts from: one per replica iteration, above 1 until the
    // noise stop, at most 1 there; never recorded with the noise stop off.
    const std::vector<double> &ratios = early.curves.noiseStopRatios;
    QCOMPARE(ratios.size(), early.curves.residuals.size());
    QVERIFY(ratios.back() <= 1.0);
    for (std::size_t i = 0; i + 1 < ratios.size(); ++i)
        QVERIFY2(ratios[i] > 1.0, qPrintable(QString::number(ratios[i])));
    QVERIFY(tight.curves.noiseStopRatios.empty());
    double worst = 0.0, worstCovered = 0.0;
    auto compare = [&](const Estimate &a, const Estimate &b) {
        for (int n = 1; n <= c.time.steps; ++n) {
            const double d = std::fabs(a.mean[n] - b.mean[n]);
            worst = std::max(worst, d / b.seMonteCarlo[n]);
            worstCovered = std::max(worstCovered, d / (a.truncation[n] + 1e-3 * b.seMonteCarlo[n]));
        }
    };
    compare(early.curves.testLoss, tight.curves.testLoss);
    compare(early.curves.trainLoss, tight.curves.trainLoss);
    for (std::size_t e = 0; e < early.curves.Q.size(); ++e)
        compare(early.curves.Q[e], tight.curves.Q[e]);
    for (std::size_t e = 0; e < early.curves.M.size(); ++e)
        compare(early.curves.M[e], tight.curves.M[e]);
    qInfo("%s: %d replica iterations (stopped at the noise) against %d (residual 1e-9); largest "
          "difference %.3f Monte-Carlo SE, %.2f x the stated truncation error",
        qPrintable(preset), early.curves.iterations, tight.curves.iterations, worst, worstCovered);
    QVERIFY(early.curves.iterations < tight.curves.iterations);
    QVERIFY(worst <= 3 * c.dmft.noiseFraction);
}

void TestDmftStatus::maxIterationsSaysSo()
{
    RunConfig c = small("logistic-regression");
    c.dmft.maxIterations = 2;
    c.dmft.warmStart = "none";
    const EngineResult r = runEngine("dmft", c);
    QVERIFY2(r.status == Status::MaxIterations, r.message.c_str());
    QVERIFY(r.message.find("not converged") != std::string::npos);
    QVERIFY(r.message.find("residual") != std::string::npos);
    QCOMPARE(r.curves.iterations, 2);
    QVERIFY(r.extra["final_residual"].get<double>() > c.dmft.tolerance);
}

void TestDmftStatus::cancelIsPrompt()
{
    // default sizes (P = 10000, P_J = 1000, R = 4) on the default preset
    RunConfig c = presetConfig("linear-regression");
    c.sim.threads = 2;
    neverConverge(c);
    std::atomic<bool> cancel { false };
    std::atomic<int> reports { 0 };
    EngineResult r;
    std::thread worker([&] {
        r = runEngine(
            "dmft", c, [&](const ProgressReport &) { ++reports; }, &cancel);
    });
    const auto start = std::chrono::steady_clock::now();
    while (reports.load() < 1 && std::chrono::steady_clock::now() - start < std::chrono::seconds(60))
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(20)); // land inside an iteration
    const auto t0 = std::chrono::steady_clock::now();
    cancel = true;
    worker.join();
    const double ms
        = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    qInfo("cancel latency at default sizes: %.1f ms", ms);
    QVERIFY2(r.status == Status::Cancelled, r.message.c_str());
    // The requirement is 100 ms; the assertion allows for a loaded shared machine.
    QVERIFY2(ms < 500.0, QByteArray::number(ms));
}

void TestDmftStatus::cancelDuringSetUp_data()
{
    // Before the first iteration: ODE warm start, drawing and whitening the stored normals.
    QTest::addColumn<int>("delayMs");
    for (int ms : { 5, 120, 400, 700, 1000, 1300 })
        QTest::newRow(qPrintable(QString("cancel after %1 ms").arg(ms))) << ms;
}

void TestDmftStatus::cancelDuringSetUp()
{
    QFETCH(int, delayMs);
    RunConfig c = presetConfig("logistic-regression"); // default P, P_J, R
    c.sim.threads = 2;
    c.dmft.warmStart = "ode"; // the replicas' set-up right after the ODE (a pilot would come first)
    neverConverge(c);
    std::atomic<bool> cancel { false };
    EngineResult r;
    std::thread worker([&] { r = runEngine("dmft", c, {}, &cancel); });
    std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
    const auto t0 = std::chrono::steady_clock::now();
    cancel = true;
    worker.join();
    const double ms
        = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    qInfo("cancel %d ms after the start returned after %.1f ms: %s", delayMs, ms, r.message.c_str());
    QVERIFY2(r.status == Status::Cancelled, r.message.c_str());
    // The requirement is 100 ms; the assertion allows for a loaded shared machine.
    QVERIFY2(ms < 500.0, QByteArray::number(ms));
}

void TestDmftStatus::divergesNamingTheParameter()
{
    RunConfig c = small("linear-regression");
    c.optimizer.tau = 5.0;
    c.time.horizon = 30.0;
    c.time.steps = 40;
    const EngineResult r = runEngine("dmft", c);
    QVERIFY2(r.status == Status::Diverged, r.message.c_str());
    QVERIFY(r.message.find("optimizer.tau") != std::string::npos);
    // the fixed point itself explodes: the default start finds that while it marches
    QVERIFY2(r.message.find("while marching forward in time") != std::string::npos, r.message.c_str());
}

void TestDmftStatus::refusesRelu()
{
    RunConfig c = small("linear-regression");
    c.problem.activation = Activation::Relu;
    c.problem.width = 2; // a ReLU student is accepted for k = 1 only (test_dmft_relu)
    const EngineCheck err = checkEngine("dmft", c);
    QVERIFY(test::checkMessage(err).find("relu") != std::string::npos);
    QVERIFY(test::blames(err, "model.width") && test::blames(err, "model.activation"));
    const EngineResult r = runEngine("dmft", c);
    QVERIFY(r.status == Status::InvalidInput);
    QCOMPARE(r.message, err->message);
    QVERIFY(!checkEngine("sgf", c));
    QVERIFY(!checkEngine("ode", c));
}

void TestDmftStatus::refusesTooMuchMemory()
{
    RunConfig c = presetConfig("committee-erf");
    c.time.steps = 2000;
    c.dmft.paths = 100000;
    c.dmft.tangentPaths = 10000;
    const EngineCheck check = checkEngine("dmft", c);
    const std::string err = test::checkMessage(check);
    QVERIFY2(
        err.find("GiB") != std::string::npos && err.find("time.steps") != std::string::npos, err.c_str());
    for (const char *key : { "time.steps", "dmft.paths", "dmft.tangent_paths", "dmft.replicas" })
        QVERIFY2(test::blames(check, key), key);
    QVERIFY(!test::blames(check, "model.width"));
    QVERIFY(dmftMemoryBytes(c) > kDmftMemoryLimit);
    const EngineResult r = runEngine("dmft", c);
    QVERIFY(r.status == Status::InvalidInput);
    QVERIFY(!checkEngine("dmft", presetConfig("committee-erf")));
    // Marching (the default) frees each replica's paths once it has marched, so at most one
    // replica per worker and the first hold paths: with 8 replicas on 2 threads, 3 path sets
    // instead of 8, and no mixer histories; the per-worker transients (a fresh-path replica
    // with its paths, for the laws) stay. 0.59 of the iterated estimate (measured peak at the
    // preset: 0.16 GiB resident against 0.37 GiB estimated).
    RunConfig marched = presetConfig("committee-erf");
    marched.sim.threads = 2;
    RunConfig iterated = marched;
    iterated.dmft.warmStart = "pilot";
    QCOMPARE(QString::fromStdString(marched.dmft.warmStart), QString("march"));
    QVERIFY(dmftMemoryBytes(marched) < 0.65 * dmftMemoryBytes(iterated));
    // With exact second moments (dmft/linearmoments.h) the replicas hold no paths: against the
    // same sizes with sign labels of a tanh teacher, which need them, the paths' share goes
    // (the replicas' states and the laws' fresh paths stay). Measured peak of the preset's
    // DMFT with laws: 0.66 GiB resident against 0.79 GiB estimated.
    RunConfig linear = presetConfig("linear-regression");
    linear.sim.threads = 2;
    RunConfig tanhTeacher = linear;
    tanhTeacher.problem.teacherActivation = Activation::Tanh;
    tanhTeacher.problem.labels = Labels::Sign;
    QVERIFY(closesOnSecondMoments(linear) && !closesOnSecondMoments(tanhTeacher));
    qInfo("linear regression at N = %d: %.0f MB estimated with exact moments, %.0f MB with paths",
        linear.time.steps, dmftMemoryBytes(linear) / 1048576.0, dmftMemoryBytes(tanhTeacher) / 1048576.0);
    QVERIFY(dmftMemoryBytes(linear) < 0.9 * dmftMemoryBytes(tanhTeacher));
    // Full-batch GD (τ = 0) draws no Brownian increments and stores no s / α per path and step
    // (DmftReplica::drawPaths): lower by at least one replica's P × (N + 1) doubles. Measured
    // peaks of the logistic preset's DMFT (CLI, 2 threads): 88 MB resident at τ = 0 against
    // 144 MB estimated, 135 MB at its τ = η/B against 219 MB.
    RunConfig sgd = presetConfig("logistic-regression");
    RunConfig gd = sgd;
    gd.optimizer.tau = 0.0;
    QVERIFY(dmftMemoryBytes(sgd) - dmftMemoryBytes(gd) >= 8.0 * (sgd.time.steps + 1.0) * sgd.dmft.paths);
}

// The registry's DMFT check (dmft/dmftcheck.h, structured) and the solver's own refusal
// (checkDmft, prose) must refuse the same configs with the same words, on one process and on
// several, until the solver asks the structured check itself.
void TestDmftStatus::structuredCheckSaysWhatTheSolverSays()
{
    std::vector<RunConfig> configs;
    configs.push_back(presetConfig("committee-erf"));
    RunConfig relu = small("linear-regression");
    relu.problem.activation = Activation::Relu;
    configs.push_back(relu);
    relu.problem.width = 2;
    configs.push_back(relu);
    relu.problem.width = 1;
    relu.optimizer.tau = 0.0;
    configs.push_back(relu);
    relu.optimizer.tau.reset();
    relu.init.q0 = 0.0;
    configs.push_back(relu);
    RunConfig odd = small("linear-regression");
    odd.dmft.continuousTime = "extrapolate";
    odd.time.steps = 41;
    configs.push_back(odd);
    RunConfig huge = presetConfig("committee-erf");
    huge.time.steps = 2000;
    huge.dmft.paths = 100000;
    configs.push_back(huge);
    int refused = 0;
    for (std::size_t i = 0; i < configs.size(); ++i) {
        QVERIFY2(validate(configs[i]).empty(), validate(configs[i]).c_str());
        for (int ranks : { 1, 2 }) {
            const EngineCheck check = checkDmftConfig(configs[i], ranks);
            QCOMPARE(test::checkMessage(check), checkDmft(configs[i], ranks));
            if (check) {
                QVERIFY(!check->keys.empty());
                for (const std::string &key : check->keys)
                    QVERIFY2(findField(key), key.c_str()); // every key is a schema key
            }
            refused += check ? 1 : 0;
        }
    }
    QCOMPARE(refused, 2 * 5); // all but the preset and the k = 1 ReLU student
}

void TestDmftStatus::noWarmStart()
{
    RunConfig c = small("linear-regression");
    c.dmft.warmStart = "none";
    DmftSolver a(c);
    const EngineResult ra = a.run();
    c.dmft.warmStart = "ode";
    DmftSolver b(c);
    const EngineResult rb = b.run();
    QVERIFY2(
        ra.status == Status::Converged && rb.status == Status::Converged, (ra.message + rb.message).c_str());
    QCOMPARE(QString::fromStdString(a.warmStartUsed()), QString("none"));
    QCOMPARE(QString::fromStdString(b.warmStartUsed()), QString("ode"));
    // same random numbers, same fixed point from either start (within the tolerance)
    for (int n = 0; n <= c.time.steps; ++n)
        DMFT_COMPARE_TOL(ra.curves.Q[0].mean[n], rb.curves.Q[0].mean[n], 5e-3);
    qInfo("iterations: no-learning start %d, ode warm start %d", ra.curves.iterations, rb.curves.iterations);
}

void TestDmftStatus::andersonMixingSameFixedPointFewerIterations_data()
{
    QTest::addColumn<QString>("preset");
    QTest::newRow("logistic-regression") << "logistic-regression";
    QTest::newRow("committee-erf") << "committee-erf";
}

void TestDmftStatus::andersonMixingSameFixedPointFewerIterations()
{
    // The same sampled map (common random numbers) iterated with plain damping and with
    // Anderson mixing: one fixed point, reached in fewer iterations with mixing. Solved to
    // a tight tolerance so that the two iterates sit well within 1e-4 of that point.
    QFETCH(QString, preset);
    RunConfig c = small(preset.toStdString());
    c.dmft.warmStart = "none";
    c.dmft.tolerance = 1e-6;
    c.dmft.noiseFraction = 0;
    c.dmft.maxIterations = 300;
    c.dmft.mixingMemory = 0;
    const EngineResult damped = runEngine("dmft", c);
    c.dmft.mixingMemory = 5;
    const EngineResult anderson = runEngine("dmft", c);
    QVERIFY2(damped.status == Status::Converged, damped.message.c_str());
    QVERIFY2(anderson.status == Status::Converged, anderson.message.c_str());
    qInfo("iterations to residual 1e-6: damped %d, Anderson(5) %d", damped.curves.iterations,
        anderson.curves.iterations);
    QVERIFY(anderson.curves.iterations < damped.curves.iterations);
    for (std::size_t e = 0; e < damped.curves.Q.size(); ++e)
        for (int n = 0; n <= c.time.steps; ++n) {
            DMFT_COMPARE_TOL(anderson.curves.Q[e].mean[n], damped.curves.Q[e].mean[n], 1e-4, 1e-4);
            DMFT_COMPARE_TOL(anderson.curves.M[e].mean[n], damped.curves.M[e].mean[n], 1e-4, 1e-4);
        }
}

QTEST_GUILESS_MAIN(TestDmftStatus)
#include "test_dmft_status.moc"
