// The SGF's time step (sim/simtimestep.h): the runs at 2Δ share the Δ run's seeds and Brownian
// paths (each 2Δ step uses the sum of the two Δ steps' increments), keep their own law, and
// the extrapolation 2 X^Δ − X^{2Δ} agrees with a fine-step SGF within its stated error.
#include "config/presets.h"
#include "engine/engine.h"
#include "io/resulttables.h"
#include "observables/statistics.h"
#include "sim/simulation.h"
#include "test_simulation_util.h"

#include <cmath>
#include <functional>

using namespace dmftlab;

namespace
{
/// The logistic-regression preset, small: d = 200, n = 400, τ = 0.1, N = 16 over t ≤ 4.
RunConfig smallLogistic()
{
    RunConfig c = presetConfig("logistic-regression");
    c.sim.dimension = 200;
    c.time.horizon = 4.0;
    c.time.steps = 16;
    c.sim.threads = 2;
    return c;
}

struct Quantity {
    const char *name;
    std::function<const Estimate &(const Curves &)> pick;
};

const std::vector<Quantity> &quantities()
{
    static const std::vector<Quantity> q = {
        { "Q", [](const Curves &x) -> const Estimate & { return x.Q[0]; } },
        { "M", [](const Curves &x) -> const Estimate & { return x.M[0]; } },
        { "train loss", [](const Curves &x) -> const Estimate & { return x.trainLoss; } },
        { "test loss", [](const Curves &x) -> const Estimate & { return x.testLoss; } },
    };
    return q;
}
} // namespace

class TestSimulationTimeStep : public QObject
{
    Q_OBJECT
private slots:
    void pairedRunKeepsItsLawAndFollowsTheFineOne();
    void extrapolationMatchesFineSubsteps();
    void oddStepsAreRefused();
};

void TestSimulationTimeStep::pairedRunKeepsItsLawAndFollowsTheFineOne()
{
    // 48 seeds: the Δ run, the 2Δ run on the same seeds with paired increments, and the 2Δ run
    // on the same seeds without pairing (the same data and θ_0, its own Brownian path). Both
    // 2Δ runs are draws of the same Euler scheme: their mean difference over seeds is zero
    // within the t quantile (99.9 %, 47 degrees of freedom). The paired one follows the Δ run:
    // X^Δ − X^{2Δ} spreads over seeds much less than with the unpaired one.
    RunConfig fine = smallLogistic();
    fine.sim.seeds = 48;
    RunConfig coarse = fine;
    coarse.time.steps /= 2;
    std::vector<Curves> f, paired, own;
    SimulationOptions o;
    o.seedCurves = &f;
    DMFT_COMPARE_STATUS(runSimulation(SimEngine::Sgf, fine, {}, nullptr, o).status, Status::Completed);
    o.seedCurves = &paired;
    o.noisePairing = 2;
    DMFT_COMPARE_STATUS(runSimulation(SimEngine::Sgf, coarse, {}, nullptr, o).status, Status::Completed);
    o.seedCurves = &own;
    o.noisePairing = 1;
    DMFT_COMPARE_STATUS(runSimulation(SimEngine::Sgf, coarse, {}, nullptr, o).status, Status::Completed);
    const int S = fine.sim.seeds, Nc = coarse.time.steps;
    QCOMPARE(static_cast<int>(f.size()), S);
    QCOMPARE(static_cast<int>(paired.size()), S);
    const double tq = studentTQuantile(0.999, S - 1);
    for (const Quantity &q : quantities()) {
        // the same seeds: the same data and θ_0, bit for bit
        for (int s = 0; s < S; ++s)
            QCOMPARE(q.pick(paired[s]).mean[0], q.pick(f[s]).mean[0]);
        for (int j : { Nc / 2, Nc }) {
            std::vector<double> law, gapPaired, gapOwn;
            for (int s = 0; s < S; ++s) {
                const double x = q.pick(f[s]).mean[2 * j], p = q.pick(paired[s]).mean[j],
                             u = q.pick(own[s]).mean[j];
                law.push_back(p - u);
                gapPaired.push_back(x - p);
                gapOwn.push_back(x - u);
            }
            const auto [m, sd] = test::meanAndSd(law);
            const double sdPaired = test::meanAndSd(gapPaired).second, sdOwn = test::meanAndSd(gapOwn).second;
            qInfo("%-10s t = %.1f: paired - own 2dt run %.2e +- %.2e (z %.2f); spread of X^dt - X^2dt "
                  "over seeds: paired %.2e, own path %.2e (ratio %.3f)",
                q.name, fine.grid()[2 * j], m, sd / std::sqrt(S), m / (sd / std::sqrt(S)), sdPaired, sdOwn,
                sdPaired / sdOwn);
            QVERIFY2(std::fabs(m) <= tq * sd / std::sqrt(S), q.name);
            QVERIFY2(sdPaired < 0.5 * sdOwn, q.name);
        }
    }
}

void TestSimulationTimeStep::extrapolationMatchesFineSubsteps()
{
    // The extrapolated SGF (N = 16, Δ = 0.25, with the 4Δ run) against the SGF with 16
    // sub-steps per interval (δ = Δ/16) on the same seeds, whose own small Euler error is
    // estimated too: |difference| ≤ t_{0.995} × the combined SE + both time-step estimates.
    // The Euler curves alone are farther off than that, or extrapolating would not pay.
    RunConfig c = smallLogistic();
    c.sim.seeds = 16;
    c.sim.continuousTime = "extrapolate";
    const EngineResult ext = runEngine("sgf", c);
    DMFT_COMPARE_STATUS(ext.status, Status::Completed);
    QVERIFY(ext.extra.contains("time_step_runs"));
    QCOMPARE(ext.extra["time_step_runs"]["steps"].size(), std::size_t(3));
    c.sim.continuousTime = "off";
    const EngineResult euler = runEngine("sgf", c);
    c.sim.substeps = 16;
    c.sim.continuousTime = "estimate";
    const EngineResult ref = runEngine("sgf", c);
    DMFT_COMPARE_STATUS(ref.status, Status::Completed);
    // 4 | N: both modes ran at 4Δ too and checked the first-order regime (dmft/timestep.h).
    // The errors file states every part of both: the Monte-Carlo SE (all of a simulation's
    // SE), a zero truncation and the time-step error (estimate mode wrote the MC SE as NaN).
    for (const EngineResult *r : { &ext, &ref }) {
        const auto parts = io::errorPartColumns(r->curves);
        QCOMPARE(parts.size(), 1 + 3 * (3 + r->curves.Q.size() + r->curves.M.size()));
        for (const auto &col : parts) {
            QVERIFY2(
                col.values && static_cast<int>(col.values->size()) == c.time.steps + 1, col.name.c_str());
            for (const double x : *col.values)
                QVERIFY2(std::isfinite(x) && x >= 0.0, col.name.c_str());
        }
        if (r == &ref)
            QCOMPARE(r->curves.Q[0].seMonteCarlo, r->curves.Q[0].se);
    }
    for (const EngineResult *r : { &ext, &ref }) {
        const json &runs = r->extra["time_step_runs"];
        QCOMPARE(runs["steps"].size(), std::size_t(3));
        QVERIFY2(runs.contains("first_order_check") && runs["first_order_check"].contains("Q_1_1")
                && runs["first_order_check"]["Q_1_1"]["points"].get<int>() > 0,
            runs.dump().c_str());
    }
    const double tq = studentTQuantile(0.995, c.sim.seeds - 1);
    for (const Quantity &q : quantities()) {
        const Estimate &e = q.pick(ext.curves), &r = q.pick(ref.curves), &u = q.pick(euler.curves);
        double worst = 0.0, worstEuler = 0.0, worstErr = 0.0, worstEulerErr = 0.0;
        for (int n = 1; n <= c.time.steps; ++n) {
            const double stated
                = tq * std::hypot(e.se[n], r.se[n]) + e.discretisation[n] + r.discretisation[n];
            const double err = std::fabs(e.mean[n] - r.mean[n]);
            worst = std::max(worst, err / stated);
            worstErr = std::max(worstErr, err);
            worstEulerErr = std::max(worstEulerErr, std::fabs(u.mean[n] - r.mean[n]));
            worstEuler = std::max(worstEuler, std::fabs(u.mean[n] - r.mean[n]) / stated);
            QVERIFY2(err <= stated,
                qPrintable(QString("%1(t = %2): |%3 - %4| > %5")
                               .arg(q.name)
                               .arg(c.grid()[n])
                               .arg(e.mean[n])
                               .arg(r.mean[n])
                               .arg(stated)));
        }
        qInfo("%-10s vs 16 sub-steps: extrapolated worst |error| %.2e (%.2f of stated), Euler %.2e (%.2f)",
            q.name, worstErr, worst, worstEulerErr, worstEuler);
        QVERIFY2(worstErr < worstEulerErr, q.name);
    }
}

void TestSimulationTimeStep::oddStepsAreRefused()
{
    RunConfig c = smallLogistic();
    c.time.steps = 15;
    c.sim.continuousTime = "extrapolate";
    const EngineCheck check = checkEngine("sgf", c);
    QVERIFY(test::blames(check, "time.steps") && test::blames(check, "sim.continuous_time"));
    QVERIFY(!checkEngine("sgd", c)); // the other simulations ignore it
    c.sim.continuousTime = "estimate"; // runs, with a note that nothing was estimated
    const EngineResult r = runEngine("sgf", c);
    DMFT_COMPARE_STATUS(r.status, Status::Completed);
    QVERIFY2(r.message.find("needs an even time.steps") != std::string::npos, r.message.c_str());
    QVERIFY(r.curves.Q[0].discretisation.empty());
}

QTEST_GUILESS_MAIN(TestSimulationTimeStep)
#include "test_simulation_timestep.moc"
