// DMFT solver speed (issue 3): solve time per iteration and to convergence, with the
// share spent in the r-process paths, the tangents (memory kernel K) and the θ-process
// (plus the Gaussian factor), for logistic regression at (N, P, P_J) = (50, 10⁴, 10³),
// (100, 10⁴, 10³), (200, 10⁴, 10³) and the erf committee (k = 2) at (100, 10⁴, 500).
// One replica on one thread is the unit of work of the Python references (~60 s for
// 50 steps, 10⁴ paths, 30 iterations; ~80 s for the committee at (40, 8000, 300));
// the two-thread figure shows the path split. Median of repeats.
#include "config/presets.h"
#include "dmft/dmftsolver.h"
#include "engine/hugepages.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace dmftlab;

namespace
{

struct Case {
    const char *preset;
    int N, P, PJ;
};

struct Measure {
    double solve = 0, setup = 0, perIteration = 0, paths = 0, tangents = 0, theta = 0;
    int iterations = 0;
    std::string status;
};

Measure solveOnce(const Case &cs, int threads, int mixingMemory = -1)
{
    RunConfig c = presetConfig(cs.preset);
    c.optimizer.tau = c.sgdTau();
    c.time.horizon = c.time.horizon * cs.N / c.time.steps; // keep Δ of the preset
    c.time.steps = cs.N;
    c.dmft.paths = cs.P;
    c.dmft.tangentPaths = cs.PJ;
    c.dmft.replicas = 1;
    c.dmft.warmStart = "ode"; // the replica's own iterations, without a pilot solve
    c.sim.threads = threads;
    if (mixingMemory >= 0)
        c.dmft.mixingMemory = mixingMemory;
    DmftSolver solver(c);
    const auto t0 = std::chrono::steady_clock::now();
    solver.init();
    const auto t1 = std::chrono::steady_clock::now();
    while (solver.step() == Status::Running) { }
    const auto t2 = std::chrono::steady_clock::now();
    Measure m;
    m.solve = std::chrono::duration<double>(t2 - t0).count();
    m.iterations = solver.iterations();
    m.setup = std::chrono::duration<double>(t1 - t0).count();
    m.perIteration = std::chrono::duration<double>(t2 - t1).count() / std::max(1, m.iterations);
    const DmftTimings t = solver.timings();
    const double total = t.factor + t.paths + t.tangents + t.theta;
    m.paths = t.paths / total;
    m.tangents = t.tangents / total;
    m.theta = (t.theta + t.factor) / total;
    m.status = toString(solver.status());
    return m;
}

} // namespace

int main(int argc, char **argv)
{
    dmftlab::keepFreedPathArrays();
    // dmftlab-bench-dmft [repeats] [only: "logistic" | "committee" | "reference" | "mixing"]
    const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
    const std::string only = argc > 2 ? argv[2] : "";
    auto wanted
        = [&](const std::string &name) { return only.empty() || name.find(only) != std::string::npos; };
    const std::vector<Case> cases
        = { { "logistic-regression", 50, 10000, 1000 }, { "logistic-regression", 100, 10000, 1000 },
              { "logistic-regression", 200, 10000, 1000 }, { "committee-erf", 100, 10000, 500 } };
    std::printf("DMFT solver, one replica, median of %d solves\n", repeats);
    std::printf("%-20s %4s %6s %5s %3s | %9s %8s %8s %5s | %6s %6s %6s | %s\n", "model", "N", "P", "P_J",
        "thr", "solve[s]", "setup[s]", "iter[ms]", "iters", "paths", "tang", "theta", "status");
    for (const auto &cs : cases) {
        if (!wanted(cs.preset))
            continue;
        for (int threads : { 1, 2 }) {
            std::vector<Measure> ms;
            for (int r = 0; r < repeats; ++r)
                ms.push_back(solveOnce(cs, threads));
            std::sort(
                ms.begin(), ms.end(), [](const Measure &a, const Measure &b) { return a.solve < b.solve; });
            const Measure &m = ms[ms.size() / 2];
            std::printf("%-20s %4d %6d %5d %3d | %9.3f %8.3f %8.1f %5d | %5.0f%% %5.0f%% %5.0f%% | %s\n",
                cs.preset, cs.N, cs.P, cs.PJ, threads, m.solve, m.setup, 1e3 * m.perIteration, m.iterations,
                100 * m.paths, 100 * m.tangents, 100 * m.theta, m.status.c_str());
            std::fflush(stdout);
        }
    }
    // the Python references' own work, for a like-for-like ratio
    std::printf("\nReference work (one thread):\n");
    for (const Case &cs :
        { Case { "logistic-regression", 50, 10000, 1000 }, Case { "committee-erf", 40, 8000, 300 } }) {
        if (!wanted(cs.preset) && only != "reference")
            continue;
        std::vector<Measure> ms;
        for (int r = 0; r < repeats; ++r)
            ms.push_back(solveOnce(cs, 1));
        std::sort(ms.begin(), ms.end(), [](const Measure &a, const Measure &b) { return a.solve < b.solve; });
        const Measure &m = ms[ms.size() / 2];
        std::printf(
            "%-20s (N=%d, P=%d, P_J=%d): %.1f ms/iteration, set-up %.2f s; 30 iterations + set-up %.2f s; "
            "whole solve %.2f s (%d iterations)\n",
            cs.preset, cs.N, cs.P, cs.PJ, 1e3 * m.perIteration, m.setup, m.setup + 30 * m.perIteration,
            m.solve, m.iterations);
    }
    // Anderson mixing vs plain damping: iterations and time to convergence, each preset at
    // its own sizes, one replica on one thread
    std::printf(
        "\nFixed-point mixing, presets at their own N and default P, P_J (one replica, one thread):\n");
    std::printf("%-20s %4s | %18s | %18s\n", "preset", "N", "damping: iters, s", "Anderson(5): iters, s");
    for (const Preset &preset : presets()) {
        const std::string &name = preset.name;
        if (!wanted(name) && only != "mixing")
            continue;
        const RunConfig pc = presetConfig(name);
        const Case cs { name.c_str(), pc.time.steps, pc.dmft.paths, pc.dmft.tangentPaths };
        Measure by[2];
        for (int i = 0; i < 2; ++i) {
            std::vector<Measure> ms;
            for (int r = 0; r < repeats; ++r)
                ms.push_back(solveOnce(cs, 1, i == 0 ? 0 : 5));
            std::sort(
                ms.begin(), ms.end(), [](const Measure &a, const Measure &b) { return a.solve < b.solve; });
            by[i] = ms[ms.size() / 2];
        }
        std::printf("%-20s %4d | %6d %9.2f s | %6d %9.2f s\n", name.c_str(), cs.N, by[0].iterations,
            by[0].solve, by[1].iterations, by[1].solve);
        std::fflush(stdout);
    }
    return 0;
}
