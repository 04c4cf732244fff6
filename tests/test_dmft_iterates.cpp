// The DMFT fixed point, step by step (dmft/iteratehistory.h, issue 12): every iteration of a
// run is kept (one entry per iteration, in order, none missing, the 2Δ time-step solve's
// snapshots on another grid ignored), the last entry is the final result itself, the reduced kernels respect
// the memory budget (the stride grows as the budget shrinks) and come back on the full grid
// with the stored points exact.
#include "config/presets.h"
#include "dmft/iteratehistory.h"
#include "engine/engine.h"
#include "testutil.h"

#include <mutex>

using namespace dmftlab;

namespace
{

RunConfig smallConfig()
{
    RunConfig c = presetConfig("logistic-regression");
    c.time.horizon = 3.0;
    c.time.steps = 20;
    c.dmft.paths = 2000;
    c.dmft.tangentPaths = 300;
    c.dmft.replicas = 2;
    c.dmft.tolerance = 1e-5; // enough iterations to see the fixed point form
    c.dmft.noiseFraction = 0; // (stopping at the Monte-Carlo error would end it sooner)
    c.dmft.damping = 0.5; // (the default β = 1 converges in 4: too few iterates to step through)
    c.dmft.warmStart = "pilot"; // iterated (the default marches to the fixed point: one iterate)
    c.sim.threads = 2;
    return c;
}

struct Recorded {
    std::vector<std::shared_ptr<const Curves>> snapshots;
    EngineResult result;
};

Recorded runRecording(const RunConfig &c)
{
    Recorded r;
    std::mutex mutex;
    r.result = runEngine("dmft", c, [&](const ProgressReport &p) {
        if (p.snapshot) {
            std::lock_guard<std::mutex> lock(mutex);
            r.snapshots.push_back(p.snapshot);
        }
    });
    return r;
}

} // namespace

class TestDmftIterates : public QObject
{
    Q_OBJECT
private slots:
    void historyIsCompleteAndEndsWithTheResult();
    void budgetSetsTheStride();
};

void TestDmftIterates::historyIsCompleteAndEndsWithTheResult()
{
    const RunConfig c = smallConfig();
    const Recorded rec = runRecording(c);
    QVERIFY2(rec.result.status == Status::Converged, rec.result.message.c_str());
    IterateHistory h(c.time.steps + 1, c.dmft.maxIterations);
    for (const auto &s : rec.snapshots)
        h.add(*s);
    auto result = std::make_shared<const Curves>(rec.result.curves);
    h.setFinal(result);

    const int iterations = static_cast<int>(rec.result.curves.residuals.size());
    QVERIFY(iterations >= 5);
    // The pilot's iterates come first (its last one is reported with the replicas' first).
    const int pilot = rec.result.extra.value("pilot_iterations", 0);
    QVERIFY2(pilot >= 2, "the pilot solve ran");
    QCOMPARE(h.pilotCount(), pilot - 1);
    QCOMPARE(h.size(), h.pilotCount() + iterations);
    for (int i = 0; i < h.size(); ++i) {
        const int replicaIteration = i - h.pilotCount();
        QCOMPARE(h.isPilot(i), replicaIteration < 0);
        QCOMPARE(static_cast<int>(h.stored(i)->residuals.size()), std::max(0, replicaIteration + 1));
        QCOMPARE(h.isFinal(i), i == h.size() - 1);
    }
    QCOMPARE(h.label(0), std::string("pilot iteration 1 of ") + std::to_string(pilot - 1));
    QCOMPARE(h.label(h.pilotCount()), std::string("iteration 1 of ") + std::to_string(iterations));
    // The pilot moves too: its first and last iterates differ.
    QVERIFY(h.iterate(0)->Q[0].mean != h.iterate(h.pilotCount() - 1)->Q[0].mean);
    // The last iterate is the result (the same object, so equal in every number).
    QVERIFY(h.iterate(h.size() - 1) == result);
    QCOMPARE(h.iterate(h.size() - 1)->Q[0].mean, rec.result.curves.Q[0].mean);
    // Intermediate iterates differ from the result: the fixed point forms.
    QVERIFY(h.iterate(0)->Q[0].mean != rec.result.curves.Q[0].mean);
    // Defaults (64 MiB for 100 iterations of a 21-point grid): nothing to reduce.
    QCOMPARE(h.stride(), 1);
    QVERIFY(h.kernelBytes() <= h.budget());
}

void TestDmftIterates::budgetSetsTheStride()
{
    RunConfig c = smallConfig();
    const Recorded rec = runRecording(c);
    QVERIFY2(rec.result.status == Status::Converged, rec.result.message.c_str());
    const int N1 = c.time.steps + 1;
    // One full iterate's kernels: C_θ, R_θ, C_u, K with their SEs (k = 1).
    double full = 0.0;
    for (const Kernel *k : { &rec.result.curves.Ctheta, &rec.result.curves.Cg, &rec.result.curves.Rtheta,
             &rec.result.curves.Cu, &rec.result.curves.K })
        full += 8.0 * (k->mean.size() + k->se.size()) * N1 * N1;
    QVERIFY(full > 0.0);
    for (const double fraction : { 0.5, 0.1, 0.02 }) {
        const double budget = fraction * full * c.dmft.maxIterations;
        IterateHistory h(N1, c.dmft.maxIterations, budget);
        for (const auto &s : rec.snapshots)
            h.add(*s);
        // A snapshot on another grid (as a solve at 2Δ would give) is not an iterate of this run.
        Curves coarse = *rec.snapshots.front();
        coarse.t.resize(N1 / 2 + 1);
        QVERIFY(!h.add(coarse));
        h.setFinal(std::make_shared<const Curves>(rec.result.curves));
        QCOMPARE(h.size(), h.pilotCount() + static_cast<int>(rec.result.curves.residuals.size()));
        QVERIFY(h.stride() > 1);
        // The bound holds for the iterates stored, and would for every allowed iteration
        // (pilot and replicas: 2 × max_iterations entries).
        QVERIFY2(h.kernelBytes() <= budget * (h.size() - 1) / (2.0 * c.dmft.maxIterations) + 1.0,
            qPrintable(QString("%1 bytes > budget share %2").arg(h.kernelBytes()).arg(budget)));
        // Expanded back on the full grid: stored points exact, others the nearest stored one.
        const auto first = h.iterate(h.pilotCount());
        const Curves *raw = nullptr;
        for (const auto &s : rec.snapshots)
            if (s->residuals.size() == 1 && static_cast<int>(s->t.size()) == N1)
                raw = s.get();
        QVERIFY(raw);
        const Eigen::MatrixXd &a = first->Ctheta.mean[0], &b = raw->Ctheta.mean[0];
        QCOMPARE(a.rows(), Eigen::Index(N1));
        for (int i = 0; i < N1; i += h.stride())
            for (int j = 0; j < N1; j += h.stride())
                QCOMPARE(a(i, j), b(i, j));
        QCOMPARE(a(N1 - 1, N1 - 1), b(N1 - 1, N1 - 1));
    }
}

QTEST_MAIN(TestDmftIterates)
#include "test_dmft_iterates.moc"
