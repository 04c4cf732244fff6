// Core sweep engine (issue 11): --vary parsing and validation against the config schema,
// most-informative-first point order, scalars, sweep points equal to single runs of the
// same configuration (bitwise, also with points side by side on one thread each, since no
// engine's result depends on sim.threads), the result cache, and cancel leaving a
// consistent state.
#include "config/presets.h"
#include "engine/engine.h"
#include "sweep/configdifference.h"
#include "sweep/sweepaxis.h"
#include "sweep/sweeporder.h"
#include "sweep/sweepplan.h"
#include "sweep/sweeprunner.h"
#include "sweep/sweepscalar.h"
#include "testutil.h"

#include <algorithm>
#include <set>

using namespace dmftlab;

namespace
{
/// Linear regression at test sizes: a point of every engine takes milliseconds.
json tinyBase()
{
    json tree = findPreset("linear-regression")->overrides;
    tree["preset"] = "linear-regression";
    for (const char *s :
        { "time.steps=10", "time.horizon=2", "sim.dimension=40", "sim.seeds=2", "sim.threads=1",
            "dmft.paths=300", "dmft.tangent_paths=100", "dmft.replicas=2", "dmft.max_iterations=8" })
        applySetting(tree, s);
    return tree;
}

SweepSpec tinySpec(const std::vector<std::string> &vary, const std::vector<std::string> &engines,
    const std::vector<std::string> &scalars)
{
    SweepSpec spec;
    spec.base = tinyBase();
    for (const auto &v : vary) {
        SweepAxis axis;
        const std::string err = parseSweepAxis(v, &axis);
        if (!err.empty())
            qFatal("%s", err.c_str());
        spec.axes.push_back(axis);
    }
    spec.engines = engines;
    spec.scalars = scalars;
    return spec;
}

bool sameEstimate(const Estimate &a, const Estimate &b)
{
    if (a.mean.size() != b.mean.size())
        return false;
    for (std::size_t n = 0; n < a.mean.size(); ++n)
        if (!(a.mean[n] == b.mean[n] || (std::isnan(a.mean[n]) && std::isnan(b.mean[n]))))
            return false;
    return true;
}
} // namespace

class TestSweep : public QObject
{
    Q_OBJECT
private slots:
    void parsesAxes_data();
    void parsesAxes();
    void refusesBadAxes_data();
    void refusesBadAxes();
    void spreadOrderEndsThenMidpoints();
    void gridOrderCoarseToFine();
    void planRefusesBeforeRunning_data();
    void planRefusesBeforeRunning();
    void scalarsOnKnownCurves();
    void familyEqualsSingleRuns();
    void phaseDiagramEqualsSingleRuns();
    void cacheAvoidsRecomputing();
    void cancelKeepsConsistentState();
    void pointsSideBySideEqualSingleRuns();
    void cancelSideBySideKeepsConsistentState();
    void beforePointOnlyWhileAPointIsLeft();
    void differenceNamesTheParameters();
};

void TestSweep::parsesAxes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("values");
    QTest::newRow("list") << "data.alpha=0.5,1,4"
                          << "[0.5,1,4]";
    QTest::newRow("strings") << "model.loss=square,logistic"
                             << "[\"square\",\"logistic\"]";
    QTest::newRow("lin") << "optimizer.tau=lin:0:1:5"
                         << "[0.0,0.25,0.5,0.75,1.0]";
    QTest::newRow("log") << "data.alpha=log:1:100:3"
                         << "[1.0,10.0,100.0]";
    QTest::newRow("log integer key") << "optimizer.batch_size=log:1:16:5"
                                     << "[1,2,4,8,16]";
    QTest::newRow("lin integer key") << "sim.dimension=lin:100:400:4"
                                     << "[100,200,300,400]";
    QTest::newRow("single") << "data.alpha=lin:2:2:1"
                            << "[2.0]";
}

void TestSweep::parsesAxes()
{
    QFETCH(QString, text);
    QFETCH(QString, values);
    SweepAxis axis;
    const std::string err = parseSweepAxis(text.toStdString(), &axis);
    QVERIFY2(err.empty(), err.c_str());
    const json expected = json::parse(values.toStdString());
    QCOMPARE(int(axis.values.size()), int(expected.size()));
    for (std::size_t i = 0; i < expected.size(); ++i) {
        if (expected[i].is_number_float())
            DMFT_COMPARE_TOL(axis.values[i].get<double>(), expected[i].get<double>(), 1e-12, 1e-12);
        else
            QCOMPARE(
                QString::fromStdString(axis.values[i].dump()), QString::fromStdString(expected[i].dump()));
    }
}

void TestSweep::refusesBadAxes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("no =") << "data.alpha"
                          << "KEY=VALUES";
    QTest::newRow("unknown key") << "data.beta=1,2"
                                 << "unknown key 'data.beta'";
    QTest::newRow("section") << "optimizer=1,2"
                             << "section";
    QTest::newRow("lin parts") << "data.alpha=lin:1:2"
                               << "lin:FROM:TO:COUNT";
    QTest::newRow("lin count") << "data.alpha=lin:1:2:x"
                               << "COUNT";
    QTest::newRow("log negative") << "data.alpha=log:-1:2:3"
                                  << "FROM > 0";
    QTest::newRow("duplicate") << "data.alpha=1,2,1"
                               << "twice";
    QTest::newRow("integer collision") << "optimizer.batch_size=lin:1:2:5"
                                       << "twice";
    QTest::newRow("empty value") << "data.alpha=1,,2"
                                 << "empty value";
}

void TestSweep::refusesBadAxes()
{
    QFETCH(QString, text);
    QFETCH(QString, mentions);
    SweepAxis axis;
    const std::string err = parseSweepAxis(text.toStdString(), &axis);
    QVERIFY2(QString::fromStdString(err).contains(mentions), err.c_str());
}

void TestSweep::spreadOrderEndsThenMidpoints()
{
    QVERIFY(spreadOrder(1) == std::vector<int>({ 0 }));
    QVERIFY(spreadOrder(2) == std::vector<int>({ 0, 1 }));
    QVERIFY(spreadOrder(5) == std::vector<int>({ 0, 4, 2, 1, 3 }));
    const auto o = spreadOrder(9);
    QVERIFY(std::vector<int>(o.begin(), o.begin() + 5) == std::vector<int>({ 0, 8, 4, 2, 6 }));
    for (int n = 1; n < 40; ++n) { // a permutation
        auto p = spreadOrder(n);
        std::sort(p.begin(), p.end());
        for (int i = 0; i < n; ++i)
            QCOMPARE(p[i], i);
    }
}

void TestSweep::gridOrderCoarseToFine()
{
    const auto order = gridOrder(8, 8);
    QCOMPARE(int(order.size()), 64);
    std::set<std::pair<int, int>> seen(order.begin(), order.end());
    QCOMPARE(int(seen.size()), 64);
    // The first 16 points are the 4×4 sub-grid of the first four values of each axis.
    const auto first = spreadOrder(8);
    const std::set<int> coarse(first.begin(), first.begin() + 4);
    for (int p = 0; p < 16; ++p)
        QVERIFY(coarse.count(order[p].first) && coarse.count(order[p].second));
    // ... and it starts with the four corners.
    const std::set<std::pair<int, int>> corners = { { 0, 0 }, { 0, 7 }, { 7, 0 }, { 7, 7 } };
    for (int p = 0; p < 4; ++p)
        QVERIFY(corners.count(order[p]));
}

void TestSweep::planRefusesBeforeRunning_data()
{
    QTest::addColumn<QStringList>("vary");
    QTest::addColumn<QString>("engines");
    QTest::addColumn<QString>("scalar");
    QTest::addColumn<int>("maxPoints");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("value the schema rejects") << QStringList { "data.alpha=1,-2" } << "dmft"
                                              << "final_test_loss" << 100 << "data.alpha";
    QTest::newRow("wrong type") << QStringList { "optimizer.batch_size=1,2.5" } << "sgd"
                                << "final_test_loss" << 100 << "optimizer.batch_size";
    QTest::newRow("engine refuses") << QStringList { "optimizer.tau=0.1,0.2" } << "sgd"
                                    << "final_test_loss" << 100 << "sgd";
    QTest::newRow("unknown scalar") << QStringList { "data.alpha=1,2" } << "dmft"
                                    << "final_loss" << 100 << "unknown scalar";
    QTest::newRow("gap without sim") << QStringList { "data.alpha=1,2" } << "dmft"
                                     << "dmft_sim_gap" << 100 << "needs engine sgf";
    QTest::newRow("scalar engine") << QStringList { "data.alpha=1,2" } << "dmft"
                                   << "final_test_loss@sgf" << 100 << "not among";
    QTest::newRow("Q entry beyond k") << QStringList { "data.alpha=1,2" } << "dmft"
                                      << "final_Q_2_1" << 100 << "model.width";
    QTest::newRow("too many points") << QStringList { "data.alpha=lin:1:4:20", "optimizer.tau=lin:0.1:1:20" }
                                     << "dmft"
                                     << "final_test_loss" << 100 << "400 points";
    QTest::newRow("same key twice") << QStringList { "data.alpha=1,2", "data.alpha=3,4" } << "dmft"
                                    << "final_test_loss" << 100 << "twice";
    QTest::newRow("too long") << QStringList { "data.alpha=1,2" } << "sgf"
                              << "final_test_loss" << 100 << "rough estimate";
    QTest::newRow("gap with reshuffled epochs") << QStringList { "data.alpha=1,2" } << "sgd,sgf"
                                                << "sgd_sgf_gap" << 100 << "sim.sampling=replacement";
    QTest::newRow("too much memory") << QStringList { "data.alpha=lin:1:4:50" } << "dmft"
                                     << "final_test_loss" << 100 << "of memory";
}

void TestSweep::planRefusesBeforeRunning()
{
    QFETCH(QStringList, vary);
    QFETCH(QString, engines);
    QFETCH(QString, scalar);
    QFETCH(int, maxPoints);
    QFETCH(QString, mentions);
    std::vector<std::string> v;
    for (const auto &s : vary)
        v.push_back(s.toStdString());
    std::vector<std::string> e;
    for (const auto &name : engines.split(','))
        e.push_back(name.toStdString());
    SweepSpec spec = tinySpec(v, e, { scalar.toStdString() });
    if (QString(QTest::currentDataTag()) == "too long") {
        spec.base["sim"]["seeds"] = 10000;
        spec.base["sim"]["dimension"] = 8000;
        spec.base["time"]["steps"] = 1000;
    }
    if (QString(QTest::currentDataTag()) == "too much memory")
        spec.base["time"]["steps"] = 1500; // 50 points' kernels: 50 × several (N + 1)² doubles
    SweepLimits limits;
    limits.maxPoints = maxPoints;
    SweepPlan plan;
    const std::string err = makeSweepPlan(spec, &plan, limits);
    QVERIFY2(QString::fromStdString(err).contains(mentions), err.c_str());
    if (QString(QTest::currentDataTag()) == "gap with reshuffled epochs") { // the fix it names
        applySetting(spec.base, "sim.sampling=replacement");
        const std::string fixed = makeSweepPlan(spec, &plan, limits);
        QVERIFY2(fixed.empty(), fixed.c_str());
    }
}

void TestSweep::scalarsOnKnownCurves()
{
    // A loss 1 - t/4 on t = 0..2 (5 points): reaches 0.6 at t = 1.6, min at t = 2.
    Curves c;
    c.allocate(1, 1, { 0.0, 0.5, 1.0, 1.5, 2.0 });
    c.validPoints = 5;
    for (int n = 0; n < 5; ++n) {
        c.testLoss.mean[n] = 1 - c.t[n] / 4;
        c.testLoss.se[n] = 0.01;
        c.trainLoss.mean[n] = 2.0;
        c.trainLoss.se[n] = 0.1;
        c.Q[0].mean[n] = 1 + c.t[n];
        c.Q[0].se[n] = 0.0;
        c.M[0].mean[n] = 0.5 * c.t[n];
        c.testError.mean[n] = 0.25;
        c.testError.se[n] = 0.02;
    }
    EngineResult r;
    r.status = Status::Completed;
    r.curves = c;
    r.curves.engine = "sgf";
    const std::map<std::string, const EngineResult *> results = { { "sgf", &r } };
    auto eval = [&](const std::string &name) {
        SweepScalar s;
        const std::string err = parseSweepScalar(name, { "sgf" }, &s);
        if (!err.empty())
            qFatal("%s", err.c_str());
        return evaluateScalar(s, results);
    };
    DMFT_COMPARE_TOL(eval("final_test_loss").value, 0.5, 1e-15);
    DMFT_COMPARE_TOL(eval("final_test_loss").se, 0.01, 1e-15);
    DMFT_COMPARE_TOL(eval("final_Q_1_1").value, 3.0, 1e-15);
    DMFT_COMPARE_TOL(eval("final_M_1_1").value, 1.0, 1e-15);
    DMFT_COMPARE_TOL(eval("final_train_loss").value, 2.0, 1e-15);
    DMFT_COMPARE_TOL(eval("final_train_loss").se, 0.1, 1e-15);
    DMFT_COMPARE_TOL(eval("final_test_error").value, 0.25, 1e-15);
    DMFT_COMPARE_TOL(eval("final_test_error").se, 0.02, 1e-15);
    DMFT_COMPARE_TOL(eval("min_test_loss").value, 0.5, 1e-15);
    DMFT_COMPARE_TOL(eval("min_test_loss_time").value, 2.0, 1e-15);
    DMFT_COMPARE_TOL(eval("time_to_test_loss:0.6").value, 1.6, 1e-12);
    // Delta method: SE(loss) / |slope| = 0.01 / 0.25.
    DMFT_COMPARE_TOL(eval("time_to_test_loss:0.6").se, 0.04, 1e-12);
    QVERIFY(std::isnan(eval("time_to_test_loss:0.1").value));
    QVERIFY(std::isnan(eval("time_to_train_loss:1").value));
    // A diverged run has no final value.
    r.status = Status::Diverged;
    r.curves.validPoints = 3;
    QVERIFY(std::isnan(eval("final_test_loss").value));
    // The gap: a copy shifted by 3 combined SEs at one time.
    Curves shifted = c;
    shifted.testLoss.mean[2] += 3 * std::hypot(0.01, 0.01);
    DMFT_COMPARE_TOL(worstGapInSe(c, shifted), 3.0, 1e-9);
    // The SGD−SGF gap is that gap between the sgd and sgf results of a point.
    EngineResult sgd;
    sgd.status = Status::Completed;
    sgd.curves = shifted;
    sgd.curves.engine = "sgd";
    r.status = Status::Completed;
    r.curves.validPoints = 5;
    SweepScalar gap;
    QVERIFY(parseSweepScalar("sgd_sgf_gap", { "sgd", "sgf" }, &gap).empty());
    DMFT_COMPARE_TOL(evaluateScalar(gap, { { "sgf", &r }, { "sgd", &sgd } }).value, 3.0, 1e-9);
    QVERIFY(std::isnan(evaluateScalar(gap, results).value)); // without sgd: no gap
}

void TestSweep::familyEqualsSingleRuns()
{
    const SweepSpec spec = tinySpec({ "data.alpha=0.5,1,2" }, { "dmft", "sgf" },
        { "final_test_loss", "final_test_loss@sgf", "dmft_sim_gap", "dmft_iterations" });
    SweepPlan plan;
    const std::string err = makeSweepPlan(spec, &plan);
    QVERIFY2(err.empty(), err.c_str());
    QVERIFY(plan.order == std::vector<int>({ 0, 2, 1 }));
    SweepRunner runner(plan);
    std::vector<int> finished;
    QVERIFY(runner.run([&](int p, const SweepPointResult &) { finished.push_back(p); }) == Status::Completed);
    QVERIFY(finished == std::vector<int>({ 0, 2, 1 }));
    for (int p = 0; p < 3; ++p) {
        // The same configuration as `run --preset ... --set data.alpha=VALUE`.
        json tree = tinyBase();
        applySetting(tree, "data.alpha=" + spec.axes[0].values[p].dump());
        const RunConfig c = *configFromJson(tree).config;
        const SweepPointResult &r = runner.result(p);
        for (const std::string engine : { "sgf", "dmft" }) {
            const EngineResult single = runEngine(engine, c);
            const Curves &sweep = r.results.at(engine)->curves;
            QVERIFY(sameEstimate(sweep.testLoss, single.curves.testLoss));
            QVERIFY(sameEstimate(sweep.trainLoss, single.curves.trainLoss));
            QVERIFY(sameEstimate(sweep.M[0], single.curves.M[0]));
            QVERIFY(sweep.Ctheta.mean[0] == single.curves.Ctheta.mean[0]);
            const double final = single.curves.testLoss.mean.back();
            QCOMPARE(r.scalars[engine == "dmft" ? 0 : 1].value, final);
            if (engine == "dmft")
                QCOMPARE(r.iterations, single.curves.iterations);
        }
        QVERIFY(std::isfinite(r.scalars[2].value));
        QCOMPARE(r.scalars[3].value, double(r.iterations));
    }
}

void TestSweep::phaseDiagramEqualsSingleRuns()
{
    const SweepSpec spec
        = tinySpec({ "data.alpha=1,2,3", "optimizer.tau=0,0.5,1" }, { "dmft" }, { "final_test_loss" });
    SweepPlan plan;
    QVERIFY(makeSweepPlan(spec, &plan).empty());
    QCOMPARE(int(plan.points.size()), 9);
    SweepRunner runner(plan);
    QVERIFY((runner.run()) == Status::Completed);
    for (int p : { 0, 4, 8 }) {
        json tree = tinyBase();
        applySetting(tree, "data.alpha=" + spec.axes[0].values[plan.points[p].i].dump());
        applySetting(tree, "optimizer.tau=" + spec.axes[1].values[plan.points[p].j].dump());
        const EngineResult single = runEngine("dmft", *configFromJson(tree).config);
        QCOMPARE(runner.result(p).scalars[0].value, single.curves.testLoss.mean.back());
        QCOMPARE(runner.result(p).scalars[0].se, single.curves.testLoss.se.back());
    }
}

void TestSweep::cacheAvoidsRecomputing()
{
    auto cache = std::make_shared<ResultCache>();
    SweepPlan coarse, fine;
    QVERIFY(
        makeSweepPlan(tinySpec({ "data.alpha=1,3" }, { "dmft" }, { "final_test_loss" }), &coarse).empty());
    QVERIFY(
        makeSweepPlan(tinySpec({ "data.alpha=1,2,3" }, { "dmft" }, { "final_test_loss" }), &fine).empty());
    SweepRunner first(coarse, cache);
    first.run();
    QCOMPARE(cache->size(), 2);
    // Refining the family computes only the new point.
    SweepRunner second(fine, cache);
    int computed = 0;
    second.run([&](int, const SweepPointResult &r) { computed += r.cached ? 0 : 1; });
    QCOMPARE(computed, 1);
    QCOMPARE(cache->size(), 3);
    QVERIFY(second.result(0).cached && second.result(2).cached && !second.result(1).cached);
    QCOMPARE(second.result(0).results.at("dmft").get(), first.result(0).results.at("dmft").get());
    QCOMPARE(second.result(2).scalars[0].value, first.result(1).scalars[0].value);
}

void TestSweep::cancelKeepsConsistentState()
{
    SweepPlan plan;
    QVERIFY(
        makeSweepPlan(tinySpec({ "data.alpha=1,2,3" }, { "dmft" }, { "final_test_loss" }), &plan).empty());
    auto cache = std::make_shared<ResultCache>();
    SweepRunner runner(plan, cache);
    std::atomic<bool> cancel { false };
    // Cancel from inside the second point's progress: that point must stay pending.
    int seenPoints = 0;
    const Status s = runner.run([&](int, const SweepPointResult &) { ++seenPoints; },
        [&](const ProgressReport &) {
            if (seenPoints == 1)
                cancel.store(true);
        },
        &cancel);
    QVERIFY((s) == Status::Cancelled);
    QCOMPARE(runner.completedPoints(), 1);
    QVERIFY(runner.result(0).done());
    QVERIFY(!runner.result(2).done() && !runner.result(1).done());
    QCOMPARE(cache->size(), 1); // the cancelled run is not cached
    // Resuming computes the rest and keeps the finished point.
    cancel.store(false);
    const double kept = runner.result(0).scalars[0].value;
    QVERIFY((runner.run({}, {}, &cancel)) == Status::Completed);
    QCOMPARE(runner.completedPoints(), 3);
    QCOMPARE(runner.result(0).scalars[0].value, kept);
}

void TestSweep::pointsSideBySideEqualSingleRuns()
{
    SweepSpec spec = tinySpec({ "data.alpha=0.5,1,2,3" }, { "dmft", "sgf" }, { "final_test_loss" });
    applySetting(spec.base, "sim.threads=2");
    applySetting(spec.base, "dmft.paths=1200"); // 4 reduction chunks of 150 paths per replica
    SweepPlan plan;
    QVERIFY(makeSweepPlan(spec, &plan).empty());
    SweepRunner sideBySide(plan), oneByOne(plan);
    QCOMPARE(sideBySide.lanes(), 2);
    oneByOne.setMaxLanes(1);
    QCOMPARE(oneByOne.lanes(), 1);
    std::multiset<int> finished;
    QVERIFY(
        sideBySide.run([&](int p, const SweepPointResult &) { finished.insert(p); }) == Status::Completed);
    QVERIFY(finished == std::multiset<int>({ 0, 1, 2, 3 })); // each point once
    QVERIFY(oneByOne.run() == Status::Completed);
    for (int p = 0; p < 4; ++p) {
        const SweepPointResult &r = sideBySide.result(p);
        for (const std::string engine : { "sgf", "dmft" }) {
            const Curves &sweep = r.results.at(engine)->curves;
            const Curves &alone = oneByOne.result(p).results.at(engine)->curves; // on 2 threads
            QVERIFY(sameEstimate(sweep.testLoss, alone.testLoss));
            QVERIFY(sameEstimate(sweep.trainLoss, alone.trainLoss));
            QVERIFY(sameEstimate(sweep.M[0], alone.M[0]));
            QCOMPARE(sweep.iterations, alone.iterations);
            // and a single run on 1 or 3 threads: the sums are over fixed chunks of paths
            for (int threads : { 1, 3 }) {
                RunConfig c = plan.points[p].config;
                c.sim.threads = threads;
                const EngineResult single = runEngine(engine, c);
                QVERIFY(sameEstimate(sweep.testLoss, single.curves.testLoss));
                QVERIFY(sameEstimate(sweep.trainLoss, single.curves.trainLoss));
                QVERIFY(sameEstimate(sweep.Q[0], single.curves.Q[0]));
            }
        }
        QCOMPARE(r.scalars[0].value, oneByOne.result(p).scalars[0].value);
        QCOMPARE(r.scalars[0].se, oneByOne.result(p).scalars[0].se);
    }
}

void TestSweep::cancelSideBySideKeepsConsistentState()
{
    SweepSpec spec = tinySpec({ "data.alpha=0.5,1,2,3,4" }, { "dmft" }, { "final_test_loss" });
    applySetting(spec.base, "sim.threads=2");
    SweepPlan plan;
    QVERIFY(makeSweepPlan(spec, &plan).empty());
    auto cache = std::make_shared<ResultCache>();
    SweepRunner runner(plan, cache);
    QCOMPARE(runner.lanes(), 2);
    std::atomic<bool> cancel { false };
    // Cancel when the first point is recorded: the other lane's point is cut or discarded
    // (never recorded, never cached) unless it had already finished (then it is kept), and
    // no lane takes a new one.
    std::vector<int> finished;
    const Status s = runner.run(
        [&](int p, const SweepPointResult &) {
            finished.push_back(p);
            cancel.store(true);
        },
        {}, &cancel);
    QVERIFY(s == Status::Cancelled);
    QVERIFY(finished.size() == 1 || finished.size() == 2);
    QCOMPARE(runner.completedPoints(), int(finished.size()));
    QCOMPARE(cache->size(), int(finished.size()));
    for (int p = 0; p < 5; ++p)
        QCOMPARE(runner.result(p).done(), std::find(finished.begin(), finished.end(), p) != finished.end());
    cancel.store(false);
    const double kept = runner.result(finished[0]).scalars[0].value;
    QVERIFY(runner.run({}, {}, &cancel) == Status::Completed);
    QCOMPARE(runner.completedPoints(), 5);
    QCOMPARE(cache->size(), 5);
    QCOMPARE(runner.result(finished[0]).scalars[0].value, kept);
}

// The window's gate (wait while the live run computes) is asked once per point computed, never
// after the last one: a finished sweep finishes, whatever the live run does.
void TestSweep::beforePointOnlyWhileAPointIsLeft()
{
    for (const char *threads : { "sim.threads=1", "sim.threads=2" }) {
        SweepSpec spec = tinySpec({ "data.alpha=1,2,3" }, { "dmft" }, { "final_test_loss" });
        applySetting(spec.base, threads);
        SweepPlan plan;
        QVERIFY(makeSweepPlan(spec, &plan).empty());
        SweepRunner runner(plan);
        std::atomic<int> asked { 0 };
        QVERIFY(runner.run({}, {}, nullptr, [&] { ++asked; }) == Status::Completed);
        QCOMPARE(asked.load(), 3);
        QVERIFY(runner.run({}, {}, nullptr, [&] { ++asked; }) == Status::Completed); // all done
        QCOMPARE(asked.load(), 3);
    }
}

void TestSweep::differenceNamesTheParameters()
{
    const RunConfig live = presetConfig("logistic-regression");
    RunConfig pinned = live;
    QCOMPARE(describeDifference(pinned, live), std::string("same configuration"));
    pinned.optimizer.batchSize = 1;
    QCOMPARE(describeDifference(pinned, live), std::string("B = 1"));
    pinned.alpha = 4;
    pinned.optimizer.tau = 0.5;
    QCOMPARE(describeDifference(pinned, live), std::string("α = 4, B = 1, τ = 0.5"));
    pinned.sim.threads = 7; // does not change results: not a difference
    pinned.preset = "other";
    QCOMPARE(int(differingKeys(pinned, live).size()), 3);
    pinned.init.q0 = 2;
    QCOMPARE(describeDifference(pinned, live), std::string("α = 4, q0 = 2, B = 1, …"));
}

QTEST_GUILESS_MAIN(TestSweep)
#include "test_sweep.moc"
