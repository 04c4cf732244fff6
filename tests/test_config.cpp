// The config schema: defaults, JSON round trip, --set, presets, and one error
// message per kind of bad input.
#include "config/presets.h"
#include "testutil.h"

using namespace dmftlab;

class TestConfig : public QObject {
    Q_OBJECT
private slots:
    void presetsAreValid();
    void roundTrip();
    void derivedQuantities();
    void setAssignments();
    void badInput_data();
    void badInput();
};

void TestConfig::presetsAreValid()
{
    QVERIFY(presets().size() >= 4);
    for (const char *name : {"linear-regression", "logistic-regression", "phase-retrieval", "committee-erf"}) {
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
    QTest::newRow("unknown key") << R"({"data": {"alpah": 2}})" << "unknown key 'data.alpah'";
    QTest::newRow("unknown section") << R"({"foo": 1})" << "unknown key 'foo'";
    QTest::newRow("wrong type") << R"({"model": {"width": "two"}})" << "model.width: expected an integer";
    QTest::newRow("fractional int") << R"({"sim": {"seeds": 2.5}})" << "sim.seeds: expected an integer";
    QTest::newRow("alpha zero") << R"({"data": {"alpha": 0}})" << "data.alpha must be";
    QTest::newRow("alpha negative") << R"({"data": {"alpha": -1}})" << "data.alpha must be";
    QTest::newRow("negative lr") << R"({"optimizer": {"learning_rate": -0.1}})" << "optimizer.learning_rate";
    QTest::newRow("batch zero") << R"({"optimizer": {"batch_size": 0}})" << "optimizer.batch_size must be >= 1";
    QTest::newRow("bad enum") << R"({"model": {"loss": "hinge"}})" << "model.loss: 'hinge' is not one of";
    QTest::newRow("bad activation") << R"({"teacher": {"activation": "sin"}})" << "teacher.activation";
    QTest::newRow("m0 shape") << R"({"init": {"m0": [[0.1, 0.2]]}})" << "init.m0 must be";
    QTest::newRow("init not PSD") << R"({"init": {"q0": 0.1, "m0": 0.9}})" << "positive semidefinite";
    QTest::newRow("logistic real") << R"({"model": {"loss": "logistic"}})" << "needs teacher.labels = sign";
    QTest::newRow("steps zero") << R"({"time": {"steps": 0}})" << "time.steps";
    QTest::newRow("not object") << R"([1, 2])" << "expected an object";
}

void TestConfig::badInput()
{
    QFETCH(QString, patch);
    QFETCH(QString, expected);
    const auto r = configFromJson(json::parse(patch.toStdString()));
    QVERIFY(!r.ok());
    QVERIFY2(QString::fromStdString(r.error).contains(expected), r.error.c_str());
    QVERIFY(r.error.find('\n') == std::string::npos);
}

QTEST_APPLESS_MAIN(TestConfig)
#include "test_config.moc"
