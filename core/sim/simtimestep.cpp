#include "sim/simtimestep.h"

#include "dmft/timestep.h"
#include "engine/reducer.h"
#include "sim/simulation.h"

#include <chrono>
#include <string>
#include <vector>

namespace dmftlab
{

namespace
{
/// Whether run `r` completed on every process. Under MPI only rank 0 knows how the seeds ended
/// (the other ranks report Completed once they sent theirs), and every process must take part
/// in the same further runs, so the answer is agreed on by one reduction.
bool completedEverywhere(const EngineResult &r)
{
    double failed = r.status == Status::Completed ? 0.0 : 1.0;
    engineReducer().sumInPlace(&failed, 1);
    return failed == 0.0;
}
} // namespace

EngineResult runSgfWithTimeStepControl(
    const RunConfig &config, const ProgressCallback &progress, const std::atomic<bool> *cancel)
{
    const std::string mode = config.sim.continuousTime;
    const bool more = mode == "estimate" || mode == "extrapolate";
    const int N = config.time.steps;
    // 4 | N: a run at 4Δ too (estimate: the first-order check; extrapolate: also the remaining error)
    const bool third = N % 4 == 0;
    // shares of the progress bar: the 2Δ run has half the steps of the Δ run, the 4Δ a quarter
    const double fineShare = !more ? 1.0 : third ? 4.0 / 7.0 : 2.0 / 3.0;
    const ProgressCallback fineProgress = levelProgress(progress, 0.0, fineShare, "");
    std::vector<Curves> fineSeeds;
    SimulationOptions fineOptions;
    fineOptions.seedCurves = more ? &fineSeeds : nullptr;
    EngineResult fine = runSimulation(SimEngine::Sgf, config, fineProgress, cancel, fineOptions);
    if (!more)
        return fine;
    fine.extra["continuous_time"] = mode;
    if (N % 2 != 0 && fine.status == Status::Completed) // "estimate" with an odd N
        fine.message = "time-step error not estimated (it needs an even time.steps)";
    if (N % 2 != 0 || !completedEverywhere(fine))
        return fine;
    const auto start = std::chrono::steady_clock::now();
    auto run = [&](int divisor, double from, double to, std::vector<Curves> *seeds) {
        RunConfig c = config;
        c.time.steps = N / divisor;
        c.sim.continuousTime = "off";
        c.output.distributionTimes.clear(); // the laws are the Δ run's
        const ProgressCallback p = levelProgress(
            progress, from, to, "SGF at " + std::to_string(divisor) + " dt (time-step error): ");
        SimulationOptions options;
        options.noisePairing = divisor;
        options.seedCurves = seeds;
        return runSimulation(SimEngine::Sgf, c, p, cancel, options);
    };
    std::vector<Curves> coarseSeeds;
    const double coarseEnd = third ? 6.0 / 7.0 : 1.0;
    EngineResult coarse = run(2, fineShare, coarseEnd, &coarseSeeds);
    EngineResult coarser;
    if (completedEverywhere(coarse) && third)
        coarser = run(4, coarseEnd, 1.0, nullptr);
    if (coarse.status == Status::Cancelled || coarser.status == Status::Cancelled) {
        fine.status = Status::Cancelled;
        fine.message = "cancelled during the time-step error runs";
        return fine;
    }
    json ts;
    ts["steps"] = json::array({ N, N / 2 });
    ts["common_random_numbers"] = true; // same seeds, Brownian increments summed
    auto note
        = [&fine](const std::string &text) { fine.message += (fine.message.empty() ? "" : "; ") + text; };
    // (the seeds' curves are rank 0's alone: the other ranks stop here)
    if (coarse.status != Status::Completed || fineSeeds.empty() || coarseSeeds.size() != fineSeeds.size()) {
        note("time-step error not estimated: the run at 2 dt stopped (" + coarse.message + ")");
        fine.extra["time_step_runs"] = ts;
        return fine;
    }
    note(combineTimeStepLevels(mode, fine.curves, coarse.curves,
        coarser.status == Status::Completed ? &coarser.curves : nullptr,
        { "run", true, &fineSeeds, &coarseSeeds }, ts));
    ts["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    fine.extra["time_step_runs"] = ts;
    fine.extra["error_budget"] = errorBudget(fine.curves);
    reportCombined(progress, fine, "SGF");
    return fine;
}

} // namespace dmftlab
