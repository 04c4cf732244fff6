// Phase-diagram speed (issue 11): an 8×8 DMFT phase diagram of the logistic-regression
// preset at its default sizes (α from 0.5 to 4, τ log-spaced from 0.05 to 1), run
// coarse to fine through SweepRunner as the GUI and `dmftlab-cli sweep` run it. Prints
// the time until the first full 4×4 sub-grid and the total (targets: 15 s and 60 s on
// 2 cores), and per-point wall times (median, max). Usage:
//   dmftlab-bench-sweep [SIDE=8] [threads=0]
#include "config/configkey.h"
#include "config/resolve.h"
#include "engine/registry.h"
#include "sweep/sweeprunner.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace dmftlab;

int main(int argc, char **argv)
{
    const int side = argc > 1 ? std::atoi(argv[1]) : 8;
    const int threads = argc > 2 ? std::atoi(argv[2]) : 0;
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
    const auto start = std::chrono::steady_clock::now();
    double coarseSeconds = -1;
    int done = 0, notConverged = 0;
    std::vector<double> wall;
    SweepRunner runner(plan);
    runner.run([&](int p, const SweepPointResult &r) {
        ++done;
        wall.push_back(r.wallSeconds);
        notConverged += r.status == Status::Converged ? 0 : 1;
        const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (done == coarse)
            coarseSeconds = t;
        std::printf("  %3d %-34s %-14s %2d it %6.2f s  (t = %6.1f s)\n", done, plan.describe(p).c_str(),
            toString(r.status).c_str(), r.iterations, r.wallSeconds, t);
        std::fflush(stdout);
    });
    const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::sort(wall.begin(), wall.end());
    std::printf("first %d points (the coarse %dx%d grid): %.1f s; all %d: %.1f s; per point median %.2f s, "
                "max %.2f s; %d not converged\n",
        coarse, std::min(4, side), std::min(4, side), coarseSeconds, done, total, wall[wall.size() / 2],
        wall.back(), notConverged);
    return 0;
}
