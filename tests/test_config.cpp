// The config schema: defaults, JSON round trip, --set, presets, one error message per
// kind of bad input (naming its keys), resolution (preset -> file -> --set), dotted keys,
// and the input defects of issue 15 (integer wrap-around, overflowing sizes, deep nesting).
#include "config/configerror.h"
#include "config/jsonpath.h"
#include "config/presets.h"
#include "config/resolve.h"
#include "config/schema.h"
#include "io/jsonparse.h"
#include "testutil.h"

#include <QTemporaryDir>

#include <fstream>

using namespace dmftlab;

class TestConfig : public QObject
{
    Q_OBJECT
private slots:
    void presetsAreValid();
    void roundTrip();
    void derivedQuantities();
    void setAssignments();
    void badInput_data();
    void badInput();
    void schemaCoversEveryKey();
    void everyInvalidFieldAtOnce();
    void dottedKeysMeanNested();
    void resolution();
    void emptyNamesAreErrors();
    void deepNestingIsRefused();
    void jsonPaths();
    void keyConstantsAreSchemaRows();
    void messagesNameTheirKeys();
};

void TestConfig::presetsAreValid()
{
    QVERIFY(presets().size() >= 4);
    for (const char *name :
        { "linear-regression", "logistic-regression", "phase-retrieval", "committee-erf" }) {
        const Preset *p = findPreset(name);
        QVERIFY2(p, name);
        json j = p->overrides;
        const auto r = configFromJson(j);
        QVERIFY2(r.ok(), r.error.c_str());
        QVERIFY(!p->description.empty());
    }
    const RunConfig c = presetConfig("committee-erf");
    QCOMPARE(c.problem.width, 2);
    QCOMPARE(c.problem.teacherWidth, 2);
    QVERIFY(c.M0()(0, 0) != c.M0()(1, 0)); // asymmetric start
    // not permutation symmetric either: swapping units and teacher units changes M0, so the
    // units are no mirror images of each other (M_11 = M_22 forever at d = infinity)
    QVERIFY(c.M0()(0, 0) != c.M0()(1, 1));
    QVERIFY(presetConfig("phase-retrieval").tamingEnabled());
    QVERIFY(!presetConfig("linear-regression").tamingEnabled());
}

void TestConfig::roundTrip()
{
    RunConfig c = presetConfig("committee-erf");
    c.init.m0 = (Eigen::MatrixXd(2, 2) << 0.01, 0.02, 0.03, 0.04).finished();
    c.optimizer.tau = 0.25;
    const json j = configToJson(c, /*withDerived=*/true);
    const auto back = configFromJson(j);
    QVERIFY2(back.ok(), back.error.c_str());
    QCOMPARE(configToJson(*back.config, true).dump(), j.dump());
}

void TestConfig::derivedQuantities()
{
    RunConfig c;
    c.optimizer.learningRate = 0.6;
    c.optimizer.batchSize = 3;
    c.alpha = 2.0;
    c.time.horizon = 4.0;
    DMFT_COMPARE_TOL(c.tau(), 0.2, 1e-15);
    DMFT_COMPARE_TOL(c.epochs(), 4.0 / (2.0 * 0.2), 1e-12);
    c.optimizer.tau = 0.0;
    QVERIFY(std::isinf(c.epochs()));
    QCOMPARE(c.tau(), 0.0);
    QVERIFY(validate(c).empty());
    const json j = configToJson(c, true);
    QVERIFY(j["derived"]["epochs"].is_string());
}

void TestConfig::setAssignments()
{
    json tree = findPreset("linear-regression")->overrides;
    QVERIFY(applySetting(tree, "data.alpha=3.5").empty());
    QVERIFY(applySetting(tree, "model.activation=tanh").empty());
    QVERIFY(applySetting(tree, "optimizer.tau=null").empty());
    QVERIFY(applySetting(tree, "init.m0=[[0.1]]").empty());
    const auto r = configFromJson(tree);
    QVERIFY2(r.ok(), r.error.c_str());
    QCOMPARE(r.config->alpha, 3.5);
    QVERIFY(r.config->problem.activation == Activation::Tanh);
    QVERIFY(!r.config->optimizer.tau);
    QVERIFY(applySetting(tree, "data.beta=1").find("unknown key 'data.beta'") != std::string::npos);
    QVERIFY(!applySetting(tree, "nonsense").empty());
}

void TestConfig::badInput_data()
{
    QTest::addColumn<QString>("patch");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QString>("key"); // ConfigError::keys names it (empty: not checked)
    QTest::newRow("unknown key") << R"({"data": {"alpah": 2}})"
                                 << "unknown key 'data.alpah'"
                                 << "";
    QTest::newRow("unknown section") << R"({"foo": 1})"
                                     << "unknown key 'foo'"
                                     << "";
    QTest::newRow("wrong type") << R"({"model": {"width": "two"}})"
                                << "model.width: expected an integer"
                                << "";
    QTest::newRow("fractional int") << R"({"sim": {"seeds": 2.5}})"
                                    << "sim.seeds: expected an integer"
                                    << "";
    QTest::newRow("alpha zero") << R"({"data": {"alpha": 0}})"
                                << "data.alpha must be"
                                << "";
    QTest::newRow("alpha negative") << R"({"data": {"alpha": -1}})"
                                    << "data.alpha must be"
                                    << "";
    QTest::newRow("negative lr") << R"({"optimizer": {"learning_rate": -0.1}})"
                                 << "optimizer.learning_rate"
                                 << "";
    QTest::newRow("batch zero") << R"({"optimizer": {"batch_size": 0}})"
                                << "optimizer.batch_size must be >= 1"
                                << "";
    QTest::newRow("bad enum") << R"({"model": {"loss": "hinge"}})"
                              << "model.loss: 'hinge' is not one of"
                              << "";
    QTest::newRow("bad activation") << R"({"teacher": {"activation": "sin"}})"
                                    << "teacher.activation"
                                    << "";
    QTest::newRow("m0 shape") << R"({"init": {"m0": [[0.1, 0.2]]}})"
                              << "init.m0 must be"
                              << "";
    QTest::newRow("init not PSD") << R"({"init": {"q0": 0.1, "m0": 0.9}})"
                                  << "positive semidefinite"
                                  << "";
    QTest::newRow("logistic real") << R"({"model": {"loss": "logistic"}})"
                                   << "needs teacher.labels = sign"
                                   << "";
    QTest::newRow("steps zero") << R"({"time": {"steps": 0}})"
                                << "time.steps"
                                << "";
    QTest::newRow("not object") << R"([1, 2])"
                                << "expected an object"
                                << "";
    // Issue 15: integers beyond int range are refused, not wrapped.
    QTest::newRow("steps 2^32+1") << R"({"time": {"steps": 4294967297}})"
                                  << "time.steps must be between 1 and 5000 (got 4294967297)"
                                  << "time.steps";
    QTest::newRow("dimension 2^32+2") << R"({"sim": {"dimension": 4294967298}})"
                                      << "sim.dimension must be at most 2147483647 (got 4294967298)"
                                      << "sim.dimension";
    QTest::newRow("seed negative") << R"({"sim": {"seed": -1}})"
                                   << "sim.seed must be >= 0"
                                   << "sim.seed";
    QTest::newRow("seed 2^64") << R"({"dmft": {"seed": 18446744073709551616}})"
                               << "dmft.seed"
                               << "dmft.seed";
    QTest::newRow("int as float beyond int") << R"({"dmft": {"paths": 3e9}})"
                                             << "dmft.paths must be at most 2147483647"
                                             << "dmft.paths";
    // Derived sizes: n = alpha d must fit an int (it wrapped to n = 100).
    QTest::newRow("n overflows") << R"({"sim": {"dimension": 100000}, "data": {"alpha": 42949.67}})"
                                 << "data.alpha * sim.dimension = n must be at most 2147483647"
                                 << "data.alpha";
    QTest::newRow("d = 2^31-1") << R"({"sim": {"dimension": 2147483647}})"
                                << "data.alpha * sim.dimension = n must be at most"
                                << "sim.dimension";
    QTest::newRow("threads huge") << R"({"sim": {"threads": 2147483647}})"
                                  << "sim.threads must be between 0 and 256"
                                  << "sim.threads";
    QTest::newRow("section as value") << R"({"data": 5})"
                                      << "data: expected an object"
                                      << "data";
    QTest::newRow("newline in value") << "{\"model\": {\"activation\": \"lin\\near\"}}"
                                      << "model.activation: 'lin\\near' is not one of"
                                      << "model.activation";
    QTest::newRow("newline in key") << "{\"model\": {\"wi\\ndth\": 1}}"
                                    << "unknown key 'model.wi\\ndth'"
                                    << "model.wi\ndth";
    QTest::newRow("asymmetry overflow") << R"({"init": {"m0_asymmetry": 1e200}})"
                                        << "Q0 - M0 M0^T overflows"
                                        << "init.m0_asymmetry";
    QTest::newRow("asymmetry not PSD") << R"({"init": {"m0_asymmetry": 2}})"
                                       << "positive semidefinite"
                                       << "init.m0_asymmetry";
    QTest::newRow("tangent > paths") << R"({"dmft": {"paths": 10, "tangent_paths": 20}})"
                                     << "dmft.tangent_paths must be at most dmft.paths = 10"
                                     << "dmft.tangent_paths";
    QTest::newRow("second layer zero") << R"({"model": {"second_layer": 0}})"
                                       << "model.second_layer must be non-zero"
                                       << "model.second_layer";
}

void TestConfig::badInput()
{
    QFETCH(QString, patch);
    QFETCH(QString, expected);
    QFETCH(QString, key);
    json tree;
    QVERIFY(io::parseJson(patch.toStdString(), &tree).empty());
    const auto r = configFromJson(tree);
    QVERIFY(!r.ok());
    QVERIFY2(QString::fromStdString(r.error).contains(expected), r.error.c_str());
    QVERIFY(r.error.find('\n') == std::string::npos);
    QVERIFY(!r.errors.empty());
    QCOMPARE(r.errors.front().message, r.error);
    if (!key.isEmpty()) {
        const auto &keys = r.errors.front().keys;
        QVERIFY2(std::find(keys.begin(), keys.end(), key.toStdString()) != keys.end(), r.error.c_str());
    }
}

void TestConfig::schemaCoversEveryKey()
{
    // Every key configToJson writes has exactly one row with a label, a doc and a default
    // that passes its own check; integer rows have finite bounds.
    const auto leaves = jsonpath::flatten(configToJson(RunConfig {}));
    QCOMPARE(leaves.size(), configSchema().size());
    for (const auto &[key, value] : leaves) {
        const FieldInfo *f = findField(key);
        QVERIFY2(f, key.c_str());
        QVERIFY2(!f->label.empty() && !f->doc.empty(), key.c_str());
        QCOMPARE(f->defaultValue().dump(), value.dump());
        QVERIFY2(checkValue(*f, value).empty(), checkValue(*f, value).c_str());
        if (f->type == FieldType::Int)
            QVERIFY2(std::isfinite(f->min) && std::isfinite(f->max), key.c_str());
        QVERIFY2(f->doc.find('\n') == std::string::npos, key.c_str());
    }
    QVERIFY(validateAll(RunConfig {}).empty());
    QCOMPARE(findField("time.steps")->rangeText(), std::string("1..5000"));
    QCOMPARE(findField("data.alpha")->rangeText(), std::string("> 0"));
    QCOMPARE(findField("dmft.damping")->rangeText(), std::string("in (0, 1]"));
    QCOMPARE(findField("model.loss")->rangeText(), std::string("square|logistic"));
    QVERIFY(isSection("dmft") && !isSection("dmft.paths") && !isSection("nope"));
    // The same table as data (Python's dmftlab.schema()).
    const json table = schemaJson();
    QCOMPARE(table.size(), configSchema().size());
    QCOMPARE(table[0]["key"].get<std::string>(), configSchema()[0].key);
    for (const json &row : table)
        QCOMPARE(row["default"].dump(),
            jsonpath::find(configToJson(RunConfig {}), row["key"].get<std::string>())->dump());
    const json *steps = nullptr;
    for (const json &row : table)
        if (row["key"] == "time.steps")
            steps = &row;
    QVERIFY(steps);
    QCOMPARE((*steps)["min"].get<int>(), 1);
    QCOMPARE((*steps)["max"].get<int>(), 5000);
    QVERIFY(table[1]["choices"].size() == 5); // model.activation
}

void TestConfig::everyInvalidFieldAtOnce()
{
    // Three independent bad values, one bad type and one cross-field rule that involves
    // none of them: all five are reported, each naming its key.
    json tree;
    QVERIFY(io::parseJson(R"({"data": {"alpha": -1}, "time": {"steps": 0}, "sim": {"seeds": "x"},
        "dmft": {"damping": 2}, "model": {"loss": "logistic"}})",
        &tree)
                .empty());
    const auto r = configFromJson(tree);
    QVERIFY(!r.ok());
    std::vector<std::string> keys;
    for (const auto &e : r.errors)
        keys.insert(keys.end(), e.keys.begin(), e.keys.end());
    for (const char *k : { "data.alpha", "time.steps", "sim.seeds", "dmft.damping", "teacher.labels" })
        QVERIFY2(std::find(keys.begin(), keys.end(), k) != keys.end(), k);
    QCOMPARE(r.errors.size(), std::size_t(5));
    // A rule across fields is not checked on a value that was refused: init.m0 = "big" is
    // a type error only, not also "not positive semidefinite".
    QVERIFY(io::parseJson(R"({"init": {"m0": "big", "q0": 0.01}})", &tree).empty());
    const auto r2 = configFromJson(tree);
    QCOMPARE(r2.errors.size(), std::size_t(1));
    QCOMPARE(r2.errors.front().keys, std::vector<std::string> { "init.m0" });
}

void TestConfig::dottedKeysMeanNested()
{
    json dotted, nested;
    QVERIFY(
        io::parseJson(R"({"time.steps": 3, "dmft": {"paths": 50, "tangent_paths": 5}})", &dotted).empty());
    QVERIFY(io::parseJson(R"({"time": {"steps": 3}, "dmft.paths": 50, "dmft.tangent_paths": 5})", &nested)
                .empty());
    const auto a = configFromJson(dotted), b = configFromJson(nested);
    QVERIFY2(a.ok() && b.ok(), (a.error + b.error).c_str());
    QCOMPARE(a.config->time.steps, 3);
    QCOMPARE(configToJson(*a.config).dump(), configToJson(*b.config).dump());
    // Given both ways: one meaning, so an error rather than a silent winner.
    QVERIFY(io::parseJson(R"({"time.steps": 3, "time": {"steps": 4}})", &dotted).empty());
    QVERIFY(configFromJson(dotted).error.find("'time.steps' is given twice") != std::string::npos);
    // --set is always last, also over a dotted key of the file (it used to lose).
    ConfigSources s;
    QVERIFY(io::parseJson(R"({"time.steps": 3})", &dotted).empty());
    s.tree = dotted;
    s.sets = { "time.steps=7" };
    const auto r = resolveConfig(s);
    QVERIFY2(r.ok(), r.error.c_str());
    QCOMPARE(r.config->time.steps, 7);
    // A string that is not UTF-8 is refused where it enters: config.json is written with
    // json::dump, which throws on it (test_fuzz_parsers found `--set preset=` + two 0xFF bytes).
    s = {};
    s.sets = { "preset=\xff\xff" };
    const auto bad = resolveConfig(s);
    QVERIFY(!bad.ok());
    QVERIFY2(bad.error.find("preset: expected a string (UTF-8)") != std::string::npos, bad.error.c_str());
    s.sets = { "preset=\xc3\xa9t\xc3\xa9" }; // "été", valid UTF-8
    QVERIFY2(resolveConfig(s).ok(), resolveConfig(s).error.c_str());
}

void TestConfig::resolution()
{
    // A file naming its preset starts from that preset (issue 7's bug: a quadratic alpha = 5
    // run, not the linear alpha = 2 defaults).
    json tree;
    QVERIFY(io::parseJson(R"({"preset": "phase-retrieval", "sim": {"seeds": 2}})", &tree).empty());
    ConfigSources s;
    s.tree = tree;
    auto r = resolveConfig(s);
    QVERIFY2(r.ok(), r.error.c_str());
    RunConfig expected = presetConfig("phase-retrieval");
    expected.sim.seeds = 2;
    QCOMPARE(configToJson(*r.config).dump(), configToJson(expected).dump());
    // An explicit preset wins over the file's and names the run.
    s.preset = "committee-erf";
    r = resolveConfig(s);
    QVERIFY2(r.ok(), r.error.c_str());
    QCOMPARE(r.config->preset, std::string("committee-erf"));
    QCOMPARE(r.config->problem.width, 2);
    QCOMPARE(r.config->sim.seeds, 2);
    // A written config.json (with "derived") resolves to itself.
    s = {};
    s.tree = configToJson(expected, /*withDerived=*/true);
    r = resolveConfig(s);
    QVERIFY2(r.ok(), r.error.c_str());
    QCOMPARE(configToJson(*r.config).dump(), configToJson(expected).dump());
    // Errors of --set name the assignment and the key.
    s.sets = { "model.width=40" };
    r = resolveConfig(s);
    QVERIFY(!r.ok());
    QCOMPARE(r.errors.front().keys, std::vector<std::string> { "model.width" });
    s.sets = { "model.activation=a\nb" };
    r = resolveConfig(s);
    QVERIFY2(!r.ok() && r.error.find('\n') == std::string::npos, r.error.c_str());
    s = {};
    s.preset = "nope";
    QVERIFY(resolveConfig(s).error.find("unknown preset 'nope'") != std::string::npos);
}

void TestConfig::emptyNamesAreErrors()
{
    ConfigSources s;
    s.preset = "";
    const auto r = resolveConfig(s);
    QVERIFY(!r.ok());
    QVERIFY2(r.error.find("preset name is empty") != std::string::npos, r.error.c_str());
    json tree;
    QVERIFY(readConfigFile("", &tree).find("config file name is empty") != std::string::npos);
    QVERIFY(readConfigFile("/nonexistent/x.json", &tree).find("/nonexistent/x.json") != std::string::npos);
}

void TestConfig::deepNestingIsRefused()
{
    // Issue 15: these overflowed the stack (SIGSEGV) in describe/dump/copies of the tree.
    auto nested = [](int depth, char open, char close, const std::string &inner) {
        return std::string(depth, open) + inner + std::string(depth, close);
    };
    json tree;
    const std::string arrays = R"({"init": {"m0": )" + nested(60000, '[', ']', "1") + "}}";
    QVERIFY(io::parseJson(arrays, &tree, "f.json").find("f.json: JSON nested deeper than 64 levels") == 0);
    std::string objects;
    for (int i = 0; i < 100000; ++i)
        objects += R"({"a":)";
    objects += "1" + std::string(100000, '}');
    QVERIFY(io::parseJson(objects, &tree).find("nested deeper") != std::string::npos);
    QVERIFY(applySetting(tree = json::object(), "init.q0=1e400").find("beyond the range of a double")
        != std::string::npos);
    QVERIFY(applySetting(tree = json::object(), "model.width=" + nested(64000, '[', ']', ""))
                .find("nested deeper than 64 levels")
        != std::string::npos);
    // A session or --config file goes through the same reader.
    QTemporaryDir tmp;
    const std::string path = tmp.path().toStdString() + "/deep.json";
    std::ofstream(path) << arrays;
    QVERIFY(readConfigFile(path, &tree).find("nested deeper") != std::string::npos);
    // Depth 64 itself is fine, and brackets inside strings do not count.
    QVERIFY(io::parseJson(nested(64, '[', ']', ""), &tree).empty());
    QVERIFY(io::parseJson("\"" + std::string(100, '[') + "\"", &tree).empty());
    QCOMPARE(io::jsonNestingDepth(R"({"a": [[1], {"b": "]]]"}]})"), 3);
}

void TestConfig::jsonPaths()
{
    json t = json::object();
    jsonpath::set(t, "a.b.c", 1);
    jsonpath::set(t, "a.d", "x");
    QCOMPARE(jsonpath::find(t, "a.b.c")->get<int>(), 1);
    QVERIFY(!jsonpath::find(t, "a.b.c.d"));
    QVERIFY(!jsonpath::find(t, "a.e"));
    QVERIFY(jsonpath::erase(t, "a.b.c"));
    QVERIFY(!jsonpath::erase(t, "a.b.c"));
    QCOMPARE(jsonpath::flatten(t).size(), std::size_t(2)); // a.b = {} and a.d
    // A number beyond double range is a malformed file, not an exception (it used to abort).
    json big;
    QVERIFY(io::parseJson(R"({"init": {"m0_asymmetry": 1e400}})", &big, "f.json")
                .find("f.json: malformed JSON: number overflow")
        == 0);
    QCOMPARE(io::printable("a\nb"), std::string("a\\nb"));
    QCOMPARE(io::printable(std::string(100, 'x'), 10), std::string(10, 'x') + "...");
}

void TestConfig::keyConstantsAreSchemaRows()
{
    // Code names keys through ConfigKey (config/configkey.h): every constant is a row, and
    // every row has its constant (a key added to the schema without one, or a constant left
    // behind by a rename, fails here). Listed in schema order.
    const std::vector<std::string> constants
        = { ConfigKey::Preset, ConfigKey::ModelActivation, ConfigKey::ModelWidth, ConfigKey::ModelLoss,
              ConfigKey::ModelSecondLayer, ConfigKey::TeacherActivation, ConfigKey::TeacherWidth,
              ConfigKey::TeacherNoise, ConfigKey::TeacherLabels, ConfigKey::TeacherPrior,
              ConfigKey::TeacherSparsity, ConfigKey::TeacherSecondLayer, ConfigKey::DataAlpha,
              ConfigKey::OptimizerLearningRate, ConfigKey::OptimizerBatchSize, ConfigKey::OptimizerTau,
              ConfigKey::OptimizerRidge, ConfigKey::OptimizerTaming, ConfigKey::InitQ0, ConfigKey::InitM0,
              ConfigKey::InitM0Asymmetry, ConfigKey::TimeHorizon, ConfigKey::TimeSteps,
              ConfigKey::SimDimension, ConfigKey::SimSeeds, ConfigKey::SimSeed, ConfigKey::SimSubsteps,
              ConfigKey::SimSampling, ConfigKey::SimThreads, ConfigKey::SimContinuousTime,
              ConfigKey::DmftPaths, ConfigKey::DmftTangentPaths, ConfigKey::DmftReplicas,
              ConfigKey::DmftDamping, ConfigKey::DmftMixingMemory, ConfigKey::DmftTolerance,
              ConfigKey::DmftNoiseFraction, ConfigKey::DmftMaxIterations, ConfigKey::DmftSeed,
              ConfigKey::DmftWarmStart, ConfigKey::DmftContinuousTime, ConfigKey::OutputDistributionTimes };
    QCOMPARE(constants.size(), configSchema().size());
    for (std::size_t i = 0; i < constants.size(); ++i)
        QCOMPARE(constants[i], configSchema()[i].key);
}

void TestConfig::messagesNameTheirKeys()
{
    // A message names its keys by position, so the keys the dock marks and the keys it
    // names are one list.
    const ConfigError e = configError({ ConfigKey::TimeSteps, ConfigKey::DmftContinuousTime },
        "{1} = extrapolate needs an even {0} ({0} / 2 is the second solve); {2} and {x} stay");
    QCOMPARE(e.keys, (std::vector<std::string> { "time.steps", "dmft.continuous_time" }));
    QCOMPARE(e.message,
        std::string(
            "dmft.continuous_time = extrapolate needs an even time.steps (time.steps / 2 is the second "
            "solve); {2} and {x} stay"));
    QCOMPARE(keyMessage({}, "{0}"), std::string("{0}"));
    QCOMPARE(keyMessage({ "a.b" }, "{0"), std::string("{0"));
    // Every rule across fields leaves no placeholder behind and names a key it blames.
    RunConfig c;
    c.problem.loss = Loss::Logistic; // labels stay real
    c.init.m0 = Eigen::MatrixXd::Zero(3, 3); // k x k* = 1 x 1
    c.dmft.tangentPaths = c.dmft.paths + 1;
    c.alpha = 1e-9;
    const auto errors = validateAll(c);
    QCOMPARE(errors.size(), std::size_t(4));
    for (const ConfigError &err : errors) {
        QVERIFY2(err.message.find('{') == std::string::npos, err.message.c_str());
        QVERIFY2(err.message.find(err.keys.front()) != std::string::npos, err.message.c_str());
    }
}

QTEST_APPLESS_MAIN(TestConfig)
#include "test_config.moc"
