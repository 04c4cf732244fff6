// The data writers of core/io: CSV and JSON round trips of a small Curves, the column
// layout the CLI documents, truncation to validPoints, kernel files, atomic writes.
#include "config/presets.h"
#include "io/csv.h"
#include "io/curvesjson.h"
#include "io/files.h"
#include "io/summary.h"
#include "testutil.h"
#include "version.h"

#include <QTemporaryDir>
#include <cmath>
#include <filesystem>
#include <limits>

using namespace dmftlab;

namespace
{

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string readFileText(const std::string &path)
{
    std::string text;
    return io::readFile(path, &text).empty() ? text : std::string();
}

// Values that stress the number format: tiny, huge, negative, irrational, NaN.
Curves sampleCurves(int k, int kStar, int N)
{
    Curves c;
    c.engine = "sgf";
    std::vector<double> grid(N + 1);
    for (int n = 0; n <= N; ++n)
        grid[n] = 0.1 * n;
    c.allocate(k, kStar, grid);
    c.validPoints = N + 1;
    for (int n = 0; n <= N; ++n) {
        c.trainLoss.mean[n] = std::exp(-0.3 * n) / 3.0;
        c.trainLoss.se[n] = 1e-300 * (n + 1);
        c.testLoss.mean[n] = -1.0 / 7.0 * n;
        c.testLoss.se[n] = kNaN;
        c.testError.mean[n] = 1e20 * M_PI;
        c.testError.se[n] = 0.0;
        for (std::size_t i = 0; i < c.Q.size(); ++i) {
            c.Q[i].mean[n] = std::sqrt(2.0) * (i + 1) + n;
            c.Q[i].se[n] = 0.01 * (i + 1);
        }
        for (std::size_t i = 0; i < c.M.size(); ++i) {
            c.M[i].mean[n] = -std::sqrt(3.0) * (i + 1) * n;
            c.M[i].se[n] = 0.02 * (i + 1);
        }
    }
    c.Ctheta.rowsPerBlock = c.Ctheta.colsPerBlock = k;
    for (int b = 0; b < k * k; ++b) {
        Eigen::MatrixXd m(N + 1, N + 1);
        for (int i = 0; i <= N; ++i)
            for (int j = 0; j <= N; ++j)
                m(i, j) = 1.0 / (1 + i + j) + b;
        c.Ctheta.mean.push_back(m);
        c.Ctheta.se.push_back(0.1 * m);
    }
    return c;
}

bool sameNumber(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

void compareEstimate(const Estimate &a, const Estimate &b, int n, const char *what)
{
    for (int i = 0; i < n; ++i) {
        QVERIFY2(sameNumber(a.mean[i], b.mean[i]), what);
        QVERIFY2(sameNumber(a.se[i], b.se[i]), what);
    }
}

} // namespace

class TestCliWriters : public QObject
{
    Q_OBJECT
private slots:
    void numberFormat_data();
    void numberFormat();
    void columns();
    void csvRoundTrip_data();
    void csvRoundTrip();
    void csvTruncatesToValidPoints();
    void csvRejectsGarbage();
    void jsonRoundTrip();
    void kernelFiles();
    void atomicWrite();
    void outputDirectoryChecks();
    void summaryEntriesFollowTheRegistry();
    void summaryStatusIsTheWorst();
    void summaryNeverContradictsTheFolder();
};

void TestCliWriters::numberFormat_data()
{
    QTest::addColumn<double>("x");
    QTest::newRow("zero") << 0.0;
    QTest::newRow("third") << 1.0 / 3.0;
    QTest::newRow("tiny") << 4.9e-324;
    QTest::newRow("huge") << -1.7976931348623157e308;
    QTest::newRow("pi") << M_PI;
    QTest::newRow("inf") << std::numeric_limits<double>::infinity();
}

void TestCliWriters::numberFormat()
{
    QFETCH(double, x);
    double back = 0.0;
    QVERIFY(io::parseNumber(io::formatNumber(x), &back));
    QCOMPARE(back, x);
    QCOMPARE(io::formatNumber(kNaN), std::string("nan"));
    QVERIFY(io::parseNumber("nan", &back) && std::isnan(back));
    QVERIFY(!io::parseNumber("1.5x", &back));
    QVERIFY(!io::parseNumber("", &back));
}

void TestCliWriters::columns()
{
    const auto cols = io::curvesColumns(2, 3);
    QCOMPARE(cols.size(), std::size_t(1 + 2 * (3 + 4 + 6)));
    QCOMPARE(cols[0], std::string("t"));
    QCOMPARE(cols[1], std::string("train_loss"));
    QCOMPARE(cols[2], std::string("train_loss_se"));
    QCOMPARE(cols[7], std::string("Q_1_1"));
    QCOMPARE(cols[9], std::string("Q_1_2"));
    QCOMPARE(cols[15], std::string("M_1_1"));
    QCOMPARE(cols.back(), std::string("M_2_3_se"));
}

void TestCliWriters::csvRoundTrip_data()
{
    QTest::addColumn<int>("k");
    QTest::addColumn<int>("kStar");
    QTest::newRow("glm") << 1 << 1;
    QTest::newRow("committee 2x3") << 2 << 3;
}

void TestCliWriters::csvRoundTrip()
{
    QFETCH(int, k);
    QFETCH(int, kStar);
    const int N = 6;
    const Curves c = sampleCurves(k, kStar, N);
    const std::string text = io::curvesCsv(c);
    QVERIFY(text.find(",nan,") != std::string::npos); // testLoss.se
    Curves back;
    const std::string err = io::parseCurvesCsv(text, &back);
    QVERIFY2(err.empty(), err.c_str());
    QCOMPARE(back.k, k);
    QCOMPARE(back.kStar, kStar);
    QCOMPARE(back.validPoints, N + 1);
    QCOMPARE(back.t, c.t);
    compareEstimate(back.trainLoss, c.trainLoss, N + 1, "train_loss");
    compareEstimate(back.testLoss, c.testLoss, N + 1, "test_loss");
    compareEstimate(back.testError, c.testError, N + 1, "test_error");
    for (std::size_t i = 0; i < c.Q.size(); ++i)
        compareEstimate(back.Q[i], c.Q[i], N + 1, "Q");
    for (std::size_t i = 0; i < c.M.size(); ++i)
        compareEstimate(back.M[i], c.M[i], N + 1, "M");

    Eigen::MatrixXd m;
    QVERIFY(io::parseMatrixCsv(io::matrixCsv(c.Ctheta.mean[0]), &m).empty());
    QCOMPARE(m.rows(), Eigen::Index(N + 1));
    QVERIFY(m == c.Ctheta.mean[0]);
}

void TestCliWriters::csvTruncatesToValidPoints()
{
    Curves c = sampleCurves(1, 1, 10);
    c.validPoints = 4;
    Curves back;
    QVERIFY(io::parseCurvesCsv(io::curvesCsv(c), &back).empty());
    QCOMPARE(back.validPoints, 4);
    QCOMPARE(back.t.size(), std::size_t(4));
    Eigen::MatrixXd m;
    QVERIFY(io::parseMatrixCsv(io::matrixCsv(c.Ctheta.mean[0], c.validPoints), &m).empty());
    QCOMPARE(m.rows(), Eigen::Index(4));
    QCOMPARE(m.cols(), Eigen::Index(4));
}

void TestCliWriters::csvRejectsGarbage()
{
    Curves back;
    QVERIFY(!io::parseCurvesCsv("", &back).empty());
    QVERIFY(!io::parseCurvesCsv("t,train_loss\n0,1\n", &back).empty());
    std::string text = io::curvesCsv(sampleCurves(1, 1, 2));
    text += "0.3,1,2\n"; // short row
    const std::string err = io::parseCurvesCsv(text, &back);
    QVERIFY2(err.find("fields") != std::string::npos, err.c_str());
}

void TestCliWriters::jsonRoundTrip()
{
    Curves c = sampleCurves(2, 2, 5);
    c.residuals = { 0.5, 0.01, kNaN };
    c.iterations = 3;
    c.validPoints = 5;
    // Through text, as a session file would go.
    const auto j = nlohmann::json::parse(io::curvesToJson(c).dump());
    Curves back;
    const std::string err = io::curvesFromJson(j, &back);
    QVERIFY2(err.empty(), err.c_str());
    QCOMPARE(back.engine, c.engine);
    QCOMPARE(back.validPoints, 5);
    compareEstimate(back.trainLoss, c.trainLoss, 5, "train_loss");
    compareEstimate(back.testLoss, c.testLoss, 5, "test_loss");
    for (std::size_t i = 0; i < c.Q.size(); ++i)
        compareEstimate(back.Q[i], c.Q[i], 5, "Q");
    QCOMPARE(back.Ctheta.mean.size(), std::size_t(4));
    QVERIFY(back.Ctheta.mean[3] == c.Ctheta.mean[3].topLeftCorner(5, 5));
    QVERIFY(back.Cg.empty());
    QCOMPARE(back.residuals.size(), std::size_t(3));
    QVERIFY(std::isnan(back.residuals[2]));
    QCOMPARE(back.iterations, 3);

    auto broken = j;
    broken["Q"][1]["mean"][2] = "x";
    QVERIFY(io::curvesFromJson(broken, &back).find("Q[1].mean[2]") != std::string::npos);
}

void TestCliWriters::kernelFiles()
{
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const std::string dir = tmp.path().toStdString();
    Curves c = sampleCurves(2, 2, 4);
    c.engine = "dmft";
    c.residuals = { 0.1, 0.001 };
    c.Rtheta = c.Ctheta;
    c.Rtheta.se.clear();
    const auto result = io::writeCurvesFiles(c, dir);
    QVERIFY2(result.ok(), result.error.c_str());
    for (const char *name :
        { "dmft_curves.csv", "dmft_C_theta.csv", "dmft_C_theta_se.csv", "dmft_C_theta_1_2.csv",
            "dmft_C_theta_2_2_se.csv", "dmft_R_theta.csv", "dmft_R_theta_2_1.csv", "dmft_residuals.csv" })
        QVERIFY2(std::filesystem::exists(dir + "/" + name), name);
    QVERIFY(!std::filesystem::exists(dir + "/dmft_R_theta_se.csv"));
    QVERIFY(!std::filesystem::exists(dir + "/dmft_C_g.csv"));

    // The trace file is the sum of the diagonal blocks.
    std::string text;
    QVERIFY(io::readFile(dir + "/dmft_C_theta.csv", &text).empty());
    Eigen::MatrixXd trace;
    QVERIFY(io::parseMatrixCsv(text, &trace).empty());
    QVERIFY(trace.isApprox(c.Ctheta.mean[0] + c.Ctheta.mean[3]));
    QVERIFY(io::readFile(dir + "/dmft_residuals.csv", &text).empty());
    QCOMPARE(text, std::string("iteration,residual\n1,0.1\n2,0.001\n"));
    // No temp files left behind.
    for (const auto &entry : std::filesystem::directory_iterator(dir))
        QVERIFY2(entry.path().filename().string()[0] != '.', entry.path().c_str());
}

void TestCliWriters::atomicWrite()
{
    QTemporaryDir tmp;
    const std::string path = tmp.path().toStdString() + "/a.txt";
    QVERIFY(io::writeFileAtomic(path, "first").empty());
    QVERIFY(io::writeFileAtomic(path, "second").empty());
    std::string text;
    QVERIFY(io::readFile(path, &text).empty());
    QCOMPARE(text, std::string("second"));
    const std::string err = io::writeFileAtomic(tmp.path().toStdString() + "/missing/b.txt", "x");
    QVERIFY2(err.find("missing/b.txt") != std::string::npos, err.c_str());
    QVERIFY(io::temporaryPathFor("/x/loss.png").find(".png") != std::string::npos);
}

void TestCliWriters::outputDirectoryChecks()
{
    QTemporaryDir tmp;
    const std::string base = tmp.path().toStdString();
    QVERIFY(io::checkOutputDirectory(base).empty());
    QVERIFY(io::checkOutputDirectory(base + "/new/deeper").empty());
    QVERIFY(!std::filesystem::exists(base + "/new")); // checking creates nothing
    QVERIFY(io::writeFileAtomic(base + "/file", "x").empty());
    QVERIFY(io::checkOutputDirectory(base + "/file").find("not a folder") != std::string::npos);
    QVERIFY(io::checkOutputDirectory(base + "/file/sub").find("not a folder") != std::string::npos);
    QVERIFY(!io::checkOutputDirectory("").empty());
    QVERIFY(io::createOutputDirectory(base + "/new/deeper").empty());
    QVERIFY(std::filesystem::is_directory(base + "/new/deeper"));
}

// The one summary.json writer (CLI and the GUI's Export data): per-engine entries chosen
// by the engine's registry properties, not by its name.
void TestCliWriters::summaryEntriesFollowTheRegistry()
{
    QTemporaryDir tmp;
    const RunConfig config = presetConfig("linear-regression");
    io::RunSummary summary(config, { "sgd", "online", "dmft" }, tmp.path().toStdString());
    Curves curves = sampleCurves(1, 1, 4);
    curves.residuals = { 0.5, 0.01 };
    summary.setEngine({ "sgd", Status::Completed, "", 1.5, &curves, json::object(), { "sgd_curves.csv" } });
    summary.setEngine({ "online", Status::Completed, "", 0.5, nullptr, json::object(), {} });
    summary.setEngine(
        { "dmft", Status::Converged, "ok", 2.0, &curves, json { { "warm_start", "ode" } }, {} });
    const json &j = summary.document();
    QCOMPARE(j["version"].get<std::string>(), std::string(kProgramVersion));
    QCOMPARE(j["engine_order"], json({ "sgd", "online", "dmft" }));
    QVERIFY(j["derived"].is_object());
    const json &sgd = j["engines"]["sgd"];
    QCOMPARE(sgd["samples"].get<double>(), static_cast<double>(config.samples()));
    QCOMPARE(sgd["dimension"].get<int>(), config.sim.dimension);
    QCOMPARE(sgd["valid_points"].get<int>(), 5);
    QCOMPARE(sgd["files"], json({ "sgd_curves.csv" }));
    QCOMPARE(sgd["tau"].get<double>(), config.sgdTau());
    QVERIFY(!sgd.contains("paths"));
    const json &online = j["engines"]["online"];
    QVERIFY(online.contains("seeds") && !online.contains("samples")); // fresh samples every step
    QCOMPARE(online["valid_points"].get<int>(), 0);
    const json &dmft = j["engines"]["dmft"];
    QCOMPARE(dmft["paths"].get<int>(), config.dmft.paths);
    QCOMPARE(dmft["iterations"].get<int>(), 2);
    QCOMPARE(dmft["warm_start"].get<std::string>(), std::string("ode"));
    QCOMPARE(dmft["tau"].get<double>(), config.tau());
    QVERIFY(!dmft.contains("dimension"));
}

void TestCliWriters::summaryStatusIsTheWorst()
{
    using io::RunStatus;
    QVERIFY(io::runStatusFor(Status::Converged) == RunStatus::Completed);
    QVERIFY(io::runStatusFor(Status::MaxIterations) == RunStatus::NotConverged);
    QVERIFY(io::runStatusFor(Status::InternalError) == RunStatus::InternalError);
    QVERIFY(io::runStatusFor(Status::Running) == RunStatus::InternalError);
    QVERIFY(io::worse(RunStatus::Diverged, RunStatus::NotConverged) == RunStatus::Diverged);
    QVERIFY(io::worse(RunStatus::WriteFailed, RunStatus::Cancelled) == RunStatus::Cancelled);
    QVERIFY(io::worse(RunStatus::InternalError, RunStatus::InvalidInput) == RunStatus::InternalError);
    QTemporaryDir tmp;
    io::RunSummary summary(presetConfig("linear-regression"), { "sgf" }, tmp.path().toStdString());
    summary.record(RunStatus::Diverged);
    summary.record(RunStatus::Completed);
    QVERIFY(summary.finish().empty());
    json j = json::parse(readFileText(summary.path()));
    QCOMPARE(j["status"].get<std::string>(), std::string("diverged"));
}

// Issue 15: on a full disk the "running" summary of the first engine stayed behind. When
// the final summary cannot be written, the stale one goes too. The final write is made to
// fail by a folder in the way of its temporary file (the test may run as root, so file
// permissions cannot be relied on).
void TestCliWriters::summaryNeverContradictsTheFolder()
{
    QTemporaryDir tmp;
    io::RunSummary summary(presetConfig("linear-regression"), { "sgf", "dmft" }, tmp.path().toStdString());
    summary.setEngine({ "sgf", Status::Completed, "", 1.0, nullptr, json::object(), {} });
    QVERIFY(summary.writeProgress().empty());
    QCOMPARE(json::parse(readFileText(summary.path()))["status"].get<std::string>(), std::string("running"));
    std::filesystem::create_directory(io::temporaryPathFor(summary.path()));
    const std::string err = summary.finish();
    QVERIFY2(err.find("summary.json") != std::string::npos && err.find("removed") != std::string::npos,
        err.c_str());
    QVERIFY(!std::filesystem::exists(summary.path()));
}

QTEST_APPLESS_MAIN(TestCliWriters)
#include "test_cli_writers.moc"
