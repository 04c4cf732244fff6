// One resolution for every path (issue 7): the same config file gives the same run
// whether dmftlab-cli run --config reads it, File ▸ Open session loads it
// (SessionStore::load) or the window opens it (dmftlab --open, MainWindow::loadSession).
// The file that once disagreed: a partial config naming its preset. And the surfaces that
// read the schema (core/config/schema.h) show what it says: the dock's labels, tooltips
// and choices, the help page's field introductions and reference table, deep session files.
#include "clitestutil.h"
#include "config/jsonpath.h"
#include "config/presets.h"
#include "config/schema.h"
#include "helpcontent.h"
#include "io/jsonparse.h"
#include "mainwindow.h"
#include "parameterpanel.h"
#include "sessionstore.h"
#include "testutil.h"

#include <QComboBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextDocument>

#include <fstream>

using namespace dmftlab;

class TestConfigPaths : public QObject
{
    Q_OBJECT
private slots:
    void threePathsAgree_data();
    void threePathsAgree();
    void cliRefusesBadInput_data();
    void cliRefusesBadInput();
    void dockAndHelpReadTheSchema();
    void dockMarksTheKeysOfEngineChecks();
    void deepSessionIsRefused();
};

void TestConfigPaths::threePathsAgree_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("preset"); // the preset the run must start from
    QTest::addColumn<QString>("setting"); // a key the file changes, and its value
    QTest::addColumn<double>("value");
    QTest::newRow("preset named in the file") << R"({"preset": "phase-retrieval", "sim": {"seeds": 2}})"
                                              << "phase-retrieval"
                                              << "sim.seeds" << 2.0;
    QTest::newRow("dotted key in the file") << R"({"preset": "committee-erf", "time.steps": 20})"
                                            << "committee-erf"
                                            << "time.steps" << 20.0;
}

void TestConfigPaths::threePathsAgree()
{
    QFETCH(QString, file);
    QFETCH(QString, preset);
    QFETCH(QString, setting);
    QFETCH(double, value);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString path = tmp.path() + "/partial.json";
    std::ofstream(path.toStdString()) << file.toStdString();

    // 1. dmftlab-cli run --config (the cheap ode engine), which writes its resolved config.
    const test::CliRun cli = test::runCli({ "run", "--config", path, "--engine", "ode", "--set",
                                              "time.steps=5", "--out", tmp.path() + "/out", "-q" },
        120000);
    QVERIFY2(cli.exitCode == 0, test::describe(cli));
    json fromCli;
    QVERIFY(io::parseJson(test::readText((tmp.path() + "/out/config.json").toStdString()), &fromCli).empty());
    fromCli.erase("derived");
    // The CLI run above also set time.steps=5 (to stay cheap); the other paths get the same.
    // 2. File ▸ Open session.
    Session session;
    QVERIFY2(SessionStore::load(path, &session).isEmpty(), qPrintable(SessionStore::load(path, &session)));
    // 3. dmftlab --open FILE.
    MainWindow window;
    QVERIFY2(window.loadSession(path).isEmpty(), qPrintable(window.loadSession(path)));
    const auto fromWindow = window.parameters()->config();
    QVERIFY2(fromWindow, qPrintable(window.parameters()->error()));

    json fromSession = configToJson(session.config), fromGui = configToJson(*fromWindow);
    for (json *j : { &fromSession, &fromGui })
        (*j)["time"]["steps"] = 5;
    QCOMPARE(QString::fromStdString(fromSession.dump()), QString::fromStdString(fromCli.dump()));
    QCOMPARE(QString::fromStdString(fromGui.dump()), QString::fromStdString(fromCli.dump()));

    // And they are the preset's run with the file's change, not the built-in defaults.
    RunConfig expected = presetConfig(preset.toStdString());
    QCOMPARE(session.config.preset, preset.toStdString());
    QCOMPARE(session.config.alpha, expected.alpha);
    QVERIFY(session.config.problem.activation == expected.problem.activation);
    if (setting != "time.steps")
        QCOMPARE(jsonpath::find(fromCli, setting.toStdString())->get<double>(), value);
    else
        QCOMPARE(session.config.time.steps, int(value));
}

void TestConfigPaths::cliRefusesBadInput_data()
{
    // Issue 15's inputs through the binary: one line naming the key, exit 2, nothing written.
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("file"); // written to FILE when non-empty
    QTest::addColumn<QString>("message");
    const QStringList lr = { "--preset", "linear-regression" };
    QTest::newRow("steps wrap") << (lr + QStringList { "--set", "time.steps=4294967297" }) << ""
                                << "time.steps must be between 1 and 5000 (got 4294967297)";
    QTest::newRow("n wraps") << (lr
        + QStringList { "--set", "sim.dimension=100000", "--set", "data.alpha=42949.67" })
                             << ""
                             << "data.alpha * sim.dimension = n must be at most 2147483647";
    QTest::newRow("threads") << (lr + QStringList { "--set", "sim.threads=2147483647" }) << ""
                             << "sim.threads must be between 0 and 256";
    QTest::newRow("empty preset") << QStringList { "--preset", "" } << ""
                                  << "the preset name is empty";
    QTest::newRow("empty config") << QStringList { "--config", "" } << ""
                                  << "the config file name is empty";
    QTest::newRow("section as value") << QStringList { "--config", "FILE" } << R"({"data": 5})"
                                      << "data: expected an object";
    QTest::newRow("newline") << (lr + QStringList { "--set", "model.activation=lin\near" }) << ""
                             << "model.activation: 'lin\\near' is not one of";
    QTest::newRow("deep file") << QStringList { "--config", "FILE" }
                               << R"({"init": {"m0": )" + QString(60000, '[') + QString(60000, ']') + "}}"
                               << "FILE: JSON nested deeper than 64 levels";
    QTest::newRow("deep --set") << (lr
        + QStringList { "--set", "model.width=" + QString(64000, '[') + QString(64000, ']') })
                                << ""
                                << "model.width: value nested deeper than 64 levels";
    QTest::newRow("number overflow") << QStringList { "--config", "FILE" } << R"({"init": {"q0": 1e400}})"
                                     << "FILE: malformed JSON: number overflow";
    QTest::newRow("given twice") << QStringList { "--config", "FILE" }
                                 << R"({"time.steps": 3, "time": {"steps": 4}})"
                                 << "'time.steps' is given twice";
}

void TestConfigPaths::cliRefusesBadInput()
{
    QFETCH(QStringList, args);
    QFETCH(QString, file);
    QFETCH(QString, message);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString path = tmp.path() + "/bad.json";
    if (!file.isEmpty()) {
        std::ofstream(path.toStdString()) << file.toStdString();
        args.replaceInStrings("FILE", path);
        message.replace("FILE", path);
    }
    const test::CliRun cli = test::runCli(
        QStringList { "run" } + args + QStringList { "--engine", "sgf", "--out", tmp.path() + "/out" });
    const QString err = cli.err;
    QCOMPARE(cli.exitStatus, QProcess::NormalExit);
    QCOMPARE(cli.exitCode, 2);
    QVERIFY2(err.trimmed().count('\n') == 0, qPrintable(err.left(300)));
    QVERIFY2(err.contains(message), qPrintable(err.left(300) + "\nexpected: " + message));
    QVERIFY(!QFileInfo::exists(tmp.path() + "/out"));
}

void TestConfigPaths::dockAndHelpReadTheSchema()
{
    ParameterPanel panel;
    QTextDocument doc;
    doc.setHtml(help::topicHtml("parameters"));
    const QString help = doc.toPlainText();
    int inDock = 0;
    for (const FieldInfo &f : configSchema()) {
        const QString key = QString::fromStdString(f.key), label = QString::fromStdString(f.label);
        QVERIFY2(help.contains(key + "\n" + label + "\n" + QString::fromStdString(f.typeText())),
            qPrintable("no reference-table row for " + key));
        QWidget *editor = panel.editor(key);
        QCOMPARE(editor != nullptr, f.dock != DockGroup::None); // the dock shows what the schema places
        if (!editor)
            continue;
        ++inDock;
        // The dock row's label is the schema's, and so is the help page's introduction.
        auto *form = qobject_cast<QFormLayout *>(editor->parentWidget()->layout());
        QVERIFY2(form, qPrintable(key));
        auto *shown = qobject_cast<QLabel *>(form->labelForField(editor));
        QVERIFY2(shown && shown->text() == label, qPrintable(key));
        QVERIFY2(help.contains(label + " (" + key + ", default"),
            qPrintable("help introduces " + key + " otherwise"));
        QVERIFY2(editor->toolTip().contains("[" + key + "]"), qPrintable(key));
        QVERIFY2(editor->toolTip().contains(QString::fromStdString(f.doc).mid(1)), qPrintable(key));
        if (auto *combo = qobject_cast<QComboBox *>(editor)) {
            QCOMPARE(combo->count(), int(f.choices.size()));
            for (int i = 0; i < combo->count(); ++i)
                QCOMPARE(combo->itemData(i).toString().toStdString(), f.choices[i]);
        }
    }
    QVERIFY(inDock >= 30);
}

// Engine checks return their keys (EngineCheck); the dock marks exactly those fields, whatever
// the message says: a ReLU student of width 2 is the DMFT's fault of model.activation, a key
// its message never spells out, and of model.width, which it does.
void TestConfigPaths::dockMarksTheKeysOfEngineChecks()
{
    ParameterPanel panel;
    RunConfig c = presetConfig("linear-regression");
    c.problem.activation = Activation::Relu;
    c.problem.width = 2;
    c.init.m0 = Eigen::MatrixXd::Zero(2, 1);
    QVERIFY(validate(c).empty());
    const EngineCheck check = checkEngine("dmft", c);
    QVERIFY(test::blames(check, "model.activation") && test::blames(check, "model.width"));
    QVERIFY2(check->message.find("model.activation") == std::string::npos, check->message.c_str());

    const auto invalid
        = [&panel](const char *key) { return panel.editor(key)->property("invalid").toBool(); };
    EngineSelection simulationOnly;
    simulationOnly.theory.clear();
    panel.setEngines(simulationOnly);
    panel.setConfig(c);
    QVERIFY2(panel.isValid(), qPrintable(panel.error())); // SGF runs a ReLU committee
    QVERIFY(!invalid("model.activation") && !invalid("model.width"));

    panel.setEngines(EngineSelection {}); // SGF and DMFT
    QVERIFY(!panel.isValid());
    QCOMPARE(panel.errors().size(), 1);
    for (const std::string &key : check->keys)
        QVERIFY2(invalid(key.c_str()), key.c_str());
    for (const char *key : { "time.steps", "data.alpha", "optimizer.tau", "teacher.width" })
        QVERIFY2(!invalid(key), key);
    // The message shows the fields by their labels, and each marked field's tooltip gives it.
    const QString widthLabel = QString::fromStdString(findField("model.width")->label);
    QVERIFY2(panel.error().contains(widthLabel) && !panel.error().contains("model.width"),
        qPrintable(panel.error()));
    QVERIFY(panel.editor("model.activation")->toolTip().contains(panel.error()));

    c.problem.width = 1; // validated for k = 1: nothing is marked any more
    c.init.m0 = Eigen::MatrixXd::Zero(1, 1);
    panel.setConfig(c);
    QVERIFY2(panel.isValid(), qPrintable(panel.error()));
    QVERIFY(!invalid("model.activation") && !invalid("model.width"));
}

void TestConfigPaths::deepSessionIsRefused()
{
    // Issue 15: a session nested 100 000 levels deep overflowed the stack; now one line.
    QTemporaryDir tmp;
    const QString path = tmp.path() + "/deep.dmftlab.json";
    std::string text = R"({"format": "dmftlab-session", "version": 1, "config": )";
    text += std::string(100000, '[') + std::string(100000, ']') + "}";
    std::ofstream(path.toStdString()) << text;
    Session session;
    const QString err = SessionStore::load(path, &session);
    QVERIFY2(err.contains("deep.dmftlab.json: JSON nested deeper than 64 levels"), qPrintable(err));
    MainWindow window;
    QVERIFY(!window.loadSession(path).isEmpty());
}

QTEST_MAIN(TestConfigPaths)
#include "test_config_paths.moc"
