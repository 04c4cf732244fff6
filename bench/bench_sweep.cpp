// Phase-diagram speed (issue 11): an 8×8 DMFT phase diagram of the logistic-regression
// preset at its default sizes (α from 0.5 to 4, τ log-spaced from 0.05 to 1), run
// coarse to fine through SweepRunner as the GUI and `dmftlab-cli sweep` run it. Prints
// the time until the first full 4×4 sub-grid and the total (targets: 15 s and 60 s on
// 2 cores), per-point wall times (median, max), and the CPU time of the process
// (getrusage: user + system, and at the first 4×4) with the load average before and
// after, so a run on a loaded machine can still be judged: on an idle 2-core machine the
// wall time is about CPU time / 2 when both cores are kept busy. Usage:
// Points run side by side (SweepRunner::lanes(), one thread each on 2 cores); the third
// argument limits the lanes (1: one point at a time on all threads, as before 2026-11-30).
//   dmftlab-bench-sweep [SIDE=8] [threads=0] [max lanes=0: no limit]
#include "config/configkey.h"
#include "config/resolve.h"
#include "engine/hugepages.h"
#include "engine/registry.h"
#include "sweep/sweeprunner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <sys/resource.h>

using namespace dmftlab;

namespace
{

/// User + system CPU seconds of this process so far (every thread).
double cpuSeconds()
{
    rusage u {};
    getrusage(RUSAGE_SELF, &u);
    const auto sec = [](const timeval &t) { return double(t.tv_sec) + 1e-6 * double(t.tv_usec); };
    return sec(u.ru_utime) + sec(u.ru_stime);
}

/// The 1-minute load average (/proc/loadavg), -1 where it cannot be read.
double loadAverage()
{
    std::ifstream in("/proc/loadavg");
    double load = -1;
    in >> load;
    return load;
}

} // namespace

int main(int argc, char **argv)
{
    dmftlab::keepFreedPathArrays();
    const int side = argc > 1 ? std::atoi(argv[1]) : 8;
    const int threads = argc > 2 ? std::atoi(argv[2]) : 0;
    const int maxLanes = argc > 3 ? std::atoi(argv[3]) : 0;
    SweepSpec spec;
    ConfigSources sources;
    sources.preset = "logistic-regression";
    sources.sets = { std::string(ConfigKey::SimThreads) + "=" + std::to_string(threads) };
    if (!resolveConfig(sources, &spec.base).ok())
        return 2;
    SweepAxis alpha, tau;
    const std::string n = std::to_string(side);
    if (!parseSweepAxis(std::string(ConfigKey::DataAlpha) + "=lin:0.5:4:" + n, &alpha).empty()
        || !parseSweepAxis(std::string(ConfigKey::OptimizerTau) + "=log:0.05:1:" + n, &tau).empty())
        return 2;
    spec.axes = { alpha, tau };
    spec.engines = { engineName(EngineId::Dmft) };
    spec.scalars = { "final_test_error", "dmft_iterations" };
    SweepPlan plan;
    if (auto err = makeSweepPlan(spec, &plan); !err.empty()) {
        std::fprintf(stderr, "%s\n", err.c_str());
        return 2;
    }
    const int coarse = std::min(4, side) * std::min(4, side);
    std::printf("%dx%d DMFT phase diagram of logistic-regression (P = %d, R = %d, N = %d), threads %d\n",
        side, side, plan.points[0].config.dmft.paths, plan.points[0].config.dmft.replicas,
        plan.points[0].config.time.steps, resolvedThreads(threads));
    const double loadBefore = loadAverage();
    const double cpuStart = cpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    double coarseSeconds = -1, coarseCpu = -1;
    int done = 0, notConverged = 0;
    std::vector<double> wall;
    // Where a point's time goes (the solver's own timings, summed over points): the noise
    // factor, the paths and the tangent paths of every iteration (pilot and replicas), the
    // θ-process; the rest of the wall time is set-up (warm start, normals) and reductions.
    double factor = 0, paths = 0, tangents = 0, theta = 0;
    int pilotIterations = 0, iterations = 0;
    SweepRunner runner(plan);
    runner.setMaxLanes(maxLanes);
    std::printf("%d point(s) side by side\n", runner.lanes());
    // The coarse picture is complete when the first `coarse` points of the order are all
    // done (side by side, points finish slightly out of order).
    std::vector<char> finished(plan.points.size(), 0);
    const auto coarseDone = [&] {
        for (int i = 0; i < coarse && i < static_cast<int>(plan.order.size()); ++i)
            if (!finished[plan.order[i]])
                return false;
        return true;
    };
    runner.run([&](int p, const SweepPointResult &r) {
        ++done;
        finished[p] = 1;
        wall.push_back(r.wallSeconds);
        if (const auto it = r.results.find(engineName(EngineId::Dmft)); it != r.results.end()) {
            const json &x = it->second->extra;
            factor += x.value("seconds_factor", 0.0);
            paths += x.value("seconds_paths", 0.0);
            tangents += x.value("seconds_tangents", 0.0);
            theta += x.value("seconds_theta", 0.0);
            pilotIterations += x.value("pilot_iterations", 0);
            iterations += x.value("iterations", 0);
        }
        notConverged += r.status == Status::Converged ? 0 : 1;
        const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (coarseSeconds < 0 && coarseDone()) {
            coarseSeconds = t;
            coarseCpu = cpuSeconds() - cpuStart;
        }
        std::printf("  %3d %-34s %-14s %2d it %6.2f s  (t = %6.1f s)\n", done, plan.describe(p).c_str(),
            toString(r.status).c_str(), r.iterations, r.wallSeconds, t);
        std::fflush(stdout);
    });
    const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double cpu = cpuSeconds() - cpuStart;
    std::sort(wall.begin(), wall.end());
    std::printf("first %d points (the coarse %dx%d grid): %.1f s; all %d: %.1f s; per point median %.2f s, "
                "max %.2f s; %d not converged\n",
        coarse, std::min(4, side), std::min(4, side), coarseSeconds, done, total, wall[wall.size() / 2],
        wall.back(), notConverged);
    double wallSum = 0;
    for (double w : wall)
        wallSum += w;
    std::printf("per point on average: %.1f pilot + %.1f replica iterations; wall %.2f s = paths %.2f + "
                "tangents %.2f + theta %.2f + noise factor %.2f + the rest (set-up, reductions) %.2f s\n",
        double(pilotIterations) / std::max(1, done), double(iterations) / std::max(1, done),
        wallSum / std::max(1, done), paths / std::max(1, done), tangents / std::max(1, done),
        theta / std::max(1, done), factor / std::max(1, done),
        (wallSum - paths - tangents - theta - factor) / std::max(1, done));
    std::printf(
        "CPU time (user + system, every thread): first %d points %.1f s, all %.1f s (%.2f s per point); "
        "load average %.2f before, %.2f after\n",
        coarse, coarseCpu, cpu, cpu / std::max(1, done), loadBefore, loadAverage());
    return 0;
}
