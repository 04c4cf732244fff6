// `dmftlab-cli sweep` driven through QProcess (issue 11): a point's files equal those of
// `dmftlab-cli run` with the same --set (byte for byte) and sweep.csv's scalar equals the
// run's final value; a rerun with the same --out resumes without recomputing; SIGINT
// leaves a sweep.csv listing exactly the finished points; bad specs are refused (exit 2)
// before anything is written; --plots writes the family and phase-diagram figures.
#include "clitestutil.h"
#include "config/config.h"
#include "io/csv.h"
#include "io/files.h"
#include "testutil.h"

#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <csignal>
#include <filesystem>
#include <sstream>

using namespace dmftlab;
namespace fs = std::filesystem;

namespace
{

using test::describe;
using test::readText;
using Run = test::CliRun;

Run runCli(const QStringList &args)
{
    return test::runCli(args, 120000);
}

std::vector<std::vector<std::string>> csvRows(const std::string &text)
{
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> cells;
        std::istringstream l(line);
        std::string cell;
        while (std::getline(l, cell, ','))
            cells.push_back(cell);
        rows.push_back(cells);
    }
    return rows;
}

/// Without white space: the SVG writer splits text into runs where the script changes.
QString squeezed(QString text)
{
    return text.remove(QRegularExpression("\\s"));
}

int column(const std::vector<std::string> &header, const std::string &name)
{
    for (std::size_t i = 0; i < header.size(); ++i)
        if (header[i] == name)
            return int(i);
    return -1;
}

/// Linear regression at test sizes (each point takes well under a second).
const QStringList kTiny = { "--preset", "linear-regression", "--set", "time.steps=10", "--set",
    "time.horizon=2", "--set", "sim.dimension=40", "--set", "sim.seeds=2", "--set", "sim.threads=1", "--set",
    "dmft.paths=300", "--set", "dmft.tangent_paths=100", "--set", "dmft.replicas=2", "--set",
    "dmft.max_iterations=8", "--quiet" };

} // namespace

class TestSweepCli : public QObject
{
    Q_OBJECT
private slots:
    void pointsEqualSingleRuns();
    void resumeSkipsFinishedPoints();
    void sweepOverDReusesTheDmft();
    void cancelLeavesConsistentCsv();
    void refusesBadSpecsBeforeWriting_data();
    void refusesBadSpecsBeforeWriting();
    void phaseDiagramFigure();
};

void TestSweepCli::pointsEqualSingleRuns()
{
    QTemporaryDir tmp;
    const fs::path sweep = tmp.filePath("sweep").toStdString(), single = tmp.filePath("single").toStdString();
    const Run s = runCli(QStringList { "sweep" } + kTiny
        + QStringList { "--vary", "data.alpha=1,2.5", "--engine", "sgf,dmft", "--scalar",
            "final_test_loss@dmft,final_train_loss,dmft_sim_gap", "--out",
            QString::fromStdString(sweep.string()), "--plots", "png", "--plots", "svg", "--palette",
            "tableau" });
    QVERIFY2(s.exitCode == 0, describe(s));
    const Run r = runCli(QStringList { "run" } + kTiny
        + QStringList { "--set", "data.alpha=2.5", "--engine", "sgf,dmft", "--out",
            QString::fromStdString(single.string()) });
    QVERIFY2(r.exitCode == 0, describe(r));
    const fs::path point = sweep / "points" / "p001";
    for (const char *file : { "config.json", "dmft_curves.csv", "sgf_curves.csv", "dmft_C_theta.csv",
             "dmft_R_theta.csv", "sgf_C_theta_se.csv", "dmft_residuals.csv" })
        QVERIFY2(readText(point / file) == readText(single / file), file);
    const auto rows = csvRows(readText(sweep / "sweep.csv"));
    QCOMPARE(int(rows.size()), 3); // header + 2 points
    const auto &h = rows[0];
    QCOMPARE(rows[2][column(h, "data.alpha")], std::string("2.5"));
    // The point's status is the worst engine's: here the DMFT's, as the run reports it.
    const json summary = json::parse(readText(single / "summary.json"));
    QCOMPARE(rows[2][column(h, "status")], summary["engines"]["dmft"]["status"].get<std::string>());
    // The scalar is the run's final test loss, as written in its curves file.
    const auto curves = csvRows(readText(single / "dmft_curves.csv"));
    QCOMPARE(rows[2][column(h, "final_test_loss@dmft")], curves.back()[column(curves[0], "test_loss")]);
    QCOMPARE(rows[2][column(h, "final_test_loss@dmft_se")], curves.back()[column(curves[0], "test_loss_se")]);
    // Without @ENGINE a scalar reads the first engine of --engine (sgf here).
    const auto sgf = csvRows(readText(single / "sgf_curves.csv"));
    QCOMPARE(rows[2][column(h, "final_train_loss")], sgf.back()[column(sgf[0], "train_loss")]);
    double gap = 0;
    QVERIFY(io::parseNumber(rows[2][column(h, "dmft_sim_gap")], &gap) && gap >= 0 && std::isfinite(gap));
    QVERIFY(!rows[1][column(h, "iterations")].empty());
    for (const char *fig : { "family_final_test_loss_dmft.png", "family_test_loss.png" }) {
        const std::string png = readText(sweep / fig);
        QVERIFY2(png.size() > 1000 && png.compare(1, 3, "PNG") == 0, fig);
        QCOMPARE(test::pngSize(png), std::pair(900, 600)); // the default size
    }
    // --palette colours the end-point panel as in `run` (Tableau's blue, not Okabe–Ito's).
    const std::string family = readText(sweep / "family_final_test_loss_dmft.svg");
    QVERIFY(family.find("#1f77b4") != std::string::npos && family.find("#0072b2") == std::string::npos);
    QVERIFY(squeezed(test::svgTexts(family).join("")).contains(squeezed("sample ratio α = n/d")));
}

// The DMFT ignores sim.* (engine/registry.h): in a sweep over d it is computed once and
// reused, and every point still gets its files, equal to a single run at that d.
void TestSweepCli::sweepOverDReusesTheDmft()
{
    QTemporaryDir tmp;
    const fs::path sweep = tmp.filePath("sweep").toStdString(), single = tmp.filePath("single").toStdString();
    const Run s = runCli(QStringList { "sweep" } + QStringList(kTiny).replaceInStrings("--quiet", "--slide")
        + QStringList { "--vary", "sim.dimension=40,60,80", "--engine", "dmft", "--out",
            QString::fromStdString(sweep.string()) });
    QVERIFY2(s.exitCode == 0, describe(s));
    QCOMPARE(s.err.count("(reused: the same engine settings as an earlier point)"), 2);
    const Run r = runCli(QStringList { "run" } + kTiny
        + QStringList { "--set", "sim.dimension=80", "--engine", "dmft", "--out",
            QString::fromStdString(single.string()) });
    QVERIFY2(r.exitCode == 0, describe(r));
    for (const char *point : { "p000", "p001", "p002" })
        for (const char *file : { "point.json", "dmft_curves.csv", "dmft_C_theta.csv", "dmft_residuals.csv" })
            QVERIFY2(fs::exists(sweep / "points" / point / file), (std::string(point) + "/" + file).c_str());
    for (const char *file : { "config.json", "dmft_curves.csv", "dmft_K.csv", "dmft_residuals.csv" })
        QVERIFY2(readText(sweep / "points" / "p002" / file) == readText(single / file), file);
    QCOMPARE(int(csvRows(readText(sweep / "sweep.csv")).size()), 4);
}

void TestSweepCli::resumeSkipsFinishedPoints()
{
    QTemporaryDir tmp;
    const QString out = tmp.filePath("sweep");
    const QStringList args = QStringList { "sweep" } + kTiny
        + QStringList { "--vary", "data.alpha=1,2,3", "--engine", "dmft", "--out", out };
    const Run first = runCli(args);
    QVERIFY2(first.exitCode == 0, describe(first));
    const std::string csv = readText(fs::path(out.toStdString()) / "sweep.csv");
    // Remove one finished point: the rerun recomputes only that one.
    fs::remove(fs::path(out.toStdString()) / "points" / "p001" / "point.json");
    const Run again = runCli(QStringList(args).replaceInStrings("--quiet", "--slide"));
    QVERIFY2(again.exitCode == 0, describe(again));
    QVERIFY2(again.out.contains("resuming: 2 of 3 points already done"), describe(again));
    QCOMPARE(again.err.count("(done before)"), 2);
    QVERIFY2(again.err.contains("α = 2: "), describe(again));
    // Same results; the recomputed point is bitwise the same except its wall time.
    const auto a = csvRows(csv), b = csvRows(readText(fs::path(out.toStdString()) / "sweep.csv"));
    QCOMPARE(a.size(), b.size());
    const int wall = column(a[0], "wall_seconds");
    for (std::size_t i = 0; i < a.size(); ++i)
        for (std::size_t c = 0; c < a[i].size(); ++c)
            if (int(c) != wall || i != 2)
                QCOMPARE(b[i][c], a[i][c]);
    // Another sweep into the same folder is refused.
    const Run other = runCli(QStringList { "sweep" } + kTiny
        + QStringList { "--vary", "data.alpha=1,2", "--engine", "dmft", "--out", out });
    QCOMPARE(other.exitCode, 2);
    QVERIFY2(other.err.contains("different sweep"), describe(other));
}

void TestSweepCli::cancelLeavesConsistentCsv()
{
    QTemporaryDir tmp;
    const fs::path out = tmp.filePath("sweep").toStdString();
    // Simulation points slow enough (~0.3-1 s each on one thread) that SIGINT arrives
    // while the sweep runs, also on an idle machine (d = 400, N = 40 took 0.01 s a point).
    QStringList args = QStringList { "sweep" } + kTiny
        + QStringList { "--set", "sim.dimension=1500", "--set", "time.steps=80", "--vary",
              "data.alpha=lin:1:4:7", "--engine", "sgf", "--out", QString::fromStdString(out.string()) };
    args.removeAll("--quiet");
    QProcess p;
    p.setProcessEnvironment(test::headlessEnvironment());
    p.start(QStringLiteral(DMFTLAB_CLI_PATH), args);
    QVERIFY(p.waitForStarted(10000));
    QString err;
    QElapsedTimer timer;
    timer.start();
    while (!err.contains("[2/7]") && timer.elapsed() < 60000 * test::kTimeoutScale
        && p.state() == QProcess::Running) {
        p.waitForReadyRead(200);
        err += QString::fromUtf8(p.readAllStandardError());
    }
    ::kill(static_cast<pid_t>(p.processId()), SIGINT);
    QVERIFY(p.waitForFinished(60000));
    err += QString::fromUtf8(p.readAllStandardError());
    QCOMPARE(p.exitCode(), 130);
    const auto rows = csvRows(readText(out / "sweep.csv"));
    QVERIFY2(rows.size() >= 3 && rows.size() < 8, err.toUtf8());
    int withPointJson = 0;
    for (const auto &entry : fs::directory_iterator(out / "points"))
        withPointJson += fs::exists(entry.path() / "point.json") ? 1 : 0;
    QCOMPARE(withPointJson, int(rows.size()) - 1);
    for (std::size_t i = 1; i < rows.size(); ++i) {
        QCOMPARE(rows[i][column(rows[0], "status")], std::string("completed"));
        QVERIFY(fs::exists(out / "points" / rows[i][0] / "sgf_curves.csv"));
    }
    // Resuming finishes the sweep.
    const Run rest = runCli(args << "--quiet");
    QVERIFY2(rest.exitCode == 0, describe(rest));
    QCOMPARE(int(csvRows(readText(out / "sweep.csv")).size()), 8);
}

void TestSweepCli::refusesBadSpecsBeforeWriting_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("unknown key") << QStringList { "--vary", "data.beta=1,2" } << "unknown key 'data.beta'";
    QTest::newRow("value rejected") << QStringList { "--vary", "data.alpha=1,0" } << "data.alpha";
    QTest::newRow("bad range") << QStringList { "--vary", "data.alpha=lin:1:2" } << "lin:FROM:TO:COUNT";
    QTest::newRow("three axes") << QStringList { "--vary", "data.alpha=1,2", "--vary", "init.q0=1,2",
        "--vary", "optimizer.tau=1,2" }
                                << "one or two";
    QTest::newRow("too many points") << QStringList { "--vary", "data.alpha=lin:1:2:200", "--vary",
        "optimizer.tau=lin:0.1:1:200" }
                                     << "40000 points";
    QTest::newRow("too long") << QStringList { "--set", "sim.seeds=10000", "--set", "sim.dimension=8000",
        "--set", "time.steps=1000", "--vary", "data.alpha=1,2", "--engine", "sgf" }
                              << "rough estimate";
    QTest::newRow("unknown scalar") << QStringList { "--vary", "data.alpha=1,2", "--scalar", "loss" }
                                    << "unknown scalar";
    QTest::newRow("bad contour level") << QStringList { "--vary", "data.alpha=1,2", "--contours", "0.1,low" }
                                       << "--contours expects numbers separated by commas, got 'low'";
    // The figure options are `run`'s, with its messages.
    QTest::newRow("bad palette") << QStringList { "--vary", "data.alpha=1,2", "--palette", "rainbow" }
                                 << "unknown palette 'rainbow' (known: okabe-ito, tableau)";
    QTest::newRow("bad plot size") << QStringList { "--vary", "data.alpha=1,2", "--plot-size", "10x10" }
                                   << "--plot-size expects WIDTHxHEIGHT";
}

void TestSweepCli::refusesBadSpecsBeforeWriting()
{
    QFETCH(QStringList, args);
    QFETCH(QString, mentions);
    QTemporaryDir tmp;
    const QString out = tmp.filePath("never");
    const Run r = runCli(QStringList { "sweep" } + kTiny + args + QStringList { "--out", out });
    QCOMPARE(r.exitCode, 2);
    QVERIFY2(r.err.contains(mentions), describe(r));
    QCOMPARE(r.err.count('\n'), 1);
    QVERIFY(!fs::exists(out.toStdString()));
}

void TestSweepCli::phaseDiagramFigure()
{
    QTemporaryDir tmp;
    const fs::path out = tmp.filePath("pd").toStdString();
    const Run r = runCli(QStringList { "sweep" } + kTiny
        + QStringList { "--vary", "data.alpha=1,2,3", "--vary", "optimizer.tau=log:0.1:1:3", "--scalar",
            "final_test_loss,time_to_test_loss:0.6", "--out", QString::fromStdString(out.string()), "--plots",
            "png,svg", "--plot-size", "slide-small", "--stamp" });
    QVERIFY2(r.exitCode == 0, describe(r));
    QCOMPARE(int(csvRows(readText(out / "sweep.csv")).size()), 10);
    const std::string png = readText(out / "phase_final_test_loss.png");
    QVERIFY(png.size() > 1000 && png.compare(1, 3, "PNG") == 0);
    QCOMPARE(test::pngSize(png), std::pair(1280, 720));
    const std::string svg = readText(out / "phase_time_to_test_loss_0.6.svg");
    QVERIFY(svg.find("<svg") != std::string::npos);
    // Axes titled with the parameters' names; the stamp gives the varied ones as ranges.
    const QString all = squeezed(test::svgTexts(svg).join(""));
    for (const char *text :
        { "sample ratio α = n/d", "τ = η/B", "α = 1…3", "τ = 0.1…1", "linear-regression" })
        QVERIFY2(all.contains(squeezed(QString::fromUtf8(text))), qPrintable(all));
}

QTEST_GUILESS_MAIN(TestSweepCli)
#include "test_sweep_cli.moc"
