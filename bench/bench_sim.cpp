// Finite-d simulation speed (prints, never asserts). One seed, one thread.
//  * SGF (Euler–Maruyama) steps/s at d = 2000, α = 2 (k = 1, 2), with the achieved memory
//    bandwidth counting the bytes of X streamed per step: n d 4 (one pass over the single-
//    precision copy of X for any k, seedsimulation.cpp forcesAndStep; until 2026-12-01 it was
//    2 n d 8 for k = 1 and n d 8 for k > 1).
//  * Multi-pass SGD steps/s at d = 2000 with B = 1 and B = 32 (a step touches only its batch),
//    and online SGD (fresh Gaussian samples each step) for scale.
//  * The committee-erf preset's seed (d = 800, n = 6400, k = 2): building its instance (6400 × 800
//    Gaussians, the bulk of it) and one SGF Euler step (one pass over its 20 MB of data).
// Each figure is the marginal cost per step: (time of a long run − time of a short run) /
// (steps difference), so the fixed cost of recording grid points drops out; median of 7.
#include "config/presets.h"
#include "observables/population.h"
#include "sim/instance.h"
#include "sim/seedsimulation.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

using namespace dmftlab;

namespace
{

double seconds(SimEngine engine, const RunConfig &c, const Instance &inst, const PopulationEvaluator &ev,
    long long &steps)
{
    SeedSimulation sim(engine, c, inst, ev);
    sim.init();
    const auto t0 = std::chrono::steady_clock::now();
    sim.step();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    steps = sim.result().steps;
    return s;
}

/// Marginal seconds per step between configs `shortRun` and `longRun` (median of repeats).
double perStep(SimEngine engine, const RunConfig &shortRun, const RunConfig &longRun, const Instance &inst,
    const PopulationEvaluator &ev, int repeats = 7)
{
    std::vector<double> v;
    for (int r = 0; r < repeats; ++r) {
        long long s1 = 0, s2 = 0;
        const double t1 = seconds(engine, shortRun, inst, ev, s1);
        const double t2 = seconds(engine, longRun, inst, ev, s2);
        v.push_back((t2 - t1) / static_cast<double>(s2 - s1));
    }
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

RunConfig baseConfig(int d, int k)
{
    RunConfig c;
    c.alpha = 2.0;
    c.sim.dimension = d;
    c.sim.seeds = 1;
    c.sim.threads = 1;
    c.time.steps = 1;
    c.problem.noise = 0.5;
    c.problem.ridge = 0.01;
    if (k > 1) {
        c.problem.activation = c.problem.teacherActivation = Activation::Erf;
        c.problem.width = c.problem.teacherWidth = k;
        c.problem.noise = 0.0;
        c.init.q0 = 0.25;
        c.init.m0 = Eigen::MatrixXd::Constant(k, k, 0.05);
    }
    return c;
}

} // namespace

int main()
{
    const int d = 2000;
    std::printf("DMFT Lab simulation benchmark (single thread, d = %d, alpha = 2, median of 7)\n", d);

    for (int k : { 1, 2 }) {
        RunConfig c = baseConfig(d, k);
        c.optimizer.tau = 0.5;
        c.time.horizon = 0.1;
        const Instance inst = makeInstance(c, 1);
        const PopulationEvaluator ev(c.problem);
        RunConfig shortRun = c, longRun = c;
        shortRun.sim.substeps = 5;
        longRun.sim.substeps = 25;
        const double s = perStep(SimEngine::Sgf, shortRun, longRun, inst, ev);
        const double bytes = static_cast<double>(c.samples()) * d * sizeof(float);
        std::printf("SGF  k = %d  n = %d: %8.1f steps/s  (%.2f ms/step, %.2f GB/s of X streamed)\n", k,
            c.samples(), 1.0 / s, 1e3 * s, bytes / s / 1e9);
    }

    {
        RunConfig c = presetConfig("committee-erf");
        c.sim.seeds = 1;
        c.sim.threads = 1;
        std::vector<double> build;
        for (int r = 0; r < 7; ++r) {
            const auto t0 = std::chrono::steady_clock::now();
            const Instance inst = makeInstance(c, 1);
            build.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
        }
        std::sort(build.begin(), build.end());
        const Instance inst = makeInstance(c, 1);
        const PopulationEvaluator ev(c.problem);
        RunConfig shortRun = c, longRun = c;
        shortRun.time.steps = longRun.time.steps = 1;
        shortRun.time.horizon = longRun.time.horizon = c.dt(); // the preset's Euler step
        shortRun.sim.substeps = 5;
        longRun.sim.substeps = 25;
        const double s = perStep(SimEngine::Sgf, shortRun, longRun, inst, ev);
        const double bytes = static_cast<double>(c.samples()) * c.sim.dimension * sizeof(float);
        std::printf("committee-erf seed (d = %d, n = %d, k = 2): instance %.0f ms; SGF %.2f ms/step "
                    "(%.2f GB/s of X streamed once per step)\n",
            c.sim.dimension, c.samples(), 1e3 * build[build.size() / 2], 1e3 * s, bytes / s / 1e9);
    }

    for (int B : { 1, 32 }) {
        RunConfig c = baseConfig(d, 1);
        c.optimizer.learningRate = 0.5;
        c.optimizer.batchSize = B;
        const Instance inst = makeInstance(c, 1);
        const PopulationEvaluator ev(c.problem);
        const long long s1 = B == 1 ? 10000 : 500, s2 = 6 * s1;
        RunConfig shortRun = c, longRun = c;
        shortRun.time.horizon = s1 * c.optimizer.learningRate / d;
        longRun.time.horizon = s2 * c.optimizer.learningRate / d;
        const double s = perStep(SimEngine::Sgd, shortRun, longRun, inst, ev);
        std::printf(
            "SGD  k = 1  B = %2d: %10.0f steps/s  (%.2f us/step, %.1f ns per sample and coordinate)\n", B,
            1.0 / s, 1e6 * s, 1e9 * s / (B * d));
        const Instance online = makeInstance(c, 1, false);
        const double so = perStep(SimEngine::Online, shortRun, longRun, online, ev);
        std::printf("online k = 1 B = %2d: %10.0f steps/s  (%.2f us/step, includes drawing B d normals)\n", B,
            1.0 / so, 1e6 * so);
    }
    return 0;
}
