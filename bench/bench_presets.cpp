// Speed of what a user waits for (issue 9), printed, never asserted:
//  1. the machine's double-precision GEMM rate (Eigen, one thread, 1024³), the yardstick;
//  2. the DMFT kernels' rates on one replica and one thread: the path kernel (z, w = L ξ,
//     the r-process, the C_u Gram matrix, E[g zᵀ]) and the tangent kernel (the recursion of
//     J and K), in GFLOP/s and as a fraction of the GEMM rate, from analytic flop counts; the
//     path kernel both as the whole path pass and without the model's per-step work (the loss
//     and its derivatives at every path and step, which the flop counts leave out);
//  3. every preset's default run as the window starts it — its simulation and its DMFT,
//     with the laws at every grid time, in two concurrent workers — wall time to the end,
//     and the time to the first complete DMFT picture (the pilot solve's last reported
//     iterate);
//  4. the SPOC DMFT-integration workload (linear regression, full-batch gradient descent,
//     α = 3, 50 steps, 2·10⁴ paths with tangents on all, 30 iterations), as the peer runs it
//     and as DMFT Lab solves it by default (exact second moments, no paths).
// Median of repeats. Usage: dmftlab-bench-presets [repeats] [only: gemm|kernels|presets|spoc]
#include "config/presets.h"
#include "dmft/dmftsolver.h"
#include "dmft/linearmoments.h"
#include "engine/engine.h"
#include "engine/hugepages.h"
#include "engine/registry.h"

#include <Eigen/Dense>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace dmftlab;

namespace
{
using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}

double gemmRate(int repeats)
{
    Eigen::setNbThreads(1);
    const int n = 1024;
    const Eigen::MatrixXd a = Eigen::MatrixXd::Random(n, n), b = Eigen::MatrixXd::Random(n, n);
    Eigen::MatrixXd c(n, n);
    std::vector<double> rates;
    for (int r = 0; r < repeats + 1; ++r) {
        const auto t0 = Clock::now();
        c.noalias() = a * b;
        const double s = since(t0);
        if (r > 0) // the first product warms the caches and the page tables
            rates.push_back(2.0 * n * n * n / s * 1e-9);
    }
    std::printf("GEMM (Eigen, one thread, %d x %d x %d): %.1f GFLOP/s (median of %d; checksum %.3g)\n", n, n,
        n, median(rates), repeats, c(0, 0));
    return median(rates);
}

/// Flops of one iteration of one replica (multiply–adds count 2), from the sizes.
struct KernelFlops {
    double paths = 0, tangents = 0;
};

KernelFlops kernelFlops(const RunConfig &c)
{
    const double N = c.time.steps, k = c.problem.width, ks = c.problem.teacherWidth;
    const double P = c.dmft.paths, PJ = c.dmft.tangentPaths, D = (N + 1) * k, Dz = D + ks;
    KernelFlops f;
    // L ξ (triangular, the w rows): Σ over w rows of their length; r-process Σ_n 2 k·n k;
    // the Gram matrix (lower half) and E[g zᵀ]
    f.paths = P * (D * Dz) + P * 2.0 * k * k * N * (N + 1) / 2.0 + P * D * (D + 1) + P * 2.0 * D * ks;
    // tangents: for every column m and row n > m, J_nm = −Σ_{l=m}^{n−1} R(n,l)(A_l J_lm):
    // 2 k³ (n − m) for the sum, plus 2 k³ each for A_n J_nm and H̃_n J_nm
    const double pairs = N * (N + 1) * (N + 2) / 6.0, count = N * (N + 1) / 2.0;
    f.tangents = PJ * (2.0 * k * k * k * pairs + 4.0 * k * k * k * count);
    return f;
}

void kernelRow(const std::string &name, const RunConfig &c, int repeats, double gemm);

void kernels(int repeats, double gemm)
{
    std::printf("\nDMFT kernels, one replica, one thread (GFLOP/s from analytic flop counts; median of %d)\n",
        repeats);
    std::printf("%-20s %4s %6s %5s | %10s %7s %6s | %10s %7s %6s | %10s %7s %6s | %9s %7s %9s\n", "preset",
        "N", "P", "P_J", "paths ms/it", "GFLOP/s", "ofGEMM", "kern ms/it", "GFLOP/s", "ofGEMM", "tang ms/it",
        "GFLOP/s", "ofGEMM", "march ms", "of it", "(tangents)");
    std::printf("(paths: the whole path pass; kern: the same less the model's per-step work, the loss and\n"
                " its derivatives at every path and step and storing them, timed apart in a second run)\n");
    // Every preset's DMFT solves as its default run makes them: at its time.steps N and, when
    // dmft.continuous_time is not off, at N/2 (the 2Δ level) and, for the first-order check of
    // `estimate`, at N/4 when 4 | N; with its P and P_J.
    for (const Preset &preset : presets()) {
        const RunConfig base = presetConfig(preset.name);
        const int N0 = base.time.steps;
        std::vector<int> levels { N0 };
        if (base.dmft.continuousTime != "off")
            levels.push_back(N0 / 2);
        if (base.dmft.continuousTime == "estimate" && N0 % 4 == 0)
            levels.push_back(N0 / 4);
        for (const int N : levels) {
            RunConfig c = base;
            c.time.horizon = c.time.horizon * N / c.time.steps;
            c.time.steps = N;
            c.dmft.continuousTime = "off";
            c.dmft.replicas = 1;
            c.dmft.warmStart = "ode";
            c.dmft.maxIterations = 5;
            c.dmft.tolerance = 1e-12; // exactly maxIterations iterations
            c.sim.threads = 1;
            kernelRow(preset.name, c, repeats, gemm);
        }
    }
}

void kernelRow(const std::string &name, const RunConfig &c, int repeats, double gemm)
{
    if (closesOnSecondMoments(c)) {
        // exact second moments: no path or tangent kernels (dmft/linearmoments.h)
        std::vector<double> marches;
        for (int r = 0; r < repeats; ++r) {
            DmftReplica replica(c, 12345, 1);
            const auto t0 = Clock::now();
            replica.march(nullptr);
            marches.push_back(since(t0));
        }
        std::printf(
            "%-20s %4d %6s %5s | exact second moments, no paths: the march (one replica's fixed point) "
            "takes %.1f ms\n",
            name.c_str(), c.time.steps, "-", "-", 1e3 * median(marches));
        std::fflush(stdout);
        return;
    }
    std::vector<double> paths, tangents, pathKernels;
    for (int r = 0; r < repeats; ++r) {
        DmftSolver solver(c);
        solver.init();
        while (solver.step() == Status::Running) { }
        const int it = std::max(1, solver.iterations());
        paths.push_back(solver.timings().paths / it);
        tangents.push_back(solver.timings().tangents / it);
    }
    // the path pass again with the model's per-step work timed apart (two clock reads per step
    // and block of 256 paths): what is left is the path kernels' own time
    for (int r = 0; r < repeats; ++r) {
        DmftSolver solver(c);
        solver.setModelTiming(true);
        solver.init();
        while (solver.step() == Status::Running) { }
        const DmftTimings &t = solver.timings();
        pathKernels.push_back((t.paths - t.pathsModel) / std::max(1, solver.iterations()));
    }
    // the replica's fixed point by marching forward in time (dmft.warm_start = march), in
    // iterations of the kernels above: what the march costs against iterating
    std::vector<double> marches, marchTangents;
    for (int r = 0; r < repeats; ++r) {
        DmftReplica replica(c, 12345, 1);
        const auto t0 = Clock::now();
        replica.march(nullptr);
        marches.push_back(since(t0));
        marchTangents.push_back(replica.timings().tangents);
    }
    const KernelFlops f = kernelFlops(c);
    const double p = median(paths), t = median(tangents), m = median(marches), pk = median(pathKernels);
    // Without tangent paths (K the tangents' exact mean for a linear student on the square loss,
    // or Stein's for ReLU) the K column's time is shown without a rate.
    const bool meanKernel = !dmftUsesTangentPaths(c);
    char tangentRate[32];
    if (meanKernel)
        std::snprintf(tangentRate, sizeof tangentRate, "%7s %6s", "no tang", "-");
    else
        std::snprintf(tangentRate, sizeof tangentRate, "%7.1f %5.0f%%", f.tangents / t * 1e-9,
            100 * f.tangents / t * 1e-9 / gemm);
    std::printf(
        "%-20s %4d %6d %5s | %10.1f %7.1f %5.0f%% | %10.1f %7.1f %5.0f%% | %10.1f %s | %9.1f %7.1f %9.1f\n",
        name.c_str(), c.time.steps, c.dmft.paths,
        meanKernel ? "-" : std::to_string(c.dmft.tangentPaths).c_str(), 1e3 * p, f.paths / p * 1e-9,
        100 * f.paths / p * 1e-9 / gemm, 1e3 * pk, f.paths / pk * 1e-9, 100 * f.paths / pk * 1e-9 / gemm,
        1e3 * t, tangentRate, 1e3 * m, m / (p + t), 1e3 * median(marchTangents));
    std::fflush(stdout);
}

struct PresetTiming {
    double sim = 0, dmft = 0, both = 0, firstPicture = -1;
    int iterations = 0, pilotIterations = 0;
};

void presetRuns(int repeats)
{
    std::printf(
        "\nPresets as the window starts them: simulation and DMFT in two concurrent workers, all threads "
        "each (median of %d)\n",
        repeats);
    std::printf("%-20s | %8s %8s | %9s %13s | %6s %6s\n", "preset", "sim [s]", "dmft [s]", "both [s]",
        "1st DMFT [s]", "pilot", "iters");
    for (const Preset &preset : presets()) {
        RunConfig c = presetConfig(preset.name);
        // The window records the laws at every grid time for its Distributions panel
        // (MainWindow::run); with DMFTLAB_BENCH_NO_LAWS=1 they are left out, as before 2026-11-30.
        if (!std::getenv("DMFTLAB_BENCH_NO_LAWS"))
            c.output.distributionTimes = c.grid();
        std::vector<PresetTiming> ts;
        for (int r = 0; r < repeats; ++r) {
            PresetTiming t;
            std::mutex mutex;
            const auto t0 = Clock::now();
            EngineResult dmft;
            std::thread sim([&] {
                const auto s0 = Clock::now();
                runEngine(engineName(EngineId::Sgf), c);
                t.sim = since(s0);
            });
            bool pilotSeen = false;
            ProgressCallback progress = [&](const ProgressReport &report) {
                // The first complete picture: the pilot's last reported iterate (one step from
                // its fixed point), or, without a pilot, the replicas' first iterate.
                std::lock_guard<std::mutex> lock(mutex);
                if (!report.snapshot || report.snapshot->validPoints == 0)
                    return;
                const bool pilot = report.text.find("pilot solve (") != std::string::npos;
                if (pilot)
                    t.firstPicture = since(t0);
                else if (!pilotSeen && t.firstPicture < 0)
                    t.firstPicture = since(t0);
                pilotSeen = pilotSeen || pilot;
            };
            dmft = runEngine(engineName(EngineId::Dmft), c, progress);
            t.dmft = since(t0);
            sim.join();
            t.both = since(t0);
            t.iterations = dmft.extra.value("iterations", 0);
            t.pilotIterations = dmft.extra.value("pilot_iterations", 0);
            ts.push_back(t);
        }
        std::sort(ts.begin(), ts.end(),
            [](const PresetTiming &a, const PresetTiming &b) { return a.both < b.both; });
        const PresetTiming &m = ts[ts.size() / 2];
        std::printf("%-20s | %8.2f %8.2f | %9.2f %13.2f | %6d %6d\n", preset.name.c_str(), m.sim, m.dmft,
            m.both, m.firstPicture, m.pilotIterations, m.iterations);
        std::fflush(stdout);
    }
}

void spoc(int repeats)
{
    RunConfig c = presetConfig("linear-regression");
    c.optimizer.tau = 0.0; // full-batch gradient descent
    c.alpha = 3.0;
    c.time.steps = 50;
    c.dmft.paths = 20000;
    c.dmft.tangentPaths = 20000;
    c.dmft.replicas = 1;
    c.dmft.warmStart = "ode";
    c.dmft.maxIterations = 30;
    c.dmft.tolerance = 1e-300; // exactly 30 iterations
    c.dmft.continuousTime = "off";
    // Linear regression closes on second moments: by default its DMFT needs no paths at all
    // (exact second moments, dmft/linearmoments.h). The workload as the peer runs it, 2·10⁴
    // sampled paths with the tangents of all of them, is the third case; the second samples
    // the paths but takes K as the tangents' exact mean.
    struct Variant {
        const char *name;
        bool exactMoments, meanKernel;
    };
    for (const Variant &variant : { Variant { "exact second moments, no paths (the default)", true, true },
             Variant { "2e4 paths, K the tangents' exact mean", false, true },
             Variant { "2e4 paths with the tangents of all (as the peer)", false, false } })
        for (int threads : { 1, 2 }) {
            c.sim.threads = threads;
            std::vector<double> ts;
            for (int r = 0; r < repeats; ++r) {
                const auto t0 = Clock::now();
                DmftSolver solver(c);
                solver.setExactMoments(variant.exactMoments);
                solver.setMeanKernel(variant.meanKernel);
                solver.init();
                while (solver.step() == Status::Running) { }
                ts.push_back(since(t0));
            }
            std::printf(
                "%s SPOC DMFT-integration workload (linear, GD, alpha = 3, N = 50, 30 iterations), %s, %d "
                "thread%s: %.3f s (median of %d)\n",
                threads == 1 ? "\n" : "", variant.name, threads, threads == 1 ? "" : "s", median(ts),
                repeats);
        }
    // The same replica's fixed point by marching (the default start) and one checking
    // iteration: what the 30 iterations are for, to rounding (the iteration's residual after
    // 30 is printed for comparison).
    RunConfig m = c;
    m.dmft.warmStart = "march";
    m.dmft.maxIterations = 1;
    m.sim.threads = 1;
    std::vector<double> ts;
    double marchedResidual = 0, iteratedResidual = 0;
    for (int r = 0; r < repeats; ++r) {
        const auto t0 = Clock::now();
        DmftSolver solver(m);
        solver.init();
        while (solver.step() == Status::Running) { }
        ts.push_back(since(t0));
        marchedResidual = solver.residual();
    }
    {
        DmftSolver solver(c);
        solver.init();
        while (solver.step() == Status::Running) { }
        iteratedResidual = solver.residual();
    }
    std::printf("  the same fixed point by marching + 1 checking iteration, 1 thread: %.3f s (median of %d); "
                "residual %.1e (after the 30 iterations: %.1e)\n",
        median(ts), repeats, marchedResidual, iteratedResidual);
}
} // namespace

int main(int argc, char **argv)
{
    dmftlab::keepFreedPathArrays();
    const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
    const std::string only = argc > 2 ? argv[2] : "";
    auto wanted = [&](const char *name) { return only.empty() || only == name; };
    const double gemm = gemmRate(std::max(3, repeats));
    if (wanted("kernels"))
        kernels(repeats, gemm);
    if (wanted("presets"))
        presetRuns(repeats);
    if (wanted("spoc"))
        spoc(repeats);
    return 0;
}
