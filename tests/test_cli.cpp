// The dmftlab-cli binary, driven through QProcess as a user would: help and presets,
// one error line and exit code 2 (and nothing written) for each kind of bad input,
// well-formed output files for every preset, plots with valid magic numbers, τ = 0,
// divergence (exit 3) and cancellation by SIGINT (exit 130).
#include "clitestutil.h"
#include "config/config.h"
#include "config/presets.h"
#include "config/resolve.h"
#include "engine/engine.h"
#include "io/csv.h"
#include "io/files.h"
#include "testutil.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>

using namespace dmftlab;
namespace fs = std::filesystem;

namespace
{

using test::describe;
using test::headlessEnvironment;
using test::pngSize;
using test::readText;
using test::runCli;
using test::svgTexts;
using Run = test::CliRun;

json readJson(const fs::path &p)
{
    return json::parse(readText(p), nullptr, false);
}

std::vector<std::string> lines(const std::string &text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty())
            out.push_back(line);
    return out;
}

int countFields(const std::string &line)
{
    return 1 + static_cast<int>(std::count(line.begin(), line.end(), ','));
}

/// Keys of configToJson(RunConfig{}), dotted.
void flatten(const json &j, const std::string &prefix, QStringList *out)
{
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (it.value().is_object())
            flatten(it.value(), key, out);
        else
            out->append(QString::fromStdString(key));
    }
}

QStringList smallRun(const QString &preset, const QString &out)
{
    return { "run", "--preset", preset, "--engine", "sgf", "--out", out, "--set", "sim.dimension=200",
        "--set", "sim.seeds=2", "--set", "time.steps=10", "--set", "sim.threads=2" };
}

/// Powers of ten among the tick labels drawn before `axisLabel` (QCustomPlot writes an
/// axis's tick labels, then its label): "10" followed by a one-digit exponent, as a log
/// axis prints 10ⁿ. A linear axis's increasing labels never put a single digit after 10.
int powersOfTenBefore(const QStringList &texts, const QString &axisLabel)
{
    static const QRegularExpression number("^[-−]?[0-9.]+$"), exponent("^[-−]?[0-9]$");
    int powers = 0;
    for (int i = int(texts.indexOf(axisLabel)) - 1; i >= 0 && number.match(texts[i]).hasMatch(); --i)
        powers += texts[i] == "10" && i + 1 < texts.size() && exponent.match(texts[i + 1]).hasMatch();
    return powers;
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT
private slots:
    void helpDocumentsEverything();
    void versionAndPresets();
    void badInput_data();
    void badInput();
    void everyPresetWritesWellFormedFiles_data();
    void everyPresetWritesWellFormedFiles();
    void plotsInEveryFormat();
    void plotOptions();
    void resolvedConfigRoundTrips();
    void gradientFlowWithTauZero();
    void severalEnginesSideBySide();
    void theoryEnginesWriteTheirKernels();
    void lawFilesAtDistributionTimes();
    void dmftNotConvergedExitsFour();
    void divergenceWritesTruncatedCurves();
    void nonFiniteResultIsNeverCompleted_data();
    void nonFiniteResultIsNeverCompleted();
    void sigintCancels();
    void fullDiskLeavesAConsistentSummary();
    void signalWhileFiguresAreWritten();
};

void TestCli::helpDocumentsEverything()
{
    const Run r = runCli({ "--help" });
    QVERIFY2(r.exitCode == 0, describe(r));
    QStringList keys;
    flatten(configToJson(RunConfig {}), "", &keys);
    QVERIFY(keys.size() > 30);
    for (const QString &key : keys)
        QVERIFY2(r.out.contains("  " + key + " "), qPrintable("--help lacks key " + key));
    QVERIFY2(!r.out.contains("(undocumented)"), "a config key has no description in cli.cpp's keyDocs()");
    for (const char *s : { "run", "presets", "--preset", "--config", "--set", "--engine", "--out", "--plots",
             "config.json", "summary.json", "_curves.csv", "_C_theta.csv", "_residuals.csv", "Exit codes",
             "130", "epochs", "tau = eta/B", "--log-x", "--log-y", "--palette", "--stamp", "slide-small" })
        QVERIFY2(r.out.contains(s), s);
    QCOMPARE(runCli({ "run", "--help" }).out, r.out);
}

void TestCli::versionAndPresets()
{
    const Run v = runCli({ "--version" });
    QVERIFY2(v.exitCode == 0 && v.out.startsWith("dmftlab-cli "), describe(v));
    const Run p = runCli({ "presets" });
    QVERIFY2(p.exitCode == 0, describe(p));
    for (const auto &preset : presets()) {
        QVERIFY(p.out.contains(QString::fromStdString(preset.name + " - " + preset.title)));
        QVERIFY(p.out.contains("data.alpha="));
    }
    const Run none = runCli({});
    QCOMPARE(none.exitCode, 2);
}

void TestCli::badInput_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("config"); // written to FILE.json when non-empty
    QTest::addColumn<QString>("message");
    const QStringList base = { "run", "--preset", "linear-regression", "--engine", "sgf" };
    QTest::newRow("unknown key --set") << (base + QStringList { "--set", "model.widht=2" }) << ""
                                       << "unknown key 'model.widht'";
    QTest::newRow("unknown key in file") << (base + QStringList { "--config", "FILE" })
                                         << R"({"model": {"activation": "erf"}, "sim": {"seedz": 3}})"
                                         << "unknown key 'sim.seedz'";
    QTest::newRow("wrong type --set") << (base + QStringList { "--set", "model.width=two" }) << ""
                                      << "model.width: expected an integer";
    QTest::newRow("wrong type in file")
        << (base + QStringList { "--config", "FILE" }) << R"({"data": {"alpha": "2"}})"
        << "data.alpha: expected a number";
    QTest::newRow("alpha zero") << (base + QStringList { "--set", "data.alpha=0" }) << ""
                                << "data.alpha must be";
    QTest::newRow("alpha negative") << (base + QStringList { "--set", "data.alpha=-1" }) << ""
                                    << "data.alpha must be";
    QTest::newRow("negative learning rate")
        << (base + QStringList { "--set", "optimizer.learning_rate=-0.1" }) << ""
        << "optimizer.learning_rate must be";
    QTest::newRow("batch size 0") << (base + QStringList { "--set", "optimizer.batch_size=0" }) << ""
                                  << "optimizer.batch_size must be >= 1";
    QTest::newRow("d too large") << (base + QStringList { "--set", "sim.dimension=3000000" }) << ""
                                 << "sgf would need";
    QTest::newRow("N too large") << (base + QStringList { "--set", "time.steps=100000" }) << ""
                                 << "time.steps";
    QTest::newRow("malformed JSON") << (base + QStringList { "--config", "FILE" })
                                    << "{\n  \"data\": {\"alpha\": 2,}\n}\n"
                                    << "FILE.json: malformed JSON at line 2, column";
    QTest::newRow("config not an object") << (base + QStringList { "--config", "FILE" }) << "[1, 2]"
                                          << "expected a JSON object";
    QTest::newRow("missing config file")
        << QStringList { "run", "--config", "/nonexistent/x.json", "--engine", "sgf" } << ""
        << "cannot read /nonexistent/x.json";
    QTest::newRow("unknown preset") << QStringList { "run", "--preset", "nope", "--engine", "sgf" } << ""
                                    << "unknown preset 'nope'";
    QTest::newRow("unknown engine") << QStringList { "run", "--preset", "linear-regression", "--engine",
        "sgf,sgx" } << ""
                                    << "unknown engine 'sgx'";
    QTest::newRow("engine twice") << QStringList { "run", "--preset", "linear-regression", "--engine",
        "sgf,sgf" } << ""
                                  << "given twice";
    QTest::newRow("missing engine") << QStringList { "run", "--preset", "linear-regression" } << ""
                                    << "missing --engine";
    QTest::newRow("missing --out") << QStringList { "run", "--preset", "linear-regression", "--engine", "sgf",
        "NOOUT" } << ""
                                   << "";
    QTest::newRow("unwritable DIR") << (base + QStringList { "--out", "FILEDIR" }) << ""
                                    << "is not a folder";
    QTest::newRow("unknown option") << (base + QStringList { "--frobnicate" }) << ""
                                    << "unknown option '--frobnicate'";
    QTest::newRow("unknown command") << QStringList { "walk" } << ""
                                     << "unknown command 'walk'";
    QTest::newRow("bad plot format") << (base + QStringList { "--plots", "png,gif" }) << ""
                                     << "unknown plot format 'gif'";
    QTest::newRow("unknown palette") << (base + QStringList { "--plots", "png", "--palette", "viridis" })
                                     << ""
                                     << "unknown palette 'viridis' (known: okabe-ito, tableau)";
    QTest::newRow("unknown plot size")
        << (base + QStringList { "--plots", "png", "--plot-size", "slides" }) << ""
        << "--plot-size expects WIDTHxHEIGHT in pixels (50..10000), slide";
    QTest::newRow("sgd with tau set directly")
        << QStringList { "run", "--preset", "linear-regression", "--engine", "sgf,sgd", "--set",
               "optimizer.tau=0.1" }
        << ""
        << "sgd runs with learning_rate/batch_size = 0.5 but optimizer.tau = 0.1 was set directly";
    QTest::newRow("m0 wrong shape") << (base + QStringList { "--set", "init.m0=[[0.1,0.2]]" }) << ""
                                    << "init.m0 must be a number or a 1x1 matrix";
}

void TestCli::badInput()
{
    QFETCH(QStringList, args);
    QFETCH(QString, config);
    QFETCH(QString, message);
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString out = tmp.path() + "/out";
    const QString file = tmp.path() + "/FILE.json";
    if (!config.isEmpty()) {
        std::ofstream(file.toStdString()) << config.toStdString();
        args.replaceInStrings("FILE", file);
        message.replace("FILE.json", file);
    }
    const QString fileDir = tmp.path() + "/plainfile";
    std::ofstream(fileDir.toStdString()) << "x";
    bool wantOut = true;
    for (QString &a : args) {
        if (a == "FILEDIR") {
            a = fileDir + "/sub";
            wantOut = false;
        }
    }
    if (args.removeAll("NOOUT") > 0) {
        wantOut = false;
        message = "missing --out DIR";
    }
    if (wantOut && args.value(0) == "run")
        args << "--out" << out;

    const Run r = runCli(args);
    QVERIFY2(r.exitCode == 2, describe(r));
    QVERIFY2(r.exitStatus == QProcess::NormalExit, describe(r));
    const QStringList errLines = r.err.split('\n', Qt::SkipEmptyParts);
    QVERIFY2(errLines.size() == 1, describe(r));
    QVERIFY2(errLines[0].startsWith("dmftlab-cli: error: "), describe(r));
    QVERIFY2(errLines[0].contains(message), describe(r) + "\nexpected: " + message.toUtf8());
    QVERIFY2(!fs::exists(out.toStdString()), "output folder created despite bad input");
    QVERIFY(!fs::exists((fileDir + "/sub").toStdString()));
}

void TestCli::everyPresetWritesWellFormedFiles_data()
{
    QTest::addColumn<QString>("preset");
    for (const auto &p : presets())
        QTest::newRow(p.name.c_str()) << QString::fromStdString(p.name);
}

void TestCli::everyPresetWritesWellFormedFiles()
{
    QFETCH(QString, preset);
    QTemporaryDir tmp;
    const fs::path dir = (tmp.path() + "/run/nested").toStdString();
    const Run r = runCli(smallRun(preset, QString::fromStdString(dir.string())));
    QVERIFY2(r.exitCode == 0, describe(r));
    QVERIFY2(r.out.contains("tau = eta/B = "), describe(r));
    QVERIFY2(r.out.contains("epochs T/(alpha tau) = "), describe(r));

    const RunConfig expected = presetConfig(preset.toStdString());
    const int N = 10, k = expected.problem.width, kStar = expected.problem.teacherWidth;

    const json config = readJson(dir / "config.json");
    QVERIFY(config.is_object());
    const auto parsed = configFromJson(config);
    QVERIFY2(parsed.ok(), parsed.error.c_str());
    QCOMPARE(parsed.config->time.steps, N);
    QCOMPARE(parsed.config->sim.dimension, 200);
    QCOMPARE(parsed.config->preset, preset.toStdString());
    DMFT_COMPARE_TOL(config["derived"]["tau"].get<double>(), expected.sgdTau(), 1e-15);
    DMFT_COMPARE_TOL(config["derived"]["epochs"].get<double>(), expected.epochs(), 1e-12);

    const json summary = readJson(dir / "summary.json");
    QVERIFY(summary.is_object());
    QCOMPARE(summary["status"].get<std::string>(), std::string("completed"));
    const json &sgf = summary["engines"]["sgf"];
    QCOMPARE(sgf["status"].get<std::string>(), std::string("completed"));
    QCOMPARE(sgf["valid_points"].get<int>(), N + 1);
    QCOMPARE(sgf["grid_points"].get<int>(), N + 1);
    QCOMPARE(sgf["dimension"].get<int>(), 200);
    QCOMPARE(sgf["seeds"].get<int>(), 2);
    QCOMPARE(sgf["samples"].get<int>(), expected.samples() * 200 / expected.sim.dimension);
    QVERIFY(sgf["wall_seconds"].get<double>() >= 0.0);
    QVERIFY(summary["wall_seconds"].get<double>() >= sgf["wall_seconds"].get<double>());
    QVERIFY(summary["version"].is_string());

    // Curves: header + N+1 rows, right column count, finite values.
    const auto csv = lines(readText(dir / "sgf_curves.csv"));
    QCOMPARE(int(csv.size()), N + 2);
    const int columns = 1 + 2 * (3 + k * k + k * kStar);
    QCOMPARE(countFields(csv[0]), columns);
    QVERIFY(
        csv[0].rfind(
            "t,train_loss,train_loss_se,test_loss,test_loss_se,test_error,test_error_se,Q_1_1,Q_1_1_se", 0)
        == 0);
    for (std::size_t i = 1; i < csv.size(); ++i)
        QCOMPARE(countFields(csv[i]), columns);
    Curves back;
    QVERIFY(io::parseCurvesCsv(readText(dir / "sgf_curves.csv"), &back).empty());
    DMFT_COMPARE_TOL(back.t.back(), expected.time.horizon, 1e-12);
    for (int n = 0; n <= N; ++n) {
        QVERIFY(std::isfinite(back.trainLoss.mean[n]));
        QVERIFY(std::isfinite(back.Q[0].mean[n]) && back.Q[0].mean[n] >= 0.0);
        QVERIFY(std::isfinite(back.Q[0].se[n])); // two seeds: a standard error exists
    }
    DMFT_COMPARE_TOL(back.Q[0].mean[0], expected.init.q0, 1e-9, 1e-9); // Q(0) = q0 exactly (theory §1)

    // C_θ: square, symmetric, diagonal = tr Q.
    std::vector<std::string> kernelFiles = { "sgf_C_theta.csv" };
    if (k > 1)
        for (int a = 1; a <= k; ++a)
            for (int b = 1; b <= k; ++b)
                kernelFiles.push_back("sgf_C_theta_" + std::to_string(a) + "_" + std::to_string(b) + ".csv");
    for (const auto &name : kernelFiles) {
        Eigen::MatrixXd C;
        const std::string err = io::parseMatrixCsv(readText(dir / name), &C);
        QVERIFY2(err.empty(), (name + ": " + err).c_str());
        QCOMPARE(C.rows(), Eigen::Index(N + 1));
        QCOMPARE(C.cols(), Eigen::Index(N + 1));
        if (name == "sgf_C_theta.csv") {
            QVERIFY2(
                (C - C.transpose()).cwiseAbs().maxCoeff() <= 1e-12 * C.cwiseAbs().maxCoeff(), name.c_str());
            double trQ = 0;
            for (int a = 0; a < k; ++a)
                trQ += back.Q[a * k + a].mean[N];
            DMFT_COMPARE_TOL(C(N, N), trQ, 1e-9, 1e-9);
        }
    }
    // Nothing half-written left behind.
    for (const auto &entry : fs::directory_iterator(dir))
        QVERIFY2(entry.path().filename().string().find(".tmp-") == std::string::npos, entry.path().c_str());
}

void TestCli::plotsInEveryFormat()
{
    QTemporaryDir tmp;
    const QString out = tmp.path() + "/plots";
    QStringList args = smallRun("committee-erf", out);
    args << "--plots"
         << "png,pdf,svg"
         << "--plot-size"
         << "640x480"
         << "--plot-scale"
         << "2";
    const Run r = runCli(args);
    QVERIFY2(r.exitCode == 0, describe(r));
    const fs::path dir = out.toStdString();
    for (const char *stem : { "loss", "overlaps", "C_theta_sgf" }) {
        const std::string png = readText(dir / (std::string(stem) + ".png"));
        const auto [w, h] = pngSize(png);
        QVERIFY2(w == 1280 && h == 960,
            (std::string(stem) + ".png: " + std::to_string(w) + "x" + std::to_string(h)).c_str());
        const std::string pdf = readText(dir / (std::string(stem) + ".pdf"));
        QVERIFY2(pdf.size() > 1000 && pdf.compare(0, 5, "%PDF-") == 0, stem);
        const std::string svg = readText(dir / (std::string(stem) + ".svg"));
        QVERIFY2(
            svg.size() > 1000 && (svg.compare(0, 5, "<?xml") == 0 || svg.compare(0, 4, "<svg") == 0), stem);
        QVERIFY2(svg.find("</svg>") != std::string::npos, stem);
    }
    const json summary = readJson(dir / "summary.json");
    QCOMPARE(summary["plots"].size(), std::size_t(9));
}

// --plot-size slide/slide-small, --palette, --stamp, --log-x and --log-y reach the figures:
// PNG sizes from the IHDR chunk, colours and texts from the SVG (a plain run as control).
void TestCli::plotOptions()
{
    QTemporaryDir tmp;
    const auto run = [&](const QString &name, const QStringList &extra) {
        const QString out = tmp.path() + "/" + name;
        const Run r
            = runCli(smallRun("linear-regression", out) + QStringList { "--plots", "png,svg" } + extra);
        if (r.exitCode != 0)
            qWarning("%s", describe(r).constData());
        return std::pair(r.exitCode, fs::path(out.toStdString()));
    };
    const auto [plainExit, plain] = run("plain", {});
    const auto [aExit, a]
        = run("a", { "--plot-size", "slide-small", "--palette", "Tableau", "--stamp", "--log-x" });
    const auto [bExit, b] = run("b", { "--plot-size=slide", "--log-y" });
    QCOMPARE(plainExit, 0);
    QCOMPARE(aExit, 0);
    QCOMPARE(bExit, 0);
    for (const char *stem : { "loss.png", "overlaps.png", "C_theta_sgf.png" }) {
        QCOMPARE(pngSize(readText(plain / stem)), std::pair(900, 600));
        QCOMPARE(pngSize(readText(a / stem)), std::pair(1280, 720));
        QCOMPARE(pngSize(readText(b / stem)), std::pair(1920, 1080));
    }
    const std::string okabeBlue = "#0072b2", tableauBlue = "#1f77b4"; // the first quantity colour
    const std::string plainLoss = readText(plain / "loss.svg"), aLoss = readText(a / "loss.svg"),
                      bLoss = readText(b / "loss.svg");
    QVERIFY(
        plainLoss.find(okabeBlue) != std::string::npos && plainLoss.find(tableauBlue) == std::string::npos);
    QVERIFY(aLoss.find(tableauBlue) != std::string::npos && aLoss.find(okabeBlue) == std::string::npos);

    const QStringList plainText = svgTexts(plainLoss), aText = svgTexts(aLoss), bText = svgTexts(bLoss);
    const QStringList aOverlaps = svgTexts(readText(a / "overlaps.svg"));
    QVERIFY2(plainText.contains("training time t") && plainText.contains("loss, error"),
        qPrintable(plainText.join('|')));
    // The stamp: preset and α, split by the SVG writer into runs of text.
    QVERIFY2(aText.join(' ').contains("linear-regression") && aText.join(' ').contains("α = "),
        qPrintable(aText.join('|')));
    QVERIFY(!plainText.join(' ').contains("α = ") && !bText.join(' ').contains("α = "));
    // Log axes print powers of ten; the linear ones of the control do not.
    QCOMPARE(powersOfTenBefore(plainText, "training time t"), 0);
    QCOMPARE(powersOfTenBefore(plainText, "loss, error"), 0);
    QVERIFY2(powersOfTenBefore(aText, "training time t") >= 1, qPrintable(aText.join('|')));
    QVERIFY2(powersOfTenBefore(aOverlaps, "training time t") >= 1, qPrintable(aOverlaps.join('|')));
    QCOMPARE(powersOfTenBefore(aText, "loss, error"), 0);
    QVERIFY2(powersOfTenBefore(bText, "loss, error") >= 1, qPrintable(bText.join('|')));
    QCOMPARE(powersOfTenBefore(bText, "training time t"), 0);
}

void TestCli::resolvedConfigRoundTrips()
{
    // A run's config.json fed back as --config resolves to the same configuration.
    QTemporaryDir tmp;
    const QString first = tmp.path() + "/first", second = tmp.path() + "/second";
    Run r = runCli(smallRun("logistic-regression", first) + QStringList { "--set", "init.m0=0.2" });
    QVERIFY2(r.exitCode == 0, describe(r));
    r = runCli({ "run", "--config", first + "/config.json", "--engine", "sgf", "--out", second });
    QVERIFY2(r.exitCode == 0, describe(r));
    QCOMPARE(readText(fs::path(second.toStdString()) / "config.json"),
        readText(fs::path(first.toStdString()) / "config.json"));
    // Same seed, same config: identical curves (deterministic given the seed).
    QCOMPARE(readText(fs::path(second.toStdString()) / "sgf_curves.csv"),
        readText(fs::path(first.toStdString()) / "sgf_curves.csv"));
}

void TestCli::gradientFlowWithTauZero()
{
    QTemporaryDir tmp;
    const QString out = tmp.path() + "/gf";
    const Run r = runCli(smallRun("linear-regression", out) + QStringList { "--set", "optimizer.tau=0" });
    QVERIFY2(r.exitCode == 0, describe(r));
    QVERIFY2(r.out.contains("tau = 0 (set directly)") && r.out.contains("gradient flow"), describe(r));
    const json config = readJson(fs::path(out.toStdString()) / "config.json");
    QCOMPARE(config["derived"]["tau"].get<double>(), 0.0);
    QVERIFY(config["derived"]["epochs"].is_string()); // "infinite (tau = 0)"
    QCOMPARE(config["optimizer"]["tau"].get<double>(), 0.0);
    const json summary = readJson(fs::path(out.toStdString()) / "summary.json");
    QCOMPARE(summary["engines"]["sgf"]["tau"].get<double>(), 0.0);
}

void TestCli::severalEnginesSideBySide()
{
    QTemporaryDir tmp;
    const QString out = tmp.path() + "/both";
    QStringList args = smallRun("linear-regression", out);
    args[args.indexOf("sgf")] = "sgf,sgd";
    args << "--engine"
         << "online";
    const Run r = runCli(args);
    QVERIFY2(r.exitCode == 0, describe(r));
    const fs::path dir = out.toStdString();
    const json summary = readJson(dir / "summary.json");
    QCOMPARE(summary["engine_order"], json({ "sgf", "sgd", "online" }));
    for (const char *e : { "sgf", "sgd", "online" }) {
        QCOMPARE(summary["engines"][e]["status"].get<std::string>(), std::string("completed"));
        QCOMPARE(int(lines(readText(dir / (std::string(e) + "_curves.csv"))).size()), 12);
        QVERIFY(fs::exists(dir / (std::string(e) + "_C_theta.csv")));
    }
    QCOMPARE(summary["engines"]["sgd"]["samples"].get<int>(), 400);
    // Progress on stderr: at least a line per engine.
    for (const char *e : { "sgf", "sgd", "online" })
        QVERIFY2(r.err.contains(QString("dmftlab-cli: ") + e + " "), describe(r));
}

QStringList smallTheoryRun(const QString &engines, const QString &out)
{
    return { "run", "--preset", "linear-regression", "--engine", engines, "--out", out, "--set",
        "time.steps=10", "--set", "dmft.paths=1000", "--set", "dmft.tangent_paths=100", "--set",
        "dmft.replicas=2", "--set", "sim.threads=2" };
}

void TestCli::lawFilesAtDistributionTimes()
{
    // output.distribution_times (issue 12): each engine writes the laws at those times, the r
    // file names its variable — the margins y_r for logistic regression's sign labels — and a
    // time outside the horizon is dropped with a message.
    QTemporaryDir tmp;
    const QString out = tmp.path() + "/laws";
    QStringList args = smallTheoryRun("sgf,dmft", out);
    args[args.indexOf("linear-regression")] = "logistic-regression";
    args << "--set"
         << "sim.dimension=200"
         << "--set"
         << "sim.seeds=2"
         << "--set"
         << "output.distribution_times=[2,6,50]";
    const Run r = runCli(args);
    QVERIFY2(r.exitCode == 0, describe(r));
    QVERIFY2(r.err.contains("1 of output.distribution_times outside [0, time.horizon] ignored"), describe(r));
    const fs::path dir = out.toStdString();
    const json summary = readJson(dir / "summary.json");
    for (const std::string engine : { "sgf", "dmft" }) {
        std::set<std::string> listed;
        for (const auto &f : summary["engines"][engine]["files"])
            listed.insert(f.get<std::string>());
        for (const std::string law : { "_theta_law.csv", "_r_law.csv" }) {
            const std::string name = engine + law;
            QVERIFY2(listed.count(name) == 1, name.c_str());
            const auto rows = lines(readText(dir / name));
            const bool rFile = law == "_r_law.csv";
            QCOMPARE(rows.front(),
                std::string(rFile ? "variable," : "") + "t,unit,bin_lo,bin_hi,density,density_se");
            std::set<std::string> times;
            for (std::size_t i = 1; i < rows.size(); ++i) {
                QCOMPARE(countFields(rows[i]), rFile ? 7 : 6);
                if (rFile)
                    QVERIFY2(rows[i].rfind("y_r,", 0) == 0, rows[i].c_str());
                const std::string fields = rFile ? rows[i].substr(4) : rows[i];
                times.insert(fields.substr(0, fields.find(',')));
            }
            QCOMPARE(times, (std::set<std::string> { "2", "6" }));
        }
    }
    QVERIFY(fs::exists(dir / "dmft_effective_paths.csv"));
}

void TestCli::theoryEnginesWriteTheirKernels()
{
    QTemporaryDir tmp;
    const QString out = tmp.path() + "/theory";
    const Run r = runCli(smallTheoryRun("ode,dmft", out));
    QVERIFY2(r.exitCode == 0, describe(r));
    const fs::path dir = out.toStdString();
    const json summary = readJson(dir / "summary.json");
    QCOMPARE(summary["status"].get<std::string>(), std::string("completed"));
    const json &dmft = summary["engines"]["dmft"];
    QCOMPARE(dmft["status"].get<std::string>(), std::string("converged"));
    QCOMPARE(dmft["paths"].get<int>(), 1000);
    QCOMPARE(dmft["replicas"].get<int>(), 2);
    const int iterations = dmft["iterations"].get<int>();
    QVERIFY(iterations >= 1);
    // Stopped by the default dmft.tolerance, or once the truncation error was below the
    // default dmft.noise_fraction of the Monte-Carlo SE (the residual then is larger).
    const std::string stoppedBy = dmft["stopped_by"].get<std::string>();
    QVERIFY2(stoppedBy == "tolerance" || stoppedBy == "noise_fraction", stoppedBy.c_str());
    if (stoppedBy == "tolerance")
        QVERIFY(dmft["final_residual"].get<double>() < 1e-4);
    QCOMPARE(dmft["noise_fraction"].get<double>(), 0.1);
    // Residual history: header + one row per iteration, last row = final residual.
    const auto res = lines(readText(dir / "dmft_residuals.csv"));
    QCOMPARE(int(res.size()), iterations + 1);
    QCOMPARE(res[0], std::string("iteration,residual"));
    double last = 0;
    QVERIFY(io::parseNumber(res.back().substr(res.back().find(',') + 1), &last));
    QCOMPARE(last, dmft["final_residual"].get<double>());
    for (const char *name :
        { "dmft_C_theta.csv", "dmft_R_theta.csv", "dmft_C_u.csv", "dmft_K.csv", "ode_C_theta.csv" }) {
        Eigen::MatrixXd m;
        QVERIFY2(io::parseMatrixCsv(readText(dir / name), &m).empty(), name);
        QVERIFY2(m.rows() == 11 && m.cols() == 11, name);
        QVERIFY2(m.allFinite(), name);
    }
    QCOMPARE(int(lines(readText(dir / "dmft_curves.csv")).size()), 12);
    QCOMPARE(int(lines(readText(dir / "ode_curves.csv")).size()), 12);
    // No simulation fields for the d = infinity engines.
    QVERIFY(!dmft.contains("dimension"));
    QVERIFY(!summary["engines"]["ode"].contains("seeds"));
}

void TestCli::dmftNotConvergedExitsFour()
{
    QTemporaryDir tmp;
    const QString out = tmp.path() + "/capped";
    const Run r = runCli(smallTheoryRun("dmft", out)
        + QStringList { "--set", "dmft.max_iterations=2", "--set", "dmft.warm_start=none" });
    QVERIFY2(r.exitCode == 4, describe(r));
    QVERIFY2(r.err.contains("dmftlab-cli: dmft did not converge"), describe(r));
    const json summary = readJson(fs::path(out.toStdString()) / "summary.json");
    QCOMPARE(summary["status"].get<std::string>(), std::string("not_converged"));
    QCOMPARE(summary["engines"]["dmft"]["status"].get<std::string>(), std::string("max_iterations"));
    QCOMPARE(int(lines(readText(fs::path(out.toStdString()) / "dmft_residuals.csv")).size()), 3);
}

void TestCli::divergenceWritesTruncatedCurves()
{
    // Linear regression, τ = η/B = 50 ≫ 2: SGF noise makes q grow like e^{(τ - 2) t}.
    QTemporaryDir tmp;
    const QString out = tmp.path() + "/div";
    QStringList args = { "run", "--preset", "linear-regression", "--engine", "sgf", "--out", out, "--set",
        "optimizer.learning_rate=50", "--set", "sim.dimension=200", "--set", "sim.seeds=2", "--set",
        "time.steps=50", "--set", "time.horizon=50" };
    const Run r = runCli(args);
    QVERIFY2(r.exitCode == 3, describe(r));
    QVERIFY2(r.err.contains("dmftlab-cli: sgf diverged: "), describe(r));
    const fs::path dir = out.toStdString();
    const json summary = readJson(dir / "summary.json");
    QCOMPARE(summary["status"].get<std::string>(), std::string("diverged"));
    QCOMPARE(summary["engines"]["sgf"]["status"].get<std::string>(), std::string("diverged"));
    QVERIFY(!summary["engines"]["sgf"]["message"].get<std::string>().empty());
    const int valid = summary["engines"]["sgf"]["valid_points"].get<int>();
    QVERIFY2(valid >= 1 && valid < 51, QByteArray::number(valid));
    const auto csv = lines(readText(dir / "sgf_curves.csv"));
    QCOMPARE(int(csv.size()), valid + 1);
    Eigen::MatrixXd C;
    QVERIFY(io::parseMatrixCsv(readText(dir / "sgf_C_theta.csv"), &C).empty());
    QCOMPARE(C.rows(), Eigen::Index(valid));
}

void TestCli::nonFiniteResultIsNeverCompleted_data()
{
    // Issues 8 and 15: a non-finite value is never reported as completed or converged, in any
    // engine; the status, the exit code, summary.json and the message all say so.
    QTest::addColumn<QString>("engine");
    QTest::addColumn<QStringList>("sets");
    QTest::addColumn<QString>("status"); // the engine's status in summary.json and runEngine's
    QTest::addColumn<QString>("said"); // a part of the message
    // (one run per engine: the preset's continuous-time levels off)
    const QStringList small = { "sim.dimension=100", "sim.seeds=2", "time.steps=10", "dmft.paths=1000",
        "dmft.tangent_paths=100", "dmft.replicas=2", "sim.continuous_time=off", "dmft.continuous_time=off" };
    // init.q0 = 1e200: every value a seed records is finite (Q = 1e200, losses ~5e199), but the
    // seeds' squared deviations overflow, so every SE is inf while the simulations themselves
    // report "completed": runEngine's guard is what turns them into numerical failures.
    for (const char *e : { "sgd", "sgf", "online" })
        QTest::newRow(qPrintable(QString(e) + ": SE overflows"))
            << QString(e) << small + QStringList { "init.q0=1e200" } << "numerical_failure"
            << "non-finite train loss SE at t = 0 in the finished result (the engine reported \"completed\")";
    // Values that blow up during the run: each engine's own check stops it first, naming the key.
    QTest::newRow("sgd: learning rate too large")
        << "sgd" << small + QStringList { "optimizer.learning_rate=10" } << "diverged"
        << "optimizer.learning_rate";
    QTest::newRow("sgf: tau too large") << "sgf" << small + QStringList { "optimizer.tau=20" } << "diverged"
                                        << "optimizer.tau";
    QTest::newRow("online: learning rate too large")
        << "online" << small + QStringList { "optimizer.learning_rate=10" } << "diverged"
        << "optimizer.learning_rate";
    QTest::newRow("ode: tau too large") << "ode" << small + QStringList { "optimizer.tau=20" } << "diverged"
                                        << "optimizer.tau";
    QTest::newRow("dmft: tau too large") << "dmft" << small + QStringList { "optimizer.tau=20" } << "diverged"
                                         << "optimizer.tau";
}

void TestCli::nonFiniteResultIsNeverCompleted()
{
    QFETCH(QString, engine);
    QFETCH(QStringList, sets);
    QFETCH(QString, status);
    QFETCH(QString, said);
    const std::string e = engine.toStdString();

    // Through runEngine, as the window, the sweeps and the Python module call it.
    ConfigSources sources;
    sources.preset = "linear-regression";
    for (const QString &set : sets)
        sources.sets.push_back(set.toStdString());
    const ConfigResult resolved = resolveConfig(sources);
    QVERIFY2(resolved.ok(), resolved.error.c_str());
    QVERIFY(!checkEngine(e, *resolved.config)); // the input itself is fine
    const EngineResult direct = runEngine(e, *resolved.config);
    QCOMPARE(QString::fromStdString(toString(direct.status)), status);
    QVERIFY2(QString::fromStdString(direct.message).contains(said), direct.message.c_str());
    // Whatever the status, what it does report within its valid points is finite, or the run is
    // not reported as finished (the guard's invariant).
    const bool finished = direct.status == Status::Completed || direct.status == Status::Converged
        || direct.status == Status::MaxIterations;
    QVERIFY(!finished);

    // Through dmftlab-cli run: exit 3, one line naming the failure, summary.json agrees.
    QTemporaryDir tmp;
    const QString out = tmp.path() + "/run";
    QStringList args = { "run", "--preset", "linear-regression", "--engine", engine, "--out", out, "-q" };
    for (const QString &set : sets)
        args << "--set" << set;
    const Run r = runCli(args);
    QVERIFY2(r.exitCode == 3, describe(r));
    const QString verb = status == "diverged" ? " diverged: " : " failed numerically: ";
    QVERIFY2(r.err.contains("dmftlab-cli: " + engine + verb), describe(r));
    QVERIFY2(r.err.contains(said), describe(r));
    const fs::path dir = out.toStdString();
    const json summary = readJson(dir / "summary.json");
    QCOMPARE(summary["status"].get<std::string>(), std::string("diverged")); // the run's: exit 3
    const json &entry = summary["engines"][e];
    QCOMPARE(QString::fromStdString(entry["status"].get<std::string>()), status);
    QVERIFY2(QString::fromStdString(entry["message"].get<std::string>()).contains(said),
        entry["message"].get<std::string>().c_str());
    // The curves it wrote: a header and one row per valid point.
    const int valid = entry["valid_points"].get<int>();
    QCOMPARE(int(lines(readText(dir / (e + "_curves.csv"))).size()), valid + 1);
}

void TestCli::sigintCancels()
{
    QTemporaryDir tmp;
    const QString out = tmp.path() + "/cancel";
    QProcess p;
    p.setProcessEnvironment(headlessEnvironment());
    // Big enough to take many seconds; cancelled long before the end.
    p.start(QStringLiteral(DMFTLAB_CLI_PATH),
        { "run", "--preset", "linear-regression", "--engine", "sgf,sgd", "--out", out, "--set",
            "sim.dimension=4000", "--set", "sim.seeds=64", "--set", "time.steps=200", "--set",
            "sim.threads=1" });
    QVERIFY(p.waitForStarted(10000));
    QByteArray err;
    QElapsedTimer timer;
    timer.start();
    while (!err.contains("dmftlab-cli: sgf") && timer.elapsed() < 20000 && p.state() == QProcess::Running) {
        p.waitForReadyRead(100);
        err += p.readAllStandardError();
    }
    QVERIFY2(p.state() == QProcess::Running, err);
    QTest::qWait(300);
    ::kill(static_cast<pid_t>(p.processId()), SIGINT);
    timer.restart();
    QVERIFY2(p.waitForFinished(15000), "no exit within 15 s of SIGINT");
    const qint64 latency = timer.elapsed();
    qInfo("exit %lld ms after SIGINT", static_cast<long long>(latency));
    err += p.readAllStandardError();
    QVERIFY2(p.exitStatus() == QProcess::NormalExit, err);
    QCOMPARE(p.exitCode(), 130);
    const fs::path dir = out.toStdString();
    const json summary = readJson(dir / "summary.json");
    QCOMPARE(summary["status"].get<std::string>(), std::string("cancelled"));
    QCOMPARE(summary["engines"]["sgf"]["status"].get<std::string>(), std::string("cancelled"));
    QCOMPARE(summary["engines"]["sgd"]["status"].get<std::string>(), std::string("skipped"));
    QVERIFY(fs::exists(dir / "config.json"));
    const int valid = summary["engines"]["sgf"]["valid_points"].get<int>();
    QVERIFY(valid < 201);
    if (valid > 0)
        QCOMPARE(int(lines(readText(dir / "sgf_curves.csv")).size()), valid + 1);
}

// Issue 15: on a full disk, summary.json must list exactly the files the folder holds and
// say "write_failed". A file-size limit (ulimit -f, SIGXFSZ ignored) stands for the full
// disk: the small files fit, the 41 x 41 kernel matrices do not.
void TestCli::fullDiskLeavesAConsistentSummary()
{
    QTemporaryDir tmp;
    const QString out = tmp.path() + "/full";
    QStringList args = smallRun("linear-regression", out);
    args[args.indexOf("time.steps=10")] = "time.steps=40";
    args[args.indexOf("sgf")] = "sgf,ode";
    QString command = "trap '' XFSZ; ulimit -f 24; exec \"$0\" \"$@\"";
    QProcess p;
    p.setProcessEnvironment(headlessEnvironment());
    p.start("/bin/sh", QStringList { "-c", command, QStringLiteral(DMFTLAB_CLI_PATH) } + args);
    QVERIFY(p.waitForStarted(10000) && p.waitForFinished(60000));
    const QByteArray err = p.readAllStandardError();
    QCOMPARE(p.exitCode(), 1);
    QVERIFY2(err.contains("cannot write") && err.contains("C_theta"), err);
    const fs::path dir = out.toStdString();
    const json summary = readJson(dir / "summary.json");
    QVERIFY2(summary.is_object(), err);
    QCOMPARE(summary["status"].get<std::string>(), std::string("write_failed"));
    std::set<std::string> listed = { "config.json", "summary.json" }, present;
    for (const char *engine : { "sgf", "ode" }) {
        QVERIFY2(summary["engines"].contains(engine), engine); // both engines ran and are recorded
        for (const auto &f : summary["engines"][engine]["files"])
            listed.insert(f.get<std::string>());
    }
    for (const auto &entry : fs::directory_iterator(dir))
        present.insert(entry.path().filename().string()); // no temporary files left either
    QCOMPARE(listed, present);
    QVERIFY(present.count("sgf_curves.csv") && !present.count("sgf_C_theta.csv"));
}

// Issue 15: a signal that arrived while files and figures were written was ignored (exit 4
// after writing everything). Now the engine's data files are finished, the figures not yet
// begun are skipped, and the run ends "cancelled" (exit 130) with a summary that lists
// exactly the folder. The signal goes out when stdout reports the engine (its files are
// written, the figures come next); large PNGs keep the figures busy for seconds.
void TestCli::signalWhileFiguresAreWritten()
{
    QTemporaryDir tmp;
    const QString out = tmp.path() + "/signal";
    QStringList args = smallRun("linear-regression", out);
    args << "--plots"
         << "png,pdf,svg"
         << "--plot-size"
         << "4000x3000"
         << "--plot-scale"
         << "2";
    QProcess p;
    p.setProcessEnvironment(headlessEnvironment());
    p.start(QStringLiteral(DMFTLAB_CLI_PATH), args);
    QVERIFY(p.waitForStarted(10000));
    QByteArray stdOut;
    QElapsedTimer timer;
    timer.start();
    while (!stdOut.contains("\nsgf: ") && timer.elapsed() < 60000 && p.state() == QProcess::Running) {
        p.waitForReadyRead(100);
        stdOut += p.readAllStandardOutput();
    }
    QVERIFY2(p.state() == QProcess::Running, stdOut + p.readAllStandardError());
    ::kill(static_cast<pid_t>(p.processId()), SIGINT);
    QVERIFY2(p.waitForFinished(60000), "no exit within 60 s of SIGINT");
    const QByteArray err = p.readAllStandardError();
    QVERIFY2(p.exitStatus() == QProcess::NormalExit, err);
    QCOMPARE(p.exitCode(), 130);
    const fs::path dir = out.toStdString();
    const json summary = readJson(dir / "summary.json");
    QVERIFY2(summary.is_object() && summary["engines"].contains("sgf"), err);
    QCOMPARE(summary["status"].get<std::string>(), std::string("cancelled"));
    QCOMPARE(summary["engines"]["sgf"]["status"].get<std::string>(), std::string("completed"));
    QCOMPARE(int(lines(readText(dir / "sgf_curves.csv")).size()), 11 + 1);
    std::set<std::string> listed = { "config.json", "summary.json" }, present;
    for (const auto &f : summary["engines"]["sgf"]["files"])
        listed.insert(f.get<std::string>());
    // No "plots" when the signal came before the first figure; else the figures written.
    const json plots = summary.value("plots", json::array());
    for (const auto &f : plots)
        listed.insert(f.get<std::string>());
    for (const auto &entry : fs::directory_iterator(dir))
        present.insert(entry.path().filename().string()); // no temporary files left either
    QCOMPARE(listed, present);
    QVERIFY2(plots.size() < 9, plots.dump().c_str()); // the rest were skipped
}

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
