// The engine registry (core/engine/registry.h): one well-formed entry per engine, the
// legacy helpers agree with it, every engine produces exactly the kernels it declares,
// and an exception from an engine or from a worker thread becomes Status::InternalError
// with its message instead of a crash (or of "invalid input").
#include "config/presets.h"
#include "config/schema.h"
#include "engine/registry.h"
#include "engine/threadexceptions.h"
#include "io/curvesjson.h"
#include "io/files.h"
#include "io/lawfiles.h"
#include "observables/distributions.h"
#include "testutil.h"

#include <set>
#include <stdexcept>
#include <thread>

using namespace dmftlab;

namespace
{

/// A run every engine finishes in well under a second.
RunConfig tinyConfig()
{
    RunConfig c = presetConfig("linear-regression");
    c.time.steps = 8;
    c.time.horizon = 2.0; // SGF at dt = 0.25 stays stable
    c.sim.dimension = 60;
    c.sim.seeds = 2;
    c.sim.threads = 2;
    c.dmft.paths = 200;
    c.dmft.tangentPaths = 50;
    c.dmft.replicas = 2;
    c.dmft.maxIterations = 3;
    return c;
}

/// Another value of `field` that `engine` accepts on `base` (validation and the engine's
/// check), or nothing. Numbers are doubled, halved, moved by one; strings take another
/// choice; null becomes 7 and a number null.
std::optional<RunConfig> changed(const FieldInfo &field, const RunConfig &base, const std::string &engine)
{
    const json value = field.get(base);
    std::vector<json> candidates;
    if (value.is_null())
        candidates = { 7, 7.5 };
    else if (value.is_number()) {
        const double v = value.get<double>();
        for (double x : { 2 * v, v + 1, v / 2, v - 1 })
            candidates.push_back(field.type == FieldType::Int ? json(std::llround(x)) : json(x));
        if (field.type == FieldType::NumberOrNull)
            candidates.push_back(nullptr);
    } else if (value.is_string())
        for (const std::string &choice : field.choices)
            candidates.push_back(choice);
    for (const json &c : candidates) {
        if (c == value || !checkValue(field, c).empty())
            continue;
        RunConfig out = base;
        field.set(out, c);
        if (field.get(out) != value && !checkEngine(engine, out))
            return out;
    }
    return std::nullopt;
}

bool inSections(const FieldInfo &field, const std::vector<std::string> &sections)
{
    const std::string top = field.key.substr(0, field.key.find('.'));
    return std::find(sections.begin(), sections.end(), top) != sections.end();
}

} // namespace

class TestEngineRegistry : public QObject
{
    Q_OBJECT
private slots:
    void entriesAreWellFormed()
    {
        std::set<std::string> names, labels;
        std::set<EngineId> ids;
        for (const EngineInfo &e : engineRegistry()) {
            QVERIFY2(names.insert(e.name).second, e.name.c_str());
            QVERIFY2(labels.insert(e.label).second, e.label.c_str());
            QVERIFY(ids.insert(e.id).second);
            QVERIFY(!e.detail.empty() && !e.summary.empty() && !e.kernels.empty());
            QVERIFY(e.check && e.run);
            QCOMPARE(&engineInfo(e.id), &e);
            QCOMPARE(findEngine(e.name), &e);
            QCOMPARE(engineLabel(e.name), e.label);
            QCOMPARE(isSgfType(e.name), e.sgfType);
            // Every theory engine is SGF-type; a fixed training set is a simulation's.
            QVERIFY(e.isSimulation() || e.sgfType);
            QVERIFY(!e.finiteSamples || e.isSimulation());
            QVERIFY(e.produces("C_theta"));
        }
        QCOMPARE(ids.size(), std::size_t(5)); // every EngineId has its entry
        QCOMPARE(engineNames().size(), engineRegistry().size());
        QCOMPARE(engineNameList(), std::string("sgd, sgf, online, dmft, ode"));
        QVERIFY(!findEngine("SGF") && !isKnownEngine("") && engineLabel("x") == "x");
        const EngineCheck unknown = checkEngine("nope", tinyConfig());
        QVERIFY(unknown && unknown->keys.empty()); // not a config key's fault
        QVERIFY(unknown->message.find("known: sgd, sgf, online, dmft, ode") != std::string::npos);
    }

    // Engine checks are data: each refusal names the config keys at fault (all of them schema
    // keys, the one the row changed among them), and the engine refuses the same config with
    // the same message when it is run.
    void checksBlameTheirKeys_data()
    {
        QTest::addColumn<QString>("engine");
        QTest::addColumn<int>("change");
        QTest::addColumn<QString>("key");
        QTest::newRow("sgf: d below k + k*") << "sgf" << 0 << "sim.dimension";
        QTest::newRow("sgd: tau set apart from eta/B") << "sgd" << 1 << "optimizer.tau";
        QTest::newRow("sgd: batch above n") << "sgd" << 2 << "optimizer.batch_size";
        QTest::newRow("online: eta ridge / d >= 1") << "online" << 3 << "optimizer.ridge";
        QTest::newRow("sgf: memory") << "sgf" << 4 << "sim.dimension";
        QTest::newRow("ode: memory") << "ode" << 5 << "time.steps";
        QTest::newRow("dmft: odd steps to extrapolate") << "dmft" << 6 << "dmft.continuous_time";
        QTest::newRow("dmft: memory") << "dmft" << 7 << "dmft.paths";
        QTest::newRow("validation first: alpha") << "sgf" << 8 << "data.alpha";
    }
    void checksBlameTheirKeys()
    {
        QFETCH(QString, engine);
        QFETCH(int, change);
        QFETCH(QString, key);
        RunConfig c = tinyConfig();
        QVERIFY(!checkEngine(engine.toStdString(), c));
        switch (change) {
        case 0:
            c.sim.dimension = 2;
            break; // k + k* = 2 fits; a third unit does not
        case 1:
            c.optimizer.tau = 0.123;
            break;
        case 2:
            c.optimizer.batchSize = c.samples() + 1;
            break;
        case 3:
            c.problem.ridge = 1000.0;
            c.optimizer.learningRate = 0.5;
            break;
        case 4:
            c.sim.dimension = 400000;
            c.alpha = 100.0;
            break;
        case 5:
            c.time.steps = 5000;
            c.problem.width = 8;
            break;
        case 6:
            c.dmft.continuousTime = "extrapolate";
            c.time.steps = 9;
            break;
        case 7:
            c.dmft.paths = 50000000;
            break;
        case 8:
            c.alpha = -1.0;
            break;
        }
        if (change == 0)
            c.problem.width = 2, c.init.m0 = Eigen::MatrixXd::Zero(2, 1);
        if (change == 5)
            c.init.m0 = Eigen::MatrixXd::Zero(8, 1);
        const EngineCheck check = checkEngine(engine.toStdString(), c);
        QVERIFY2(test::blames(check, key.toStdString()), test::checkMessage(check).c_str());
        for (const std::string &k : check->keys)
            QVERIFY2(findField(k), k.c_str());
        QVERIFY2(check->message.find('{') == std::string::npos, check->message.c_str()); // configerror.h
        const EngineResult r = runEngine(engine.toStdString(), c); // refused before it allocates
        QCOMPARE(int(r.status), int(Status::InvalidInput));
        QCOMPARE(r.message, check->message);
    }

    // The kernels an engine declares are exactly those its result carries (the figures and
    // the CLI's file list trust the table).
    void everyEngineProducesItsDeclaredKernels_data()
    {
        QTest::addColumn<QString>("engine");
        for (const EngineInfo &e : engineRegistry())
            QTest::newRow(e.name.c_str()) << QString::fromStdString(e.name);
    }
    void everyEngineProducesItsDeclaredKernels()
    {
        QFETCH(QString, engine);
        const EngineInfo *info = findEngine(engine.toStdString());
        QVERIFY(info);
        const EngineResult r = runEngine(info->name, tinyConfig());
        QVERIFY2(r.status == Status::Completed || r.status == Status::Converged
                || r.status == Status::MaxIterations,
            r.message.c_str());
        QCOMPARE(r.curves.engine, info->name);
        for (const auto &kf : io::kernelFiles()) {
            const bool has = !(r.curves.*(kf.kernel)).empty();
            QVERIFY2(has == info->produces(kf.stem), (info->name + " / " + kf.stem).c_str());
        }
        QCOMPARE(!r.curves.residuals.empty(), info->fixedPoint);
    }

    // Results are reused across a change of the sections an engine ignores (resultKey:
    // sweeps over d reuse the DMFT, the window keeps it when only d changed). So every key
    // of them is changed here and the result must stay the same bit for bit (curves,
    // kernels, residuals, status); the key must stay the same there and change with every
    // other key that affects results.
    void ignoredSectionsChangeNoNumber_data()
    {
        QTest::addColumn<QString>("engine");
        for (const EngineInfo &e : engineRegistry())
            QTest::newRow(e.name.c_str()) << QString::fromStdString(e.name);
    }
    void ignoredSectionsChangeNoNumber()
    {
        QFETCH(QString, engine);
        const EngineInfo *info = findEngine(engine.toStdString());
        QVERIFY(info);
        RunConfig base = tinyConfig();
        base.output.distributionTimes = { 1.0, 2.0 }; // the laws, too
        const std::string baseKey = resultKey(info->name, base);
        const EngineResult reference = runEngine(info->name, base);
        // The laws as the CLI writes them (θ and r histograms), empty for an engine without.
        auto laws = [&base](const EngineResult &r) {
            if (!r.distributions)
                return std::string();
            const EngineLaws l = engineLaws(*r.distributions, base.teacherPrior, 20);
            return io::lawCsv(l, true) + io::lawCsv(l, false);
        };
        const std::string referenceLaws = laws(reference);
        QVERIFY2(reference.status == Status::Completed || reference.status == Status::Converged
                || reference.status == Status::MaxIterations,
            reference.message.c_str());
        const std::string referenceCurves = io::curvesToJson(reference.curves).dump();
        int ignoredKeys = 0, expected = 0;
        for (const FieldInfo &field : configSchema()) {
            const bool ignored = inSections(field, info->ignoredSections);
            expected += ignored || (!field.affectsResults && field.key != ConfigKey::Preset);
            const std::optional<RunConfig> other = changed(field, base, info->name);
            if (!other) {
                // every ignored key must be exercised; others may have no second valid value here
                QVERIFY2(!ignored, ("no other valid value of " + field.key).c_str());
                continue;
            }
            const std::string key = resultKey(info->name, *other);
            if (!ignored && field.affectsResults) {
                QVERIFY2(key != baseKey, (field.key + " must be part of the key").c_str());
                continue;
            }
            QVERIFY2(key == baseKey, (field.key + " must not be part of the key").c_str());
            const EngineResult r = runEngine(info->name, *other);
            QVERIFY2(r.status == reference.status, (field.key + ": " + r.message).c_str());
            QVERIFY2(io::curvesToJson(r.curves).dump() == referenceCurves,
                (field.key + " changed the result").c_str());
            QVERIFY2(laws(r) == referenceLaws, (field.key + " changed the laws").c_str());
            ++ignoredKeys;
        }
        // every key of the sections and sim.threads (it changes no number of any engine)
        QCOMPARE(ignoredKeys, expected);
        QCOMPARE(referenceLaws.empty(), info->id == EngineId::Ode); // the ODE records no laws
        QVERIFY(expected >= 6);
    }

    // A throwing progress callback stands for any bug inside an engine. Simulations call it
    // from their worker std::threads (2 threads here): before, that terminated the process.
    void exceptionsBecomeInternalError_data()
    {
        QTest::addColumn<QString>("engine");
        for (const EngineInfo &e : engineRegistry())
            QTest::newRow(e.name.c_str()) << QString::fromStdString(e.name);
    }
    void exceptionsBecomeInternalError()
    {
        QFETCH(QString, engine);
        const auto thrower = [](const ProgressReport &) { throw std::runtime_error("boom in a callback"); };
        const EngineResult r = runEngine(engine.toStdString(), tinyConfig(), thrower);
        QVERIFY2(r.status == Status::InternalError, r.message.c_str());
        QCOMPARE(toString(r.status), std::string("internal_error"));
        QVERIFY2(r.message == "internal error in " + engine.toStdString() + ": boom in a callback",
            r.message.c_str());
        QCOMPARE(r.curves.engine, engine.toStdString());
    }

    void threadExceptionsKeepTheFirstAndRethrowAfterJoin()
    {
        ThreadExceptions errors;
        QVERIFY(!errors.failed());
        std::vector<std::thread> pool;
        for (int i = 0; i < 4; ++i)
            pool.emplace_back([&errors, i] {
                errors.guard([i] {
                    if (i % 2 == 1)
                        throw std::runtime_error("chunk failed");
                });
            });
        for (auto &t : pool)
            t.join();
        QVERIFY(errors.failed());
        try {
            errors.rethrow();
            QFAIL("no exception rethrown");
        } catch (const std::runtime_error &e) {
            QCOMPARE(std::string(e.what()), std::string("chunk failed"));
        }
        ThreadExceptions clean;
        clean.guard([](int) {}, 3);
        clean.rethrow(); // nothing to rethrow
        QVERIFY(!clean.failed());
    }

    void statusRoundTrips()
    {
        for (Status s : { Status::Running, Status::Completed, Status::Converged, Status::MaxIterations,
                 Status::Diverged, Status::Cancelled, Status::InvalidInput, Status::InternalError })
            QVERIFY2(statusFromString(toString(s)) == std::optional<Status>(s), toString(s).c_str());
        QVERIFY(!statusFromString("done"));
    }
};

QTEST_GUILESS_MAIN(TestEngineRegistry)
#include "test_engine_registry.moc"
