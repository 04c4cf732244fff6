#include "cli.h"

#include "config/config.h"
#include "config/jsonpath.h"
#include "config/presets.h"
#include "config/resolve.h"
#include "config/schema.h"
#include "engine/engine.h"
#include "figures.h"
#include "io/files.h"
#include "sweepcommand.h"

#include <QApplication>
#include <qcustomplot.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <unistd.h>

#ifndef DMFTLAB_VERSION
#define DMFTLAB_VERSION "unknown"
#endif

namespace dmftlab
{

namespace
{

// ---- signals ------------------------------------------------------------------------
// The handler only sets the flag the engines poll; SA_RESETHAND lets a second Ctrl-C
// kill a run that does not react.
std::atomic<bool> g_cancel { false };
static_assert(std::atomic<bool>::is_always_lock_free, "the cancel flag is set from a signal handler");

extern "C" void onCancelSignal(int)
{
    g_cancel.store(true);
}

void installSignalHandlers()
{
    struct sigaction sa = {};
    sa.sa_handler = onCancelSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

// ---- small helpers ------------------------------------------------------------------

std::string num(double x, int precision = 6)
{
    if (std::isnan(x))
        return "nan";
    std::ostringstream os;
    os.precision(precision);
    os << x;
    return os.str();
}

std::vector<std::string> splitList(const std::string &s)
{
    std::vector<std::string> out;
    std::string item;
    std::istringstream in(s);
    while (std::getline(in, item, ','))
        if (!item.empty())
            out.push_back(item);
    return out;
}

/// Word-wraps `text` to `width` columns, indenting continuation lines by `indent`.
std::string wrap(const std::string &text, std::size_t width, std::size_t indent, std::size_t firstColumn = 0)
{
    std::string out, word;
    std::size_t column = firstColumn;
    std::istringstream in(text);
    bool first = true;
    while (in >> word) {
        if (!first && column + 1 + word.size() > width) {
            out += "\n" + std::string(indent, ' ');
            column = indent;
        } else if (!first) {
            out += ' ';
            ++column;
        }
        out += word;
        column += word.size();
        first = false;
    }
    return out;
}

// ---- the config keys, documented (core/config/schema.h) ---------------------------

std::string keysText()
{
    std::size_t keyWidth = 0;
    for (const FieldInfo &f : configSchema())
        keyWidth = std::max(keyWidth, f.key.size());
    std::string out;
    for (const FieldInfo &f : configSchema()) {
        const std::string type = f.typeText();
        std::string line = "  " + f.key + std::string(keyWidth - f.key.size() + 2, ' ');
        line += type + std::string(type.size() < 14 ? 14 - type.size() : 1, ' ');
        line += "default " + f.defaultValue().dump() + "\n";
        out += line;
        const std::string range = f.rangeText();
        const std::string meaning = f.doc + (range.empty() || !f.choices.empty() ? "" : " [" + range + "]");
        out += std::string(6, ' ') + wrap(meaning, 88, 6, 6) + "\n";
    }
    return out;
}

// ---- argument parsing ---------------------------------------------------------------

struct RunOptions {
    std::optional<std::string> preset;
    std::optional<std::string> configFile;
    std::vector<std::string> sets;
    std::vector<std::string> engines;
    std::string out;
    std::vector<std::string> plotFormats;
    int plotWidth = 900, plotHeight = 600;
    double plotScale = 1.0;
    bool slide = false;
    bool quiet = false;
};

/// Parses `run`'s options. Empty on success, else a one-line reason.
std::string parseRunOptions(const std::vector<std::string> &args, RunOptions *o, bool *help)
{
    bool havePreset = false, haveConfig = false, haveOut = false, havePlots = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string arg = args[i], value;
        bool hasInlineValue = false;
        if (arg.rfind("--", 0) == 0) {
            if (const auto eq = arg.find('='); eq != std::string::npos) {
                value = arg.substr(eq + 1);
                arg = arg.substr(0, eq);
                hasInlineValue = true;
            }
        }
        auto takeValue = [&](std::string *target) -> std::string {
            if (hasInlineValue) {
                *target = value;
                return {};
            }
            if (i + 1 >= args.size())
                return "option " + arg + " needs a value";
            *target = args[++i];
            return {};
        };
        auto once = [&](bool &seen) -> std::string {
            if (seen)
                return "option " + arg + " given twice";
            seen = true;
            return {};
        };
        std::string err, v;
        if (arg == "--help" || arg == "-h") {
            *help = true;
            return {};
        } else if (arg == "--preset") {
            if ((err = once(havePreset)).empty() && (err = takeValue(&v)).empty())
                o->preset = v;
        } else if (arg == "--config") {
            if ((err = once(haveConfig)).empty() && (err = takeValue(&v)).empty())
                o->configFile = v;
        } else if (arg == "--set") {
            if ((err = takeValue(&v)).empty())
                o->sets.push_back(v);
        } else if (arg == "--engine" || arg == "--engines") {
            if ((err = takeValue(&v)).empty()) {
                const auto list = splitList(v);
                if (list.empty())
                    err = "option --engine needs at least one engine ("
                        + std::string("sgd, sgf, online, dmft, ode)");
                for (const auto &e : list) {
                    if (!isKnownEngine(e))
                        return "unknown engine '" + e + "' (known: sgd, sgf, online, dmft, ode)";
                    for (const auto &seen : o->engines)
                        if (seen == e)
                            return "engine '" + e + "' given twice";
                    o->engines.push_back(e);
                }
            }
        } else if (arg == "--out" || arg == "-o") {
            if ((err = once(haveOut)).empty())
                err = takeValue(&o->out);
        } else if (arg == "--plots") {
            if ((err = once(havePlots)).empty() && (err = takeValue(&v)).empty()) {
                for (const auto &f : splitList(v)) {
                    if (f != "png" && f != "pdf" && f != "svg")
                        return "unknown plot format '" + f + "' (known: png, pdf, svg)";
                    bool dup = false;
                    for (const auto &seen : o->plotFormats)
                        dup = dup || seen == f;
                    if (!dup)
                        o->plotFormats.push_back(f);
                }
                if (o->plotFormats.empty())
                    err = "option --plots needs at least one format (png, pdf, svg)";
            }
        } else if (arg == "--plot-size") {
            if ((err = takeValue(&v)).empty()) {
                int w = 0, h = 0;
                char tail = 0;
                if (std::sscanf(v.c_str(), "%dx%d%c", &w, &h, &tail) != 2 || w < 50 || h < 50 || w > 10000
                    || h > 10000)
                    err = "--plot-size expects WIDTHxHEIGHT in pixels (50..10000), got '" + v + "'";
                o->plotWidth = w;
                o->plotHeight = h;
            }
        } else if (arg == "--plot-scale") {
            if ((err = takeValue(&v)).empty()) {
                char *end = nullptr;
                o->plotScale = std::strtod(v.c_str(), &end);
                if (end == v.c_str() || *end != '\0' || !(o->plotScale >= 0.1 && o->plotScale <= 10.0))
                    err = "--plot-scale expects a number between 0.1 and 10, got '" + v + "'";
            }
        } else if (arg == "--slide") {
            o->slide = true;
        } else if (arg == "--quiet" || arg == "-q") {
            o->quiet = true;
        } else if (arg.rfind("-", 0) == 0) {
            err = "unknown option '" + arg + "' (see dmftlab-cli --help)";
        } else {
            err = "unexpected argument '" + arg + "' (see dmftlab-cli --help)";
        }
        if (!err.empty())
            return err;
    }
    if (!haveOut)
        return "missing --out DIR (the folder to write the results into)";
    if (o->engines.empty())
        return "missing --engine (one or more of sgd, sgf, online, dmft, ode, comma-separated)";
    if (!havePreset && !haveConfig)
        return "give --preset NAME and/or --config FILE.json (see dmftlab-cli presets)";
    return {};
}

// ---- config resolution (core/config/resolve.h) -------------------------------------

/// preset → --config → --set → validation. Empty on success.
std::string resolveConfig(const RunOptions &o, RunConfig *config)
{
    ConfigSources sources;
    sources.preset = o.preset;
    sources.sets = o.sets;
    if (o.configFile) {
        json tree;
        if (auto err = readConfigFile(*o.configFile, &tree); !err.empty())
            return err;
        sources.tree = tree;
        sources.treeSource = *o.configFile;
    }
    const ConfigResult r = dmftlab::resolveConfig(sources);
    if (!r.ok())
        return r.error;
    *config = *r.config;
    return {};
}

// ---- progress -----------------------------------------------------------------------

class ProgressPrinter
{
public:
    ProgressPrinter(bool quiet)
        : m_quiet(quiet)
        , m_tty(::isatty(STDERR_FILENO) == 1)
    {
    }

    void start(const std::string &engine)
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_engine = engine;
        m_lastDecile = -1;
        m_lastDraw = {};
        m_lineOpen = false;
    }

    void report(const ProgressReport &r)
    {
        if (m_quiet)
            return;
        std::lock_guard<std::mutex> lock(m_mutex);
        const double f = std::clamp(r.fraction, 0.0, 1.0);
        const std::string line = "dmftlab-cli: " + m_engine + " " + std::to_string(int(std::lround(100 * f)))
            + "%" + (r.text.empty() ? "" : "  " + r.text);
        if (m_tty) {
            const auto now = std::chrono::steady_clock::now();
            if (now - m_lastDraw < std::chrono::milliseconds(100) && f < 1.0)
                return;
            m_lastDraw = now;
            std::fprintf(stderr, "\r\033[K%s", line.c_str());
            std::fflush(stderr);
            m_lineOpen = true;
            return;
        }
        const int decile = static_cast<int>(std::floor(10.0 * f + 1e-9));
        if (decile <= m_lastDecile)
            return;
        m_lastDecile = decile;
        std::fprintf(stderr, "%s\n", line.c_str());
        std::fflush(stderr);
    }

    void finish()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_lineOpen)
            std::fprintf(stderr, "\n");
        m_lineOpen = false;
    }

private:
    std::mutex m_mutex;
    bool m_quiet, m_tty;
    std::string m_engine;
    int m_lastDecile = -1;
    std::chrono::steady_clock::time_point m_lastDraw {};
    bool m_lineOpen = false;
};

// ---- summary ------------------------------------------------------------------------

double engineTau(const std::string &engine, const RunConfig &c)
{
    return isSgfType(engine) ? c.tau() : c.sgdTau();
}

json engineSummary(const std::string &engine, const RunConfig &c, const EngineResult &r,
    const std::vector<std::string> &files)
{
    json s = json::object();
    s["status"] = toString(r.status);
    s["message"] = r.message;
    s["wall_seconds"] = r.wallSeconds;
    s["steps"] = c.time.steps;
    s["grid_points"] = c.time.steps + 1;
    s["horizon"] = c.time.horizon;
    s["valid_points"] = r.curves.validPoints;
    if (r.curves.validPoints > 0 && r.curves.validPoints <= static_cast<int>(r.curves.t.size()))
        s["t_last"] = r.curves.t[r.curves.validPoints - 1];
    const double tau = engineTau(engine, c);
    s["tau"] = tau;
    if (tau > 0)
        s["epochs"] = c.time.horizon / (c.alpha * tau);
    if (engine == "sgd" || engine == "sgf" || engine == "online") {
        s["dimension"] = c.sim.dimension;
        s["seeds"] = c.sim.seeds;
        if (engine != "online")
            s["samples"] = c.samples();
    }
    if (engine == "dmft") {
        s["paths"] = c.dmft.paths;
        s["tangent_paths"] = c.dmft.tangentPaths;
        s["replicas"] = c.dmft.replicas;
    }
    if (!r.curves.residuals.empty()) {
        s["iterations"] = static_cast<int>(r.curves.residuals.size());
        s["final_residual"] = r.curves.residuals.back();
    }
    if (r.extra.is_object())
        for (auto it = r.extra.begin(); it != r.extra.end(); ++it)
            if (!s.contains(it.key()))
                s[it.key()] = it.value();
    s["files"] = files;
    return s;
}

int exitCodeFor(Status s)
{
    switch (s) {
    case Status::Completed:
    case Status::Converged:
        return cli::kExitOk;
    case Status::MaxIterations:
        return cli::kExitNotConverged;
    case Status::Diverged:
        return cli::kExitDiverged;
    case Status::Cancelled:
        return cli::kExitCancelled;
    case Status::InvalidInput:
    case Status::Running:
        return cli::kExitBadInput;
    }
    return cli::kExitBadInput;
}

/// Severity for the overall status and exit code: the worst engine decides.
int severity(int exitCode)
{
    switch (exitCode) {
    case cli::kExitOk:
        return 0;
    case cli::kExitNotConverged:
        return 1;
    case cli::kExitDiverged:
        return 2;
    case cli::kExitBadInput:
        return 3;
    case cli::kExitWriteFailed:
        return 4;
    case cli::kExitCancelled:
        return 5;
    }
    return 3;
}

std::string overallStatus(int exitCode)
{
    switch (exitCode) {
    case cli::kExitOk:
        return "completed";
    case cli::kExitNotConverged:
        return "not_converged";
    case cli::kExitDiverged:
        return "diverged";
    case cli::kExitBadInput:
        return "invalid_input";
    case cli::kExitWriteFailed:
        return "write_failed";
    case cli::kExitCancelled:
        return "cancelled";
    }
    return "failed";
}

// ---- figures ------------------------------------------------------------------------

/// Draws loss, overlaps and each engine's C_θ heatmap into DIR in every format. Needs a
/// QApplication. Empty on success; `files` gets the names written.
std::string writePlots(
    const RunOptions &o, const std::vector<const Curves *> &curves, std::vector<std::string> *files)
{
    figures::Style style;
    style.slide = o.slide;
    struct Figure {
        std::string name;
        std::function<void(QCustomPlot *)> draw;
    };
    std::vector<Figure> list;
    list.push_back({ "loss", [&](QCustomPlot *p) { figures::plotLoss(p, curves, style); } });
    list.push_back({ "overlaps", [&](QCustomPlot *p) { figures::plotOverlaps(p, curves, style); } });
    for (const Curves *c : curves)
        if (!c->Ctheta.empty())
            list.push_back({ "C_theta_" + c->engine,
                [c, &style](QCustomPlot *p) { figures::plotKernel(p, *c, style); } });
    for (const auto &fig : list) {
        QCustomPlot plot;
        plot.resize(o.plotWidth, o.plotHeight);
        fig.draw(&plot);
        for (const auto &format : o.plotFormats) {
            const std::string name = fig.name + "." + format;
            const std::string path = (std::filesystem::path(o.out) / name).string();
            const std::string tmp = io::temporaryPathFor(path);
            QString error;
            if (!figures::exportPlot(
                    &plot, QString::fromStdString(tmp), o.plotWidth, o.plotHeight, o.plotScale, &error)) {
                std::remove(tmp.c_str());
                return "cannot write " + path + ": " + error.toStdString();
            }
            if (auto err = io::commitFile(tmp, path); !err.empty())
                return err;
            files->push_back(name);
        }
    }
    return {};
}

// Qt's own chatter (e.g. "QStandardPaths: XDG_RUNTIME_DIR not set" on headless
// machines) is not an error of the run; everything else is passed on, prefixed.
void qtMessages(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    if (type == QtDebugMsg || type == QtInfoMsg || message.startsWith("QStandardPaths:"))
        return;
    std::fprintf(stderr, "dmftlab-cli: qt: %s\n", message.toLocal8Bit().constData());
}

void ensureQtPlatform()
{
    const char *display = std::getenv("DISPLAY");
    const char *wayland = std::getenv("WAYLAND_DISPLAY");
    const char *platform = std::getenv("QT_QPA_PLATFORM");
    const bool noDisplay = (!display || !*display) && (!wayland || !*wayland);
    if (noDisplay && (!platform || !*platform))
        ::setenv("QT_QPA_PLATFORM", "offscreen", 1);
}

// ---- commands -----------------------------------------------------------------------

int fail(const std::string &message, int code = cli::kExitBadInput)
{
    std::fprintf(stderr, "dmftlab-cli: error: %s\n", message.c_str());
    return code;
}

std::string describeTau(const RunConfig &c, const std::vector<std::string> &engines)
{
    std::ostringstream os;
    os.precision(6);
    bool sgfType = false, sgdType = false;
    for (const auto &e : engines)
        (isSgfType(e) ? sgfType : sgdType) = true;
    auto epochs = [&](double tau) {
        std::ostringstream e;
        e.precision(6);
        if (tau > 0)
            e << "epochs T/(alpha tau) = " << c.time.horizon / (c.alpha * tau);
        else
            e << "epochs: infinite (tau = 0, gradient flow)";
        return e.str();
    };
    if (!c.optimizer.tau || sgdType)
        os << "tau = eta/B = " << c.optimizer.learningRate << "/" << c.optimizer.batchSize << " = "
           << c.sgdTau() << ", " << epochs(c.sgdTau()) << (c.optimizer.tau ? " (sgd, online)" : "") << "\n";
    if (c.optimizer.tau && sgfType)
        os << "tau = " << c.tau() << " (set directly), " << epochs(c.tau()) << " (sgf, dmft, ode)\n";
    bool finiteD = false;
    for (const auto &e : engines)
        finiteD = finiteD || e == "sgd" || e == "sgf" || e == "online";
    if (finiteD)
        os << "d = " << c.sim.dimension << ", n = alpha d = " << c.samples() << ", " << c.sim.seeds
           << " seeds, ";
    os << "dt = T/N = " << c.dt() << ", taming " << (c.tamingEnabled() ? "on" : "off");
    return os.str();
}

int runCommand(const std::vector<std::string> &args)
{
    RunOptions o;
    bool help = false;
    if (auto err = parseRunOptions(args, &o, &help); !help && !err.empty())
        return fail(err);
    if (help) {
        std::fputs(cli::helpText().c_str(), stdout);
        return cli::kExitOk;
    }
    RunConfig config;
    if (auto err = resolveConfig(o, &config); !err.empty())
        return fail(err);
    for (const auto &e : o.engines)
        if (auto err = checkEngine(e, config); !err.empty())
            return fail(err);
    if (auto err = io::checkOutputDirectory(o.out); !err.empty())
        return fail(err);

    // Everything is checked: from here on files are written.
    const auto start = std::chrono::steady_clock::now();
    if (auto err = io::createOutputDirectory(o.out); !err.empty())
        return fail(err);
    const std::filesystem::path dir(o.out);
    const json resolved = configToJson(config, /*withDerived=*/true);
    if (auto err = io::writeFileAtomic((dir / "config.json").string(), io::jsonText(resolved)); !err.empty())
        return fail(err, cli::kExitWriteFailed);

    std::printf("dmftlab-cli %s: preset %s, engines", DMFTLAB_VERSION,
        config.preset.empty() ? "(none)" : config.preset.c_str());
    for (const auto &e : o.engines)
        std::printf(" %s", e.c_str());
    std::printf(", output %s\n%s\n", o.out.c_str(), describeTau(config, o.engines).c_str());
    std::fflush(stdout);

    installSignalHandlers();
    ProgressPrinter printer(o.quiet);
    json summary;
    summary["version"] = DMFTLAB_VERSION;
    summary["preset"] = config.preset;
    summary["engines"] = json::object();
    summary["engine_order"] = o.engines;
    summary["derived"] = resolved["derived"];
    int exitCode = cli::kExitOk;
    auto worsen = [&exitCode](int code) {
        if (severity(code) > severity(exitCode))
            exitCode = code;
    };
    auto writeSummary = [&](bool final) {
        summary["status"] = final ? overallStatus(exitCode) : std::string("running");
        summary["wall_seconds"]
            = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return io::writeFileAtomic((dir / "summary.json").string(), io::jsonText(summary));
    };

    std::vector<std::unique_ptr<EngineResult>> results;
    for (const auto &engine : o.engines) {
        if (g_cancel.load()) {
            summary["engines"][engine]
                = { { "status", "skipped" }, { "message", "cancelled before it started" } };
            continue;
        }
        printer.start(engine);
        auto result = std::make_unique<EngineResult>(runEngine(
            engine, config, [&printer](const ProgressReport &r) { printer.report(r); }, &g_cancel));
        printer.finish();
        result->curves.engine = engine;
        if (result->status == Status::Cancelled || g_cancel.load())
            result->status = Status::Cancelled;
        const int code = exitCodeFor(result->status);
        worsen(code);

        std::vector<std::string> files;
        std::string writeError;
        if (result->curves.validPoints > 0) {
            const auto written = io::writeCurvesFiles(result->curves, o.out);
            files = written.files;
            writeError = written.error;
        }
        summary["engines"][engine] = engineSummary(engine, config, *result, files);
        const auto &c = result->curves;
        // The engine's message says why it stopped (DMFT: iterations and residual).
        std::string detail;
        if (!result->message.empty())
            detail = "; " + result->message;
        else if (!c.residuals.empty())
            detail = ", " + std::to_string(c.residuals.size()) + " iterations, residual "
                + num(c.residuals.back(), 3);
        std::printf("%s: %s in %.2f s (%d of %d grid points)%s\n", engine.c_str(),
            toString(result->status).c_str(), result->wallSeconds, c.validPoints, config.time.steps + 1,
            detail.c_str());
        std::fflush(stdout);
        if (code == cli::kExitBadInput)
            fail(engine + ": " + result->message);
        else if (code == cli::kExitDiverged)
            std::fprintf(stderr, "dmftlab-cli: %s diverged: %s\n", engine.c_str(), result->message.c_str());
        else if (code == cli::kExitNotConverged)
            std::fprintf(
                stderr, "dmftlab-cli: %s did not converge: %s\n", engine.c_str(), result->message.c_str());
        if (!writeError.empty()) {
            worsen(cli::kExitWriteFailed);
            fail(writeError, cli::kExitWriteFailed);
        }
        if (auto err = writeSummary(false); !err.empty()) {
            worsen(cli::kExitWriteFailed);
            fail(err, cli::kExitWriteFailed);
        }
        results.push_back(std::move(result));
    }

    if (!o.plotFormats.empty()) {
        std::vector<const Curves *> curves;
        for (const auto &r : results)
            if (r->curves.validPoints > 0)
                curves.push_back(&r->curves);
        if (curves.empty()) {
            std::fprintf(stderr, "dmftlab-cli: no engine computed anything to plot\n");
        } else {
            ensureQtPlatform();
            static int qtArgc = 1;
            static char qtName[] = "dmftlab-cli";
            static char *qtArgv[] = { qtName, nullptr };
            qInstallMessageHandler(qtMessages);
            QApplication app(qtArgc, qtArgv);
            std::vector<std::string> files;
            const std::string err = writePlots(o, curves, &files);
            summary["plots"] = files;
            if (!err.empty()) {
                worsen(cli::kExitWriteFailed);
                fail(err, cli::kExitWriteFailed);
            }
        }
    }

    if (auto err = writeSummary(true); !err.empty()) {
        worsen(cli::kExitWriteFailed);
        fail(err, cli::kExitWriteFailed);
    }
    std::printf("%s: wrote %s (%.2f s)\n", overallStatus(exitCode).c_str(), o.out.c_str(),
        summary["wall_seconds"].get<double>());
    return exitCode;
}

} // namespace

namespace cli
{

std::string helpText()
{
    std::string h;
    h += "dmftlab-cli " DMFTLAB_VERSION
         " - headless runs of DMFT Lab: finite-d simulations of multi-pass SGD and\n"
         "stochastic gradient flow (SGF), and their d = infinity dynamical mean-field theory (DMFT).\n"
         "\n"
         "Usage:\n"
         "  dmftlab-cli run [--preset NAME] [--config FILE.json] [--set key=value ...]\n"
         "                  --engine sgd|sgf|online|dmft|ode[,...] --out DIR [--plots png,pdf,svg]\n"
         "  dmftlab-cli sweep --preset NAME --vary KEY=VALUES [--vary ...] [--engine LIST]\n"
         "                  [--scalar NAME,...] --out DIR   a family or phase diagram (sweep --help)\n"
         "  dmftlab-cli presets        list the presets with their description and parameters\n"
         "  dmftlab-cli --help         this text (also: dmftlab-cli run --help)\n"
         "  dmftlab-cli --version\n"
         "\n"
         "Options of run (OPTION VALUE or OPTION=VALUE):\n"
         "  --preset NAME       start from a named preset (see `dmftlab-cli presets`). Optional when\n"
         "                      --config is given: the defaults are then those of the preset named by\n"
         "                      the file's \"preset\" key, or the built-in defaults listed below.\n"
         "  --config FILE.json  nested JSON with any of the keys below, merged over the preset (objects\n"
         "                      key by key). A config.json written by an earlier run is accepted; its\n"
         "                      \"derived\" section is ignored.\n"
         "  --set key=value     dotted key; the value is parsed as JSON when it parses (numbers, true,\n"
         "                      false, null, [[0.1,0],[0,0.1]]), else taken as a string. Repeatable,\n"
         "                      applied in order after --config.\n"
         "  --engine LIST       comma-separated, repeatable; the engines run one after the other and\n"
         "                      write side by side:\n"
         "                        sgd     multi-pass minibatch SGD at finite d (t = steps eta / d)\n"
         "                        sgf     stochastic gradient flow, Euler-Maruyama at finite d\n"
         "                        online  online SGD (a fresh sample every step) at finite d\n"
         "                        dmft    the d = infinity DMFT of SGF (fixed-point iteration)\n"
         "                        ode     the online-limit ODE (alpha -> infinity)\n"
         "  --out DIR           output folder, created with its parents\n"
         "  --plots LIST        figures in any of png,pdf,svg (see Files)\n"
         "  --plot-size WxH     figure size in pixels, default 900x600\n"
         "  --plot-scale S      PNG pixels per figure pixel, default 1\n"
         "  --slide             slide style for the figures (larger fonts, thicker lines)\n"
         "  --quiet, -q         no progress lines\n"
         "\n"
         "Resolution: preset -> --config file -> each --set -> type check and validation. Unknown keys,\n"
         "wrong types and invalid values are errors naming the key. Then every engine is checked (e.g.\n"
         "memory it would need, tau set directly for sgd) before anything is written.\n"
         "\n"
         "Derived quantities (printed, and written to config.json under \"derived\"): tau = eta/B, the\n"
         "SGD noise scale (sgf, dmft and ode use optimizer.tau instead when it is set; tau = 0 is\n"
         "gradient flow); epochs = T/(alpha tau), the passes over the data the horizon spans; the\n"
         "sample count n = alpha d; the grid step dt = T/N; whether taming is on.\n"
         "\n"
         "Config keys (type, default, meaning):\n";
    h += keysText();
    h += "\n"
         "Files written in DIR (each through a temporary file and a rename, never half-written):\n"
         "  config.json                 the fully resolved configuration, with a \"derived\" section\n"
         "  summary.json                overall status, total wall time, version; per engine: status,\n"
         "                              message, wall time, grid size, valid points, dimension, seeds,\n"
         "                              samples (simulations) or paths/replicas, iterations and final\n"
         "                              residual (dmft), engine-specific entries, files written\n"
         "  <engine>_curves.csv         header row, then one row per computed grid time: t, train_loss,\n"
         "                              test_loss, test_error, Q_a_b, M_a_m (1-based unit indices), each\n"
         "                              value column followed by its _se column (standard error across\n"
         "                              seeds or replicas; nan where undefined)\n"
         "  <engine>_C_theta.csv        C_theta(t_n, t_m) as an (N+1)x(N+1) matrix, no header; for k > 1\n"
         "                              the trace over units, plus <engine>_C_theta_a_b.csv per block\n"
         "  <engine>_C_g.csv, _R_theta.csv, _C_u.csv, _K.csv\n"
         "                              the other kernels the engine computed (C_g: simulations; R_theta,\n"
         "                              C_u, K: dmft), laid out like C_theta\n"
         "  <kernel file>_se.csv        its standard errors, when the engine estimated them (for a trace:\n"
         "                              the root-sum-square of the blocks' errors)\n"
         "  <engine>_residuals.csv      iteration,residual of the DMFT fixed-point iteration\n"
         "  loss.EXT, overlaps.EXT, C_theta_<engine>.EXT\n"
         "                              with --plots: train/test loss and test error, overlaps Q and M\n"
         "                              (all engines overlaid, +-1 SE), and each engine's C_theta heatmap\n"
         "A run that stops early (diverged, cancelled) writes the grid points it computed.\n"
         "\n"
         "Progress goes to stderr: a line per 10% per engine, or one live line on a terminal.\n"
         "Ctrl-C (SIGINT) or SIGTERM cancels: the running engine stops, what exists is written;\n"
         "a second Ctrl-C kills at once.\n"
         "\n"
         "Exit codes:\n"
         "  0    every engine completed (simulations) or converged (dmft)\n"
         "  1    an output file could not be written after the run had started\n"
         "  2    bad input: usage, unknown preset/engine/key, wrong type or value, malformed JSON,\n"
         "       too much memory, unwritable output folder; one line on stderr, nothing written\n"
         "  3    an engine diverged; its message says when and which parameter to lower; what it\n"
         "       computed is written and summary.json says \"diverged\"\n"
         "  4    dmft stopped at dmft.max_iterations without reaching dmft.tolerance (status\n"
         "       \"max_iterations\"; the last iterate is written but is not a converged answer)\n"
         "  130  cancelled (summary status \"cancelled\")\n"
         "\n"
         "Example:\n"
         "  dmftlab-cli run --preset linear-regression --set sim.seeds=4 --engine sgf,dmft \\\n"
         "      --out out/linreg --plots png,pdf\n";
    return h;
}

std::string presetsText()
{
    std::string out;
    for (const auto &p : presets()) {
        out += p.name + " - " + p.title + "\n";
        out += "    " + wrap(p.description, 92, 4, 4) + "\n";
        out += "    parameters: ";
        std::string params;
        for (const auto &[key, value] : jsonpath::flatten(p.overrides))
            params += " " + key + "=" + value.dump();
        out += wrap(params, 92, 6, 16) + "\n";
        const RunConfig c = presetConfig(p.name);
        out += "    derived: tau = eta/B = " + num(c.sgdTau()) + ", epochs = " + num(c.epochs())
            + ", n = " + std::to_string(c.samples()) + ", dt = " + num(c.dt())
            + (c.tamingEnabled() ? ", taming on" : "") + "\n\n";
    }
    out += "Run one with: dmftlab-cli run --preset NAME --engine sgf --out DIR\n";
    return out;
}

} // namespace cli

int runCli(int argc, char **argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        std::fprintf(stderr, "usage: dmftlab-cli run|presets|--help|--version (see dmftlab-cli --help)\n");
        return cli::kExitBadInput;
    }
    const std::string command = args[0];
    args.erase(args.begin());
    if (command == "--help" || command == "-h" || command == "help") {
        std::fputs(cli::helpText().c_str(), stdout);
        return cli::kExitOk;
    }
    if (command == "--version" || command == "version") {
        std::printf("dmftlab-cli %s\n", DMFTLAB_VERSION);
        return cli::kExitOk;
    }
    if (command == "presets") {
        if (!args.empty())
            return fail("presets takes no arguments, got '" + args[0] + "'");
        std::fputs(cli::presetsText().c_str(), stdout);
        return cli::kExitOk;
    }
    if (command == "run")
        return runCommand(args);
    if (command == "sweep")
        return runSweepCommand(args);
    if (command.rfind("-", 0) == 0)
        return fail("unknown option '" + command + "' (commands: run, presets; see dmftlab-cli --help)");
    return fail("unknown command '" + command + "' (commands: run, presets; see dmftlab-cli --help)");
}

} // namespace dmftlab
