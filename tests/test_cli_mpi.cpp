// dmftlab-cli under `mpirun -n 2` (issue 14) against the same command in one process: the DMFT
// (paths split over the ranks) agrees to rounding, a simulation (seeds split) and a sweep
// (points handed out by rank 0) give identical files; a rank with bad input, or a rank that is
// killed, stops the whole run with a message and leaves no engine's files behind.
// Registered only in builds with DMFTLAB_MPI (tests/mpi.cmake).
#include "io/files.h"
#include "testutil.h"

#include <QProcess>
#include <QTemporaryDir>
#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

using namespace dmftlab;
namespace fs = std::filesystem;

namespace
{

struct Run {
    int exitCode = -1;
    bool finished = false;
    QString out, err;
};

Run launch(const QString &program, const QStringList &args, int timeoutMs = 120000)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // CI runs as root; Open MPI refuses that unless told. Loopback only, no other network.
    env.insert("OMPI_ALLOW_RUN_AS_ROOT", "1");
    env.insert("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1");
    env.insert("OMPI_MCA_btl_tcp_if_include", "lo");
    env.insert("OMPI_MCA_oob_tcp_if_include", "lo");
    p.setProcessEnvironment(env);
    p.start(program, args);
    Run r;
    if (!p.waitForStarted(10000) || !p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        r.err = "did not finish: " + p.errorString();
        return r;
    }
    r.finished = true;
    r.exitCode = p.exitCode();
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}

Run single(const QStringList &args)
{
    return launch(QStringLiteral(DMFTLAB_CLI_PATH), args);
}

QStringList mpirunArgs(int ranks)
{
    return { "-n", QString::number(ranks), "--oversubscribe" };
}

Run mpirun(int ranks, const QStringList &args)
{
    return launch(
        QStringLiteral(DMFTLAB_MPIEXEC), mpirunArgs(ranks) + QStringList { DMFTLAB_CLI_PATH } + args);
}

QByteArray describe(const Run &r)
{
    return ("exit " + QString::number(r.exitCode) + "\nstdout: " + r.out + "\nstderr: " + r.err).toUtf8();
}

std::string readText(const fs::path &p)
{
    std::string text;
    return io::readFile(p.string(), &text).empty() ? text : std::string();
}

/// Files under `dir`, relative, sorted.
std::set<std::string> filesUnder(const fs::path &dir)
{
    std::set<std::string> out;
    for (const auto &e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file())
            out.insert(fs::relative(e.path(), dir).string());
    return out;
}

std::vector<std::string> split(const std::string &text, char sep)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string item;
    while (std::getline(in, item, sep))
        out.push_back(item);
    return out;
}

/// Largest |a − b| / max(1, |a|) over the numbers of two CSV files of the same shape; +inf
/// when the shapes or a non-number differ.
double csvDifference(const fs::path &a, const fs::path &b)
{
    const auto la = split(readText(a), '\n'), lb = split(readText(b), '\n');
    if (la.size() != lb.size() || la.empty())
        return INFINITY;
    double worst = 0.0;
    for (std::size_t i = 0; i < la.size(); ++i) {
        const auto ca = split(la[i], ','), cb = split(lb[i], ',');
        if (ca.size() != cb.size())
            return INFINITY;
        for (std::size_t j = 0; j < ca.size(); ++j) {
            if (ca[j] == cb[j])
                continue;
            char *ea = nullptr, *eb = nullptr;
            const double x = std::strtod(ca[j].c_str(), &ea), y = std::strtod(cb[j].c_str(), &eb);
            if (*ea != '\0' || *eb != '\0' || ea == ca[j].c_str())
                return INFINITY;
            worst = std::max(worst, std::fabs(x - y) / std::max(1.0, std::fabs(x)));
        }
    }
    return worst;
}

/// `text` without the lines that hold a wall time ("wall_seconds" in JSON).
std::string withoutWallTimes(const std::string &text)
{
    std::string out;
    for (const auto &line : split(text, '\n'))
        if (line.find("wall_seconds") == std::string::npos)
            out += line + "\n";
    return out;
}

/// sweep.csv without its wall_seconds column.
std::string sweepCsvWithoutWall(const fs::path &file)
{
    const auto lines = split(readText(file), '\n');
    if (lines.empty())
        return {};
    const auto header = split(lines[0], ',');
    int wall = -1;
    for (std::size_t j = 0; j < header.size(); ++j)
        if (header[j] == "wall_seconds")
            wall = static_cast<int>(j);
    std::string out;
    for (const auto &line : lines) {
        const auto cells = split(line, ',');
        for (std::size_t j = 0; j < cells.size(); ++j)
            if (static_cast<int>(j) != wall)
                out += cells[j] + ",";
        out += "\n";
    }
    return out;
}

const QStringList kDmft = { "run", "--preset", "logistic-regression", "--engine", "dmft", "--set",
    "dmft.paths=2000", "--set", "dmft.tangent_paths=200", "--set", "dmft.replicas=2", "--set",
    "time.steps=16", "--set", "sim.threads=1", "--quiet" };

} // namespace

class TestCliMpi : public QObject
{
    Q_OBJECT
private slots:
    void dmftAgreesWithOneProcess();
    void simulationEqualsOneProcess();
    void sweepEqualsOneProcessAndResumes();
    void badInputOnOneRankStopsAll();
    void killedRankStopsAll();
};

void TestCliMpi::dmftAgreesWithOneProcess()
{
    // Paths are seeded by their global index, so both runs draw the same paths; only the order
    // of the path sums differs (rank by rank), hence rounding. Means agree to ~1e-15, standard
    // errors (differences of nearly equal iterates) to ~1e-12: 1e-10 leaves a margin.
    QTemporaryDir tmp;
    const fs::path one = fs::path(tmp.path().toStdString()) / "one",
                   two = fs::path(tmp.path().toStdString()) / "two";
    const Run a = single(kDmft + QStringList { "--out", QString::fromStdString(one.string()) });
    QVERIFY2(a.finished && a.exitCode == 0, describe(a));
    const Run b = mpirun(2, kDmft + QStringList { "--out", QString::fromStdString(two.string()) });
    QVERIFY2(b.finished && b.exitCode == 0, describe(b));
    QCOMPARE(filesUnder(two), filesUnder(one));
    QCOMPARE(readText(two / "config.json"), readText(one / "config.json"));
    int csv = 0;
    for (const auto &f : filesUnder(one)) {
        if (fs::path(f).extension() != ".csv")
            continue;
        ++csv;
        const double d = csvDifference(one / f, two / f);
        QVERIFY2(d <= 1e-10, (f + ": largest relative difference " + std::to_string(d)).c_str());
    }
    QVERIFY(csv >= 5);
    // rank 0 alone printed: one header line
    QCOMPARE(b.out.count("dmftlab-cli "), 1);
}

void TestCliMpi::simulationEqualsOneProcess()
{
    QTemporaryDir tmp;
    const fs::path one = fs::path(tmp.path().toStdString()) / "one",
                   two = fs::path(tmp.path().toStdString()) / "two";
    // with the SGF's time-step runs at 2 dt and 4 dt (sim.continuous_time): every rank takes part
    // in them, and rank 0 combines the seeds
    const QStringList args = { "run", "--preset", "linear-regression", "--engine", "sgf,sgd", "--set",
        "sim.dimension=100", "--set", "sim.seeds=5", "--set", "time.steps=12", "--set", "time.horizon=4",
        "--set", "sim.threads=1", "--set", "sim.continuous_time=extrapolate", "--quiet" };
    const Run a = single(args + QStringList { "--out", QString::fromStdString(one.string()) });
    QVERIFY2(a.finished && a.exitCode == 0, describe(a));
    const Run b = mpirun(2, args + QStringList { "--out", QString::fromStdString(two.string()) });
    QVERIFY2(b.finished && b.exitCode == 0, describe(b));
    QCOMPARE(filesUnder(two), filesUnder(one));
    QVERIFY(fs::exists(one / "sgf_errors.csv"));
    for (const auto &f : filesUnder(one))
        if (f != "summary.json") // wall times
            QVERIFY2(readText(one / f) == readText(two / f), f.c_str());
}

void TestCliMpi::sweepEqualsOneProcessAndResumes()
{
    QTemporaryDir tmp;
    const fs::path one = fs::path(tmp.path().toStdString()) / "one",
                   two = fs::path(tmp.path().toStdString()) / "two";
    const QStringList args = { "sweep", "--preset", "logistic-regression", "--vary", "data.alpha=lin:0.5:2:5",
        "--engine", "dmft,sgf", "--set", "dmft.paths=800", "--set", "dmft.tangent_paths=100", "--set",
        "dmft.replicas=2", "--set", "time.steps=8", "--set", "sim.dimension=80", "--set", "sim.seeds=2",
        "--set", "sim.threads=1", "--quiet" };
    const Run a = single(args + QStringList { "--out", QString::fromStdString(one.string()) });
    QVERIFY2(a.finished && a.exitCode == 0, describe(a));
    const Run b = mpirun(2, args + QStringList { "--out", QString::fromStdString(two.string()) });
    QVERIFY2(b.finished && b.exitCode == 0, describe(b));
    QVERIFY2(b.out.contains("completed: 5 of 5 points"), describe(b));
    QCOMPARE(filesUnder(two), filesUnder(one));
    for (const auto &f : filesUnder(one)) {
        if (f == "sweep.csv")
            QCOMPARE(sweepCsvWithoutWall(two / f), sweepCsvWithoutWall(one / f));
        else
            QVERIFY2(withoutWallTimes(readText(one / f)) == withoutWallTimes(readText(two / f)), f.c_str());
    }
    // resume under mpirun: a removed point is recomputed, the others read back
    fs::remove(two / "points" / "p002" / "point.json");
    const Run c = mpirun(2, args + QStringList { "--out", QString::fromStdString(two.string()) });
    QVERIFY2(c.finished && c.exitCode == 0, describe(c));
    QVERIFY2(c.out.contains("resuming: 4 of 5 points already done"), describe(c));
    QCOMPARE(sweepCsvWithoutWall(two / "sweep.csv"), sweepCsvWithoutWall(one / "sweep.csv"));
    QVERIFY(fs::exists(two / "points" / "p002" / "point.json"));
}

void TestCliMpi::badInputOnOneRankStopsAll()
{
    // rank 1 gets a bad value (MPMD launch): every rank stops before anything is written
    QTemporaryDir tmp;
    const QString out = tmp.path() + "/bad";
    const QStringList good = kDmft + QStringList { "--out", out };
    const QStringList args = mpirunArgs(1) + QStringList { DMFTLAB_CLI_PATH } + good
        + QStringList { ":", "-n", "1", DMFTLAB_CLI_PATH } + good + QStringList { "--set", "dmft.paths=-5" };
    const Run r = launch(QStringLiteral(DMFTLAB_MPIEXEC), args);
    QVERIFY2(r.finished && r.exitCode != 0, describe(r));
    QVERIFY2(r.err.contains("rank 1 of 2: dmft.paths"), describe(r));
    QVERIFY2(r.err.contains("stopping all processes"), describe(r));
    QVERIFY(!fs::exists(out.toStdString()));
}

void TestCliMpi::killedRankStopsAll()
{
    // rank 1 is killed (SIGKILL) 2 s after its start, in the middle of a DMFT that would run
    // for minutes: the launcher stops rank 0, which has written no dmft file. Damped (β = 0.5,
    // no Anderson): the default undamped iteration reaches the causal map's exact fixed point
    // (residual 0, 44 iterations at N = 30) and would finish in about a second.
    QTemporaryDir tmp;
    const QString out = tmp.path() + "/killed";
    const QStringList endless = { "run", "--preset", "logistic-regression", "--engine", "dmft", "--set",
        "dmft.paths=4000", "--set", "dmft.tangent_paths=400", "--set", "dmft.replicas=2", "--set",
        "time.steps=30", "--set", "dmft.tolerance=1e-300", "--set", "dmft.noise_fraction=0", "--set",
        "dmft.max_iterations=100000", "--set", "dmft.damping=0.5", "--set", "dmft.mixing_memory=0", "--set",
        "sim.threads=1", "--quiet", "--out", out };
    const QString script
        = "if [ \"$OMPI_COMM_WORLD_RANK\" = 1 ]; then (sleep 2; kill -9 $$) & fi; exec \"$0\" \"$@\"";
    const Run r = launch(QStringLiteral(DMFTLAB_MPIEXEC),
        mpirunArgs(2) + QStringList { "sh", "-c", script, DMFTLAB_CLI_PATH } + endless, 60000);
    QVERIFY2(r.finished && r.exitCode != 0, describe(r));
    QVERIFY2(r.err.contains("signal 9") || r.err.contains("Killed"), describe(r));
    QVERIFY(!fs::exists((out + "/dmft_curves.csv").toStdString()));
}

QTEST_GUILESS_MAIN(TestCliMpi)
#include "test_cli_mpi.moc"
