#include "sweepcommand.h"

#include "cli.h"
#include "clicommon.h"
#include "cliplots.h"
#include "clisignals.h"
#include "config/presets.h"
#include "config/resolve.h"
#include "engine/registry.h"
#include "io/csv.h"
#include "io/files.h"
#include "processgroup.h"
#include "sweep/sweepcsv.h"
#include "sweepfigures.h"
#include "sweepranks.h"
#include "version.h"

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
#include <limits>
#include <sstream>

namespace dmftlab
{

namespace
{

namespace fs = std::filesystem;

using cli::fail;
using cli::splitList;

struct SweepOptions : cli::FigureOptions {
    std::string preset;
    std::vector<std::string> sets, vary, engines, scalars;
    std::string out;
    std::vector<double> contours; ///< --contours; empty: at the quartiles of the value range
    bool quiet = false, help = false;
};

/// The phase diagram's contour levels: those given, else three at 25, 50 and 75 % of the
/// range of the finished values of scalar `s` (none when they are all equal).
std::vector<double> contourLevelsFor(
    const SweepOptions &o, const std::vector<SweepPointResult> &results, int s)
{
    if (!o.contours.empty())
        return o.contours;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const auto &r : results)
        if (r.done() && std::isfinite(r.scalars[s].value)) {
            lo = std::min(lo, r.scalars[s].value);
            hi = std::max(hi, r.scalars[s].value);
        }
    if (!(hi > lo))
        return {};
    return { lo + 0.25 * (hi - lo), lo + 0.5 * (hi - lo), lo + 0.75 * (hi - lo) };
}

std::string parseOptions(const std::vector<std::string> &args, SweepOptions *o)
{
    for (std::size_t i = 0; i < args.size(); ++i) {
        std::string arg = args[i], value;
        bool inlineValue = false;
        if (arg.rfind("--", 0) == 0)
            if (const auto eq = arg.find('='); eq != std::string::npos) {
                value = arg.substr(eq + 1);
                arg = arg.substr(0, eq);
                inlineValue = true;
            }
        auto take = [&]() -> bool {
            if (inlineValue)
                return true;
            if (i + 1 >= args.size())
                return false;
            value = args[++i];
            return true;
        };
        const bool valued = arg == "--preset" || arg == "--set" || arg == "--vary" || arg == "--engine"
            || arg == "--engines" || arg == "--scalar" || arg == "--out" || arg == "-o" || arg == "--plots"
            || arg == "--contours" || arg == "--plot-size" || arg == "--plot-scale" || arg == "--palette";
        if (valued && !take())
            return "option " + arg + " needs a value";
        if (arg == "--help" || arg == "-h") {
            o->help = true;
        } else if (arg == "--preset") {
            if (!o->preset.empty())
                return "option --preset given twice";
            o->preset = value;
        } else if (arg == "--set") {
            o->sets.push_back(value);
        } else if (arg == "--vary") {
            o->vary.push_back(value);
        } else if (arg == "--engine" || arg == "--engines") {
            for (const auto &e : splitList(value)) {
                if (!isKnownEngine(e))
                    return "unknown engine '" + e + "' (known: sgd, sgf, online, dmft, ode)";
                for (const auto &seen : o->engines)
                    if (seen == e)
                        return "engine '" + e + "' given twice";
                o->engines.push_back(e);
            }
        } else if (arg == "--scalar") {
            for (const auto &s : splitList(value))
                o->scalars.push_back(s);
        } else if (arg == "--out" || arg == "-o") {
            if (!o->out.empty())
                return "option --out given twice";
            o->out = value;
        } else if (arg == "--plots" || arg == "--plot-size" || arg == "--plot-scale" || arg == "--palette") {
            if (auto err = cli::setFigureOption(arg.substr(2), value, o); !err.empty())
                return err;
        } else if (arg == "--stamp") {
            o->stamp = true;
        } else if (arg == "--contours") {
            for (const auto &level : splitList(value)) {
                char *end = nullptr;
                const double x = std::strtod(level.c_str(), &end);
                if (end == level.c_str() || *end != '\0' || !std::isfinite(x))
                    return "--contours expects numbers separated by commas, got '" + level + "'";
                o->contours.push_back(x);
            }
        } else if (arg == "--slide") {
            o->slide = true;
        } else if (arg == "--quiet" || arg == "-q") {
            o->quiet = true;
        } else {
            return (arg.rfind("-", 0) == 0 ? "unknown option '" : "unexpected argument '") + arg
                + "' (see dmftlab-cli sweep --help)";
        }
    }
    if (o->help)
        return {};
    if (o->preset.empty())
        return "sweep needs --preset NAME (known: " + presetNames() + ")";
    if (o->vary.empty() || o->vary.size() > 2)
        return "sweep needs one or two --vary KEY=VALUES";
    if (o->engines.empty())
        o->engines = { engineName(EngineId::Dmft) };
    if (o->scalars.empty())
        o->scalars = { "final_test_loss" };
    if (o->out.empty())
        return "sweep needs --out DIR";
    return {};
}

/// The spec: the preset's tree with every --set applied (resolveConfig's merged tree, the
/// base the axes vary keys on), the axes, engines and scalars.
std::string makeSpec(const SweepOptions &o, SweepSpec *spec)
{
    ConfigSources sources;
    sources.preset = o.preset;
    sources.sets = o.sets;
    if (const ConfigResult r = resolveConfig(sources, &spec->base); !r.ok())
        return r.error;
    for (const auto &v : o.vary) {
        SweepAxis axis;
        if (auto err = parseSweepAxis(v, &axis); !err.empty())
            return err;
        spec->axes.push_back(axis);
    }
    spec->engines = o.engines;
    spec->scalars = o.scalars;
    return {};
}

/// What identifies the sweep on disk (scalars may change between a run and its resume:
/// they are recomputed from the stored curves).
json identity(const SweepPlan &plan)
{
    json a = json::array();
    for (const auto &axis : plan.spec.axes)
        a.push_back({ { "key", axis.key }, { "values", axis.values } });
    return { { "base", plan.spec.base }, { "vary", a }, { "engines", plan.spec.engines } };
}

json pointJson(const SweepPlan &plan, int p, const SweepPointResult &r)
{
    const SweepPoint &pt = plan.points[p];
    json values = json::object();
    values[plan.spec.axes[0].key] = plan.spec.axes[0].values[pt.i];
    if (plan.spec.axes.size() > 1)
        values[plan.spec.axes[1].key] = plan.spec.axes[1].values[pt.j];
    json engines = json::object();
    for (const auto &[engine, result] : r.results)
        engines[engine] = { { "status", toString(result->status) }, { "message", result->message },
            { "wall_seconds", result->wallSeconds }, { "iterations", result->curves.iterations } };
    return { { "id", pt.id }, { "i", pt.i }, { "j", pt.j }, { "values", values }, { "engines", engines } };
}

/// Reads a finished point back into the cache (resume). False when it is absent,
/// incomplete, cancelled or of another configuration: then it is recomputed.
bool loadPoint(
    const fs::path &dir, const SweepPoint &pt, const std::vector<std::string> &engines, ResultCache *cache)
{
    std::string text;
    if (!io::readFile((dir / "point.json").string(), &text).empty())
        return false;
    std::string configText;
    if (!io::readFile((dir / "config.json").string(), &configText).empty()
        || configText != io::jsonText(configToJson(pt.config, true)))
        return false;
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.contains("engines"))
        return false;
    std::vector<std::pair<std::string, std::shared_ptr<EngineResult>>> loaded;
    for (const auto &engine : engines) {
        if (!j["engines"].contains(engine))
            return false;
        const json &e = j["engines"][engine];
        auto r = std::make_shared<EngineResult>();
        const std::string status = e.value("status", "");
        bool known = false;
        for (Status s : { Status::Completed, Status::Converged, Status::MaxIterations, Status::Diverged,
                 Status::InvalidInput })
            if (toString(s) == status) {
                r->status = s;
                known = true;
            }
        if (!known)
            return false;
        r->message = e.value("message", "");
        r->wallSeconds = e.value("wall_seconds", 0.0);
        std::string csv;
        const auto csvPath = dir / (engine + "_curves.csv");
        if (fs::exists(csvPath)) {
            if (!io::readFile(csvPath.string(), &csv).empty() || !io::parseCurvesCsv(csv, &r->curves).empty())
                return false;
            // The grid is the configuration's, also beyond the points a diverged run reached.
            const int valid = r->curves.validPoints;
            Curves full;
            full.allocate(r->curves.k, r->curves.kStar, pt.config.grid());
            auto copy = [valid](const Estimate &from, Estimate &to) {
                for (int n = 0; n < valid && n < int(to.mean.size()); ++n) {
                    to.mean[n] = from.mean[n];
                    to.se[n] = from.se[n];
                }
            };
            copy(r->curves.trainLoss, full.trainLoss);
            copy(r->curves.testLoss, full.testLoss);
            copy(r->curves.testError, full.testError);
            for (std::size_t q = 0; q < full.Q.size(); ++q)
                copy(r->curves.Q[q], full.Q[q]);
            for (std::size_t m = 0; m < full.M.size(); ++m)
                copy(r->curves.M[m], full.M[m]);
            full.validPoints = valid;
            r->curves = std::move(full);
        }
        r->curves.engine = engine;
        r->curves.iterations = e.value("iterations", 0);
        loaded.emplace_back(engine, r);
    }
    for (auto &[engine, r] : loaded)
        cache->insert(ResultCache::key(engine, pt.config), r);
    return true;
}

std::string fileSafe(std::string name)
{
    for (char &c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.' && c != '-')
            c = '_';
    return name;
}

/// The family or phase-diagram figures of every scalar (and, for a family, the
/// overlaid test-loss curves). Empty on success.
std::string writeSweepFigures(
    const SweepRunner &runner, const SweepOptions &o, std::vector<std::string> *files)
{
    const SweepPlan &plan = runner.plan();
    figures::Style style = cli::figureStyle(o);
    if (o.stamp) // the varied parameters as "first…last"
        style.stamp = figures::parameterStamp(
            plan.points.front().config, plan.points.back().config, plan.spec.engines);
    const bool twoD = plan.spec.axes.size() > 1;
    std::vector<cli::Figure> list;
    const std::vector<SweepPointResult> &results = runner.results();
    for (int s = 0; s < int(plan.scalars.size()); ++s) {
        const std::string stem = (twoD ? "phase_" : "family_") + fileSafe(plan.scalars[s].name);
        list.push_back({ stem, [&, s](QCustomPlot *plot) {
                            if (twoD)
                                figures::plotPhaseDiagram(
                                    plot, plan, results, s, style, contourLevelsFor(o, results, s));
                            else
                                figures::plotFamilyScalar(plot, plan, results, s, style);
                        } });
    }
    if (!twoD)
        list.push_back({ "family_test_loss", [&](QCustomPlot *plot) {
                            figures::plotFamilyCurves(plot, plan, results, plan.spec.engines.front(),
                                figures::FamilyQuantity::TestLoss, style);
                        } });
    // A cancelled sweep still draws what it finished (its sweep.csv lists those points).
    return cli::writeFigureFiles(list, o, o.out, false, files);
}

} // namespace

std::string sweepHelpText()
{
    std::string h
        = "Usage:\n"
          "  dmftlab-cli sweep --preset NAME [--set key=value ...] --vary KEY=VALUES [--vary KEY=VALUES]\n"
          "                    [--engine LIST] [--scalar NAME[,NAME]] --out DIR [--plots png,pdf,svg]\n"
          "                    [--contours LEVELS] [--plot-size WxH|slide|slide-small] [--plot-scale S]\n"
          "                    [--slide] [--palette okabe-ito|tableau] [--stamp]\n"
          "\n"
          "Runs the engines (default dmft) at every point of a family (one --vary) or a phase\n"
          "diagram (two --vary) and reduces each point to scalars (default final_test_loss).\n"
          "VALUES is a list a,b,c or a range lin:FROM:TO:COUNT / log:FROM:TO:COUNT (both ends\n"
          "included; integer keys get integer values). KEY is any config key (see --help).\n"
          "Points run most informative first: the ends, then the midpoints; a phase diagram\n"
          "coarse to fine (the 4x4 sub-grid of an 8x8 grid is complete first).\n"
          "Every point is refused before anything runs if the schema or an engine rejects it;\n"
          "so is a sweep with too many points, too much memory or a rough time estimate above\n"
          "24 h.\n"
          "\n"
          "Scalars (NAME[@ENGINE]; default engine: the first of --engine):\n";
    for (const auto &[name, meaning] : sweepScalarHelp()) {
        std::string line = "  " + name;
        line += std::string(line.size() < 24 ? 24 - line.size() : 1, ' ') + meaning + "\n";
        h += line;
    }
    h += "\n"
         "Files in DIR:\n"
         "  sweep.csv          one row per finished point: point, the varied keys, each scalar and its\n"
         "                     _se, status (the worst engine's), iterations (dmft), wall_seconds, message\n"
         "  config.json        the sweep (base config tree, vary, engines, scalars) and the resolved\n"
         "                     base configuration\n"
         "  points/<id>/       what `run` writes for that configuration (config.json, <engine>_curves.csv,\n"
         "                     kernels, residuals) plus point.json (values, status per engine)\n"
         "  family_<scalar>.EXT, family_test_loss.EXT   (one --vary, with --plots)\n"
         "  phase_<scalar>.EXT                          (two --vary, with --plots): the heat map with\n"
         "                     white contour lines at --contours a,b,c, else at 25, 50 and 75 % of the\n"
         "                     computed range; axes in the parameters' own values (log-spaced ones on\n"
         "                     a log axis)\n"
         "Figure options as for `run`: --plot-size (default 900x600; slide = 1920x1080, slide-small =\n"
         "1280x720), --plot-scale, --slide, --palette (the end-point panel's colour; families and phase\n"
         "diagrams use the colour-blind-safe viridis map), --stamp (the parameters in a corner, the\n"
         "varied ones as first…last).\n"
         "Resume: rerun with the same --out; finished points are read back, not recomputed (the base\n"
         "config, vary and engines must be the same; scalars may change). Ctrl-C stops after no half\n"
         "point: sweep.csv lists exactly the finished points.\n"
         "Exit codes: 0 every point finished (a diverged point is a result, see its status), 1 a file\n"
         "could not be written, 2 bad input (nothing written), 130 cancelled.\n"
         "\n"
         "Example:\n"
         "  dmftlab-cli sweep --preset logistic-regression --vary data.alpha=lin:0.5:4:8 \\\n"
         "      --vary optimizer.tau=log:0.05:1:8 --engine dmft --scalar final_test_error --out out/pd "
         "--plots png\n";
    return h;
}

int runSweepCommand(const std::vector<std::string> &args)
{
    // Under mpirun every rank plans the same sweep; rank 0 alone reads and writes the output
    // directory and hands the points out (app/sweepranks.h).
    cli::ProcessGroup &group = cli::ProcessGroup::instance();
    SweepOptions o;
    SweepSpec spec;
    SweepPlan plan;
    const std::string planError = [&]() -> std::string {
        if (auto err = parseOptions(args, &o); !err.empty() && !o.help)
            return err;
        if (o.help)
            return {};
        if (auto err = makeSpec(o, &spec); !err.empty())
            return err;
        if (auto err = makeSweepPlan(spec, &plan); !err.empty())
            return err;
        return group.root() ? io::checkOutputDirectory(o.out) : std::string();
    }();
    if (const int code = group.agreeOrStop(planError, cli::kExitBadInput))
        return code;
    if (o.help) {
        if (group.root())
            std::fputs(sweepHelpText().c_str(), stdout);
        return cli::kExitOk;
    }
    if (!group.root()) {
        cli::installSignalHandlers();
        SweepRunner worker(plan);
        cli::serveSweepPoints(group, worker, &cli::cancelFlag());
        return cli::kExitOk;
    }
    // Rank 0 failing from here on stops the other ranks too (they wait for points).
    auto stop = [&group](const std::string &message, int code = cli::kExitBadInput) {
        return group.distributed() ? group.stopAll(message, code) : fail(message, code);
    };
    const fs::path dir(o.out);
    const RunConfig base = *configFromJson(spec.base, RunConfig {}).config;
    json configJson = { { "sweep", spec.toJson() }, { "identity", identity(plan) },
        { "base_config", configToJson(base, true) }, { "version", kProgramVersion } };
    // Resume only into the same sweep.
    auto cache = std::make_shared<ResultCache>();
    int resumed = 0;
    // Points whose files an earlier run wrote. Not the same as a point whose results all
    // came from the cache: the cache's key leaves out what an engine ignores, so in a sweep
    // over d every point after the first reuses the DMFT, and its files are still to write.
    std::vector<char> onDisk(plan.points.size(), 0);
    if (fs::exists(dir / "config.json")) {
        std::string text;
        io::readFile((dir / "config.json").string(), &text);
        const json old = json::parse(text, nullptr, false);
        if (old.is_discarded() || !old.contains("identity"))
            return stop(o.out + " holds something else than a sweep (config.json); use another --out");
        if (old["identity"] != configJson["identity"])
            return stop(o.out
                + " holds a different sweep (base config, --vary or --engine differ); use another --out");
        for (std::size_t p = 0; p < plan.points.size(); ++p) {
            onDisk[p]
                = loadPoint(dir / "points" / plan.points[p].id, plan.points[p], spec.engines, cache.get());
            resumed += onDisk[p] ? 1 : 0;
        }
    }

    const auto start = std::chrono::steady_clock::now();
    if (auto err = io::createOutputDirectory((dir / "points").string()); !err.empty())
        return stop(err);
    if (auto err = io::writeFileAtomic((dir / "config.json").string(), io::jsonText(configJson));
        !err.empty())
        return stop(err, cli::kExitWriteFailed);
    std::printf("dmftlab-cli %s: sweep of preset %s, %d points (%s), engines", kProgramVersion,
        o.preset.c_str(), int(plan.points.size()),
        spec.axes.size() > 1
            ? (std::to_string(spec.axes[0].size()) + " x " + std::to_string(spec.axes[1].size())).c_str()
            : "a family");
    for (const auto &e : spec.engines)
        std::printf(" %s", e.c_str());
    std::printf(", output %s\n", o.out.c_str());
    if (resumed > 0)
        std::printf("resuming: %d of %d points already done\n", resumed, int(plan.points.size()));
    std::fflush(stdout);

    cli::installSignalHandlers();

    SweepRunner runner(plan, cache);
    std::string writeError;
    int shown = 0;
    auto onPoint = [&](int p, const SweepPointResult &r) {
        const SweepPoint &pt = plan.points[p];
        const fs::path pdir = dir / "points" / pt.id;
        if (!onDisk[p] && writeError.empty()) {
            // The point's files first, point.json last: a point without point.json is not done.
            std::string err = io::createOutputDirectory(pdir.string());
            if (err.empty())
                err = io::writeFileAtomic(
                    (pdir / "config.json").string(), io::jsonText(configToJson(pt.config, true)));
            for (const auto &[engine, result] : r.results)
                if (err.empty() && result->curves.validPoints > 0)
                    err = io::writeCurvesFiles(result->curves, pdir.string()).error;
            if (err.empty())
                err = io::writeFileAtomic(
                    (pdir / "point.json").string(), io::jsonText(pointJson(plan, p, r)));
            if (!err.empty())
                writeError = err;
        }
        if (writeError.empty())
            if (auto err
                = io::writeFileAtomic((dir / "sweep.csv").string(), sweepCsv(plan, runner.results()));
                !err.empty())
                writeError = err;
        ++shown;
        if (!o.quiet) {
            std::string line = "[" + std::to_string(shown) + "/" + std::to_string(plan.points.size()) + "] "
                + plan.describe(p) + ": " + toString(r.status);
            char buf[64];
            std::snprintf(buf, sizeof buf, " in %.2f s", r.wallSeconds);
            line += onDisk[p] ? std::string(" (done before)")
                : r.cached    ? std::string(" (reused: the same engine settings as an earlier point)")
                              : std::string(buf);
            for (std::size_t s = 0; s < r.scalars.size(); ++s) {
                std::snprintf(buf, sizeof buf, "%.5g", r.scalars[s].value);
                line += ", " + plan.scalars[s].name + " = " + buf;
                if (std::isfinite(r.scalars[s].se)) {
                    std::snprintf(buf, sizeof buf, "%.2g", r.scalars[s].se);
                    line += " +- " + std::string(buf);
                }
            }
            std::fprintf(stderr, "%s\n", line.c_str());
        }
    };
    const Status status = group.distributed()
        ? cli::runSweepOnRanks(group, runner, *cache, onPoint, &cli::cancelFlag())
        : runner.run(onPoint, {}, &cli::cancelFlag());
    if (runner.completedPoints() == 0 || !writeError.empty()) {
        // Nothing finished (or a write failed): sweep.csv still lists exactly the finished points.
        if (auto err = io::writeFileAtomic((dir / "sweep.csv").string(), sweepCsv(plan, runner.results()));
            !err.empty())
            writeError = writeError.empty() ? err : writeError;
    }
    int exitCode = status == Status::Cancelled ? cli::kExitCancelled : cli::kExitOk;
    std::vector<std::string> plotFiles;
    if (writeError.empty() && !o.plotFormats.empty() && runner.completedPoints() > 0)
        writeError = cli::withOffscreenQt([&] { return writeSweepFigures(runner, o, &plotFiles); });
    if (!writeError.empty()) {
        fail(writeError, cli::kExitWriteFailed);
        exitCode = cli::kExitWriteFailed;
    }
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s: %d of %d points in %s (%.2f s)\n",
        status == Status::Cancelled ? "cancelled" : "completed", runner.completedPoints(),
        int(plan.points.size()), o.out.c_str(), wall);
    return exitCode;
}

} // namespace dmftlab
