// `dmftlab-cli run`: options → resolved and checked configuration → config.json → each
// engine in turn (progress on stderr, its data files, summary.json "running") → figures →
// the final summary.json and the exit code of the worst outcome.
#include "clicommands.h"

#include "clicommon.h"
#include "clioptions.h"
#include "cliplots.h"
#include "cliprogress.h"
#include "cliresolve.h"
#include "clisignals.h"
#include "dmft/effectivepaths.h"
#include "engine/reducer.h"
#include "engine/registry.h"
#include "io/files.h"
#include "io/lawfiles.h"
#include "io/summary.h"
#include "observables/distributions.h"
#include "processgroup.h"
#include "version.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <sstream>

namespace dmftlab::cli
{

namespace
{

// Sample paths per process in dmft_effective_paths.csv.
constexpr int kEffectivePaths = 8;
// Bins of the law files (<engine>_theta_law.csv, <engine>_r_law.csv).
constexpr int kLawBins = 40;

int exitCodeFor(io::RunStatus s)
{
    switch (s) {
    case io::RunStatus::Completed:
        return kExitOk;
    case io::RunStatus::NotConverged:
        return kExitNotConverged;
    case io::RunStatus::Diverged:
        return kExitDiverged;
    case io::RunStatus::InvalidInput:
        return kExitBadInput;
    case io::RunStatus::InternalError:
        return kExitInternalError;
    case io::RunStatus::WriteFailed:
        return kExitWriteFailed;
    case io::RunStatus::Cancelled:
        return kExitCancelled;
    }
    return kExitInternalError;
}

std::string describeTau(const RunConfig &c, const std::vector<std::string> &engines)
{
    std::ostringstream os;
    os.precision(6);
    bool sgfType = false, sgdType = false;
    for (const auto &e : engines)
        (isSgfType(e) ? sgfType : sgdType) = true;
    auto namesOf = [](bool sgf) { // "sgd, online" / "sgf, dmft, ode"
        std::string out;
        for (const EngineInfo &e : engineRegistry())
            if (e.sgfType == sgf)
                out += (out.empty() ? "" : ", ") + e.name;
        return out;
    };
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
           << c.sgdTau() << ", " << epochs(c.sgdTau()) << (c.optimizer.tau ? " (" + namesOf(false) + ")" : "")
           << "\n";
    if (c.optimizer.tau && sgfType)
        os << "tau = " << c.tau() << " (set directly), " << epochs(c.tau()) << " (" << namesOf(true) << ")\n";
    bool finiteD = false;
    for (const auto &e : engines)
        finiteD = finiteD || findEngine(e)->isSimulation();
    if (finiteD)
        os << "d = " << c.sim.dimension << ", n = alpha d = " << c.samples() << ", " << c.sim.seeds
           << " seeds, ";
    os << "dt = T/N = " << c.dt() << ", taming " << (c.tamingEnabled() ? "on" : "off");
    return os.str();
}

/// Whether `engine` splits its work over the ranks (the others run on rank 0 alone).
bool splitsOverRanks(const std::string &engine)
{
    const EngineInfo *info = findEngine(engine);
    return info && (info->isSimulation() || info->id == EngineId::Dmft);
}

/// A rank other than 0 under mpirun: its share of the engines that split their work, in the
/// order rank 0 runs them; nothing printed or written. A failure of its own (an exception in
/// the engine) stops the job: rank 0 would wait for its share forever.
int runWorker(ProcessGroup &group, const RunOptions &o, const RunConfig &config)
{
    installSignalHandlers();
    for (const auto &engine : o.engines) {
        if (!splitsOverRanks(engine))
            continue;
        const EngineResult r = runEngine(engine, config, {}, &cancelFlag());
        if (r.status == Status::InternalError)
            return group.stopAll(engine + ": " + r.message, kExitInternalError);
    }
    return kExitOk;
}

} // namespace

int runCommand(const std::vector<std::string> &args)
{
    // Under mpirun every rank checks the same options; the engines split their work over the
    // ranks (processgroup.h) and rank 0 alone prints and writes.
    ProcessGroup &group = ProcessGroup::instance();
    ScopedEngineReducer splitWork(group);
    RunOptions o;
    bool help = false;
    RunConfig config;
    const std::string checkError = [&]() -> std::string {
        if (auto e = parseRunOptions(args, &o, &help); !help && !e.empty())
            return e;
        if (help)
            return {};
        if (auto e = resolveConfig(o, &config); !e.empty())
            return e;
        for (const auto &e : o.engines)
            if (auto why = checkEngine(e, config))
                return why->message;
        if (group.root())
            return io::checkOutputDirectory(o.out);
        return {};
    }();
    if (const int code = group.agreeOrStop(checkError, kExitBadInput))
        return code;
    if (help) {
        if (group.root())
            std::fputs(helpText().c_str(), stdout);
        return kExitOk;
    }
    if (!group.root())
        return runWorker(group, o, config);

    // Everything is checked: from here on files are written.
    const auto start = std::chrono::steady_clock::now();
    if (auto err = io::createOutputDirectory(o.out); !err.empty())
        return fail(err);
    const std::filesystem::path dir(o.out);
    const json resolved = configToJson(config, /*withDerived=*/true);
    if (auto err = io::writeFileAtomic((dir / "config.json").string(), io::jsonText(resolved)); !err.empty())
        return fail(err, kExitWriteFailed);

    std::printf("dmftlab-cli %s: preset %s, engines", kProgramVersion,
        config.preset.empty() ? "(none)" : config.preset.c_str());
    for (const auto &e : o.engines)
        std::printf(" %s", e.c_str());
    std::printf(", output %s\n%s\n", o.out.c_str(), describeTau(config, o.engines).c_str());
    std::fflush(stdout);

    installSignalHandlers();
    ProgressPrinter printer(o.quiet);
    io::RunSummary summary(config, o.engines, o.out);
    auto elapsed = [&start] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    };
    auto writeFailed = [&summary](const std::string &err) {
        summary.record(io::RunStatus::WriteFailed);
        fail(err, kExitWriteFailed);
    };

    std::vector<std::unique_ptr<EngineResult>> results;
    for (const auto &engine : o.engines) {
        // Under mpirun the other ranks run their share of this engine whatever happens here:
        // skipping it would leave them waiting (a signal under mpirun stops the whole job).
        if (cancelFlag().load() && !(group.distributed() && splitsOverRanks(engine))) {
            summary.setSkipped(engine, "cancelled before it started");
            summary.record(io::RunStatus::Cancelled);
            continue;
        }
        printer.start(engine);
        auto result = std::make_unique<EngineResult>(runEngine(
            engine, config, [&printer](const ProgressReport &r) { printer.report(r); }, &cancelFlag()));
        printer.finish();
        result->curves.engine = engine;
        if (result->status == Status::Cancelled || cancelFlag().load())
            result->status = Status::Cancelled;
        const io::RunStatus runStatus = io::runStatusFor(result->status);
        summary.record(runStatus);

        // A signal from here on lets this engine's files be written (each is complete or
        // absent); the next engines are then skipped and no figures are drawn.
        io::WriteResult written;
        if (result->curves.validPoints > 0)
            written = io::writeCurvesFiles(result->curves, o.out);
        if (result->distributions && written.ok()) {
            const auto laws = engineLaws(*result->distributions, config.teacherPrior, kLawBins);
            const auto lawFiles = io::writeLawFiles(laws, engine, o.out);
            written.files.insert(written.files.end(), lawFiles.files.begin(), lawFiles.files.end());
            written.error = lawFiles.error;
            // A few effective-process sample paths over their bands (cheap: the law paths).
            if (engine == engineInfo(EngineId::Dmft).name && written.ok()) {
                const EffectivePaths paths = effectivePaths(*result->distributions, result->curves,
                    config.teacherPrior, kEffectivePaths, config.dmft.seed);
                if (!paths.empty()) {
                    const std::string name = engine + "_effective_paths.csv";
                    written.error = io::writeFileAtomic(o.out + "/" + name, io::effectivePathsCsv(paths));
                    if (written.ok())
                        written.files.push_back(name);
                }
            }
            if (!result->distributions->note.empty())
                std::fprintf(
                    stderr, "dmftlab-cli: %s: %s\n", engine.c_str(), result->distributions->note.c_str());
        }
        summary.setEngine({ engine, result->status, result->message, result->wallSeconds, &result->curves,
            result->extra, written.files });
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
        if (runStatus == io::RunStatus::InvalidInput)
            fail(engine + ": " + result->message);
        else if (runStatus == io::RunStatus::InternalError && group.distributed() && splitsOverRanks(engine))
            return group.stopAll(engine + ": " + result->message, kExitInternalError);
        else if (runStatus == io::RunStatus::InternalError)
            fail(engine + ": " + result->message, kExitInternalError);
        else if (runStatus == io::RunStatus::Diverged)
            std::fprintf(stderr, "dmftlab-cli: %s %s: %s\n", engine.c_str(),
                result->status == Status::NumericalFailure ? "failed numerically" : "diverged",
                result->message.c_str());
        else if (runStatus == io::RunStatus::NotConverged)
            std::fprintf(
                stderr, "dmftlab-cli: %s did not converge: %s\n", engine.c_str(), result->message.c_str());
        if (!written.ok())
            writeFailed(written.error);
        summary.setWallSeconds(elapsed());
        if (auto err = summary.writeProgress(); !err.empty())
            writeFailed(err);
        results.push_back(std::move(result));
    }

    if (!o.plotFormats.empty() && !cancelFlag().load()) {
        std::vector<const Curves *> curves;
        for (const auto &r : results)
            if (r->curves.validPoints > 0)
                curves.push_back(&r->curves);
        if (curves.empty()) {
            std::fprintf(stderr, "dmftlab-cli: no engine computed anything to plot\n");
        } else {
            std::vector<std::string> files;
            const std::string err = writeFigures(o, config, curves, &files);
            summary.setPlots(files);
            if (!err.empty())
                writeFailed(err);
        }
    }
    if (cancelFlag().load()) // also a signal that arrived while files and figures were written
        summary.record(io::RunStatus::Cancelled);

    summary.setWallSeconds(elapsed());
    if (auto err = summary.finish(); !err.empty())
        writeFailed(err);
    std::printf("%s: wrote %s (%.2f s)\n", io::toString(summary.status()).c_str(), o.out.c_str(),
        summary.document()["wall_seconds"].get<double>());
    return exitCodeFor(summary.status());
}

} // namespace dmftlab::cli
