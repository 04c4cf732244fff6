// The laws of the DMFT theorem (observables/distributions.h, issue 12): the empirical law
// of the coordinates θ_ia(t) and of the training pre-activations r_μa(t) of the finite-d
// SGF simulation against the DMFT's θ-process density (a mixture for a non-Gaussian teacher
// prior) and its r-process paths, binned, in standard errors (χ²/dof over bins expecting
// ≥ 5 values). Also: the histogram and the mixture density integrate to one, the grid
// indices are thinned to the memory budget, and a non-Gaussian prior leaves the
// macroscopic curves (Q, M, train loss) where the DMFT puts them.
#include "config/presets.h"
#include "engine/engine.h"
#include "io/lawfiles.h"
#include "observables/distributions.h"
#include "sim/random.h"
#include "testutil.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace dmftlab;

namespace
{

double integral(const LawHistogram &h)
{
    double s = 0.0;
    for (Eigen::Index b = 0; b < h.density.size(); ++b)
        s += h.density[b] * (h.edges[b + 1] - h.edges[b]);
    return s;
}

/// Worst |z| over grid points 1..N of DMFT vs simulation.
double worstZ(const Estimate &dmft, const Estimate &sim)
{
    double worst = 0.0;
    for (std::size_t n = 1; n < dmft.mean.size(); ++n)
        worst = std::max(worst, std::fabs(dmft.mean[n] - sim.mean[n]) / std::hypot(dmft.se[n], sim.se[n]));
    return worst;
}

RunConfig smallConfig(const std::string &preset, TeacherPrior prior, int dimension)
{
    RunConfig c = test::eulerPreset(preset);
    c.teacherPrior.prior = prior;
    c.teacherPrior.sparsity = 0.2;
    c.time.horizon = 3.0;
    c.time.steps = 15;
    c.sim.dimension = dimension;
    c.sim.seeds = 8;
    c.sim.seed = 11;
    c.sim.threads = 2;
    // P = 4000 is O(1/P)-biased at the committee preset's start (see test_dmft_simulation).
    c.dmft.paths = c.problem.width > 1 ? 10000 : 4000;
    c.dmft.tangentPaths = 1000;
    c.dmft.replicas = 4;
    c.output.distributionTimes = { 1.0, 3.0 };
    return c;
}

struct Runs {
    EngineResult sim, dmft;
};

Runs runBoth(const RunConfig &c)
{
    Runs r { runEngine("sgf", c), runEngine("dmft", c) };
    return r;
}

} // namespace

class TestDistributions : public QObject
{
    Q_OBJECT
private slots:
    void densitiesIntegrateToOne();
    void binsAreUpperBoundBins();
    void edgesAreTheQuantilesPadded();
    void ksDistanceHasItsExpectedSize();
    void priorsHaveUnitSecondMoment();
    void gridIndicesFitTheBudget();
    void lawsMatchSimulation_data();
    void lawsMatchSimulation();
    void marginsOfSignLabels();
};

void TestDistributions::binsAreUpperBoundBins()
{
    // histogramOf finds a value's bin from a guess for uniform edges: its counts are those of
    // the binary search it replaced (the largest b with edges[b] ≤ x; x = the last edge counts
    // in the last bin; outside and non-finite values in none), for uniform edges, values on
    // every edge and next to it, and for sorted edges that are not uniform.
    SimRandom rng(5, 0);
    std::vector<Eigen::VectorXd> groups(3, Eigen::VectorXd(4000));
    for (auto &g : groups)
        rng.normals(g.data(), g.size(), 1.5);
    const std::vector<double> uniform = uniformEdges(-2.0, 2.5, 37);
    std::vector<double> extra;
    for (double e : uniform)
        for (double v : { e, std::nextafter(e, -10.0), std::nextafter(e, 10.0) })
            extra.push_back(v);
    const double inf = std::numeric_limits<double>::infinity();
    for (double v : { -inf, inf, std::numeric_limits<double>::quiet_NaN(), -1e300, 1e300 })
        extra.push_back(v);
    groups.push_back(
        Eigen::Map<const Eigen::VectorXd>(extra.data(), static_cast<Eigen::Index>(extra.size())));
    std::vector<double> uneven = uniform;
    for (std::size_t b = 1; b + 1 < uneven.size(); ++b)
        uneven[b] += 0.4 * (uniform[b] - uniform[b - 1]) * std::sin(3.0 * b); // still sorted
    QVERIFY(std::is_sorted(uneven.begin(), uneven.end()));
    for (const auto &edges : { uniform, uneven }) {
        const int B = static_cast<int>(edges.size()) - 1;
        std::vector<double> expected(B, 0.0);
        long long finite = 0;
        for (const auto &g : groups)
            for (Eigen::Index i = 0; i < g.size(); ++i) {
                if (!std::isfinite(g[i]))
                    continue;
                ++finite;
                const int b
                    = static_cast<int>(std::upper_bound(edges.begin(), edges.end(), g[i]) - edges.begin())
                    - 1;
                if (b >= 0 && b < B)
                    expected[b] += 1.0;
                else if (g[i] == edges.back())
                    expected[B - 1] += 1.0;
            }
        const LawHistogram h = histogramOf(groups, edges);
        QCOMPARE(h.samples, finite);
        for (int b = 0; b < B; ++b)
            QCOMPARE(h.density[b] * finite * (edges[b + 1] - edges[b]), expected[b]);
    }
}

void TestDistributions::edgesAreTheQuantilesPadded()
{
    // edgesForValues: uniform edges from the 0.05 % and 99.95 % order statistics, padded by 5 %
    // of their distance (from a full sort here).
    SimRandom rng(6, 0);
    std::vector<Eigen::VectorXd> groups(2, Eigen::VectorXd(3001));
    for (auto &g : groups)
        rng.normals(g.data(), g.size());
    groups[1][17] = std::numeric_limits<double>::quiet_NaN();
    std::vector<double> all;
    for (const auto &g : groups)
        for (Eigen::Index i = 0; i < g.size(); ++i)
            if (std::isfinite(g[i]))
                all.push_back(g[i]);
    std::sort(all.begin(), all.end());
    const double lo = all[static_cast<std::size_t>(0.0005 * (all.size() - 1))];
    const double hi = all[static_cast<std::size_t>(0.9995 * (all.size() - 1))];
    const std::vector<double> edges = edgesForValues(groups, 20);
    const std::vector<double> expected = uniformEdges(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo), 20);
    QCOMPARE(edges.size(), expected.size());
    for (std::size_t b = 0; b < edges.size(); ++b)
        QCOMPARE(edges[b], expected[b]);
}

void TestDistributions::ksDistanceHasItsExpectedSize()
{
    // Two independent samples of one law: D of the order of its expected size; a shift of
    // 0.2 sd (D ≈ 0.08) stands far out. Analytic reference: n_eff = n.
    SimRandom rng(8, 0);
    std::vector<Eigen::VectorXd> a(4, Eigen::VectorXd(5000)), b(4, Eigen::VectorXd(5000)),
        c(4, Eigen::VectorXd(5000));
    for (auto *set : { &a, &b, &c })
        for (auto &g : *set)
            rng.normals(g.data(), g.size());
    for (auto &g : c)
        g.array() += 0.2;
    const auto edges = edgesForValues(a, 60);
    const LawHistogram ha = histogramOf(a, edges), hb = histogramOf(b, edges), hc = histogramOf(c, edges);
    const LawAgreement same = compareLaws(ha, hb), shifted = compareLaws(hc, hb);
    DMFT_COMPARE_TOL(same.ksExpected, 0.8687 / std::sqrt(10000.0), 1e-12);
    QVERIFY2(
        same.ks < 3.0 * same.ksExpected, qPrintable(QString("D %1 vs %2").arg(same.ks).arg(same.ksExpected)));
    QVERIFY2(shifted.ks > 6.0 * shifted.ksExpected, qPrintable(QString("D %1").arg(shifted.ks)));
    LawHistogram analytic = hb;
    analytic.samples = 0;
    DMFT_COMPARE_TOL(compareLaws(ha, analytic).ksExpected, 0.8687 / std::sqrt(20000.0), 1e-12);
}

void TestDistributions::densitiesIntegrateToOne()
{
    SimRandom rng(3, 0);
    std::vector<Eigen::VectorXd> groups(4, Eigen::VectorXd(5000));
    for (auto &g : groups)
        rng.normals(g.data(), g.size());
    const auto edges = edgesForValues(groups, 30);
    const LawHistogram h = histogramOf(groups, edges);
    QCOMPARE(h.samples, 20000LL);
    DMFT_COMPARE_TOL(integral(h), 1.0, 2e-3); // the 0.05 % tails fall outside
    // Mixture of three Gaussians (sparse prior, k* = 2): its bins over ± reach + 4.5 sd hold it all.
    TeacherPriorSpec prior { TeacherPrior::Sparse, 0.25 };
    const std::vector<Eigen::MatrixXd> Q { Eigen::MatrixXd::Constant(1, 1, 1.0) };
    std::vector<Eigen::MatrixXd> M { Eigen::MatrixXd(1, 2) };
    M[0] << 0.6, 0.3;
    const LawHistogram mix = thetaLawHistogram(thetaLawEdges(prior, Q, M, 0, 60), prior, Q, M, 0);
    DMFT_COMPARE_TOL(integral(mix), 1.0, 1e-5);
    // Its variance is Q_aa whatever the prior (unit second moment, ρ = I).
    double var = 0.0;
    for (Eigen::Index b = 0; b < mix.density.size(); ++b) {
        const double x = 0.5 * (mix.edges[b] + mix.edges[b + 1]), w = mix.edges[b + 1] - mix.edges[b];
        var += x * x * mix.density[b] * w;
    }
    DMFT_COMPARE_TOL(var, 1.0, 0.01);
}

void TestDistributions::priorsHaveUnitSecondMoment()
{
    for (TeacherPrior p : { TeacherPrior::Rademacher, TeacherPrior::Sparse }) {
        TeacherPriorSpec spec { p, 0.3 };
        double m1 = 0.0, m2 = 0.0;
        for (const auto &a : priorAtoms(spec)) {
            m1 += a.weight * a.value;
            m2 += a.weight * a.value * a.value;
        }
        DMFT_COMPARE_TOL(m1, 0.0, 1e-14);
        DMFT_COMPARE_TOL(m2, 1.0, 1e-14);
        SimRandom rng(5, 0);
        double s2 = 0.0;
        const int n = 200000;
        for (int i = 0; i < n; ++i) {
            const double x = drawPrior(spec, rng.uniform(), 0.0);
            s2 += x * x;
        }
        // sd of x² is √(1/s − 1) ≤ 1.6 for s = 0.3: 5 SE
        DMFT_COMPARE_TOL(s2 / n, 1.0, 5 * 1.6 / std::sqrt(n));
    }
    QVERIFY(!validate(TeacherPriorSpec { TeacherPrior::Sparse, 0.0 }).empty());
}

void TestDistributions::gridIndicesFitTheBudget()
{
    std::vector<double> grid;
    for (int n = 0; n <= 100; ++n)
        grid.push_back(0.1 * n);
    std::string note;
    auto idx = distributionGridIndices({ 5.04, 0.0, 10.0, 5.0, 12.0 }, grid, 1.0, &note);
    QCOMPARE(idx, (std::vector<int> { 0, 50, 100 }));
    QVERIFY(note.find("outside") != std::string::npos);
    std::vector<double> all(grid);
    idx = distributionGridIndices(all, grid, kDistributionMemoryLimit / 10.5, &note);
    QCOMPARE(static_cast<int>(idx.size()), 10);
    QCOMPARE(idx.front(), 0);
    QCOMPARE(idx.back(), 100);
    QVERIFY(note.find("thinned to 10 of 101") != std::string::npos);
}

void TestDistributions::lawsMatchSimulation_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<int>("prior");
    QTest::addColumn<int>("dimension");
    QTest::newRow("linear-regression rademacher")
        << "linear-regression" << int(TeacherPrior::Rademacher) << 500;
    QTest::newRow("logistic-regression sparse") << "logistic-regression" << int(TeacherPrior::Sparse) << 500;
    QTest::newRow("committee-erf gaussian") << "committee-erf" << int(TeacherPrior::Gaussian) << 1000;
}

void TestDistributions::lawsMatchSimulation()
{
    QFETCH(QString, preset);
    QFETCH(int, prior);
    QFETCH(int, dimension);
    const RunConfig c = smallConfig(preset.toStdString(), TeacherPrior(prior), dimension);
    const Runs runs = runBoth(c);
    QVERIFY2(runs.sim.status == Status::Completed, runs.sim.message.c_str());
    QVERIFY2(runs.dmft.status == Status::Converged, runs.dmft.message.c_str());
    QVERIFY(runs.sim.distributions && runs.dmft.distributions);
    QCOMPARE(static_cast<int>(runs.sim.distributions->sim.size()), 2);
    QCOMPARE(static_cast<int>(runs.dmft.distributions->dmft.size()), 2);

    // The prior changes no macroscopic curve: Q, M, train loss within 3 SE.
    const int k = c.problem.width, ks = c.problem.teacherWidth;
    for (int j = 0; j < k * k; ++j)
        QVERIFY2(worstZ(runs.dmft.curves.Q[j], runs.sim.curves.Q[j]) < 3.0, "Q");
    for (int j = 0; j < k * ks; ++j)
        QVERIFY2(worstZ(runs.dmft.curves.M[j], runs.sim.curves.M[j]) < 3.0, "M");
    QVERIFY2(worstZ(runs.dmft.curves.trainLoss, runs.sim.curves.trainLoss) < 3.0, "train loss");

    // Laws on the DMFT's bins.
    const EngineLaws dmft = engineLaws(*runs.dmft.distributions, c.teacherPrior, 30);
    const EngineLaws sim = engineLaws(*runs.sim.distributions, c.teacherPrior, 30, &dmft);
    // The wrong (Gaussian) prior for the same (Q, M): the test must be able to fail.
    const EngineLaws gaussian = engineLaws(*runs.dmft.distributions, TeacherPriorSpec {}, 30);
    QCOMPARE(sim.entries.size(), dmft.entries.size());
    for (const auto &e : dmft.entries) {
        const auto *s = sim.find(e.gridIndex, e.unit);
        QVERIFY(s);
        const LawAgreement theta = compareLaws(s->theta, e.theta);
        const LawAgreement r = compareLaws(s->r, e.r);
        qInfo("t = %.2f unit %d: theta chi2/dof %.2f (dof %d, max |z| %.2f), r chi2/dof %.2f (dof %d, max "
              "|z| %.2f)",
            e.time, e.unit + 1, theta.chi2PerDof, theta.dof, theta.maxAbsZ, r.chi2PerDof, r.dof, r.maxAbsZ);
        QVERIFY(theta.dof >= 15 && r.dof >= 15);
        // χ²/dof of ~20 bins has sd ≈ 0.3 under agreement; SEs from 4–8 groups fatten the tail.
        QVERIFY2(theta.chi2PerDof < 2.5, "theta law");
        QVERIFY2(r.chi2PerDof < 2.5, "r law");
        if (TeacherPrior(prior) != TeacherPrior::Gaussian && e.time > 2.0) {
            const auto *g = gaussian.find(e.gridIndex, e.unit);
            const LawAgreement wrong = compareLaws(s->theta, g->theta);
            qInfo("  against a Gaussian law of the same variance: chi2/dof %.1f", wrong.chi2PerDof);
            QVERIFY2(wrong.chi2PerDof > 5.0, "a Gaussian prior's law should be told apart");
        }
    }

    // The CLI's law files hold these histograms: one row per (time, unit, bin), the density
    // and SE as computed (the first row checked number by number).
    // The r file names its variable first: r, or y_r (margins) for sign labels.
    for (const bool theta : { true, false }) {
        const std::string csv = io::lawCsv(sim, theta);
        long long rows = 0;
        for (const auto &e : sim.entries)
            rows += (theta ? e.theta : e.r).density.size();
        QCOMPARE(static_cast<long long>(std::count(csv.begin(), csv.end(), '\n')), rows + 1);
        const int o = theta ? 0 : 1;
        QVERIFY(
            csv.rfind(std::string(theta ? "" : "variable,") + "t,unit,bin_lo,bin_hi,density,density_se\n", 0)
            == 0);
        const auto first = QString::fromStdString(csv).split('\n')[1].split(',');
        const LawHistogram &h = theta ? sim.entries[0].theta : sim.entries[0].r;
        QCOMPARE(first.size(), 6 + o);
        if (!theta)
            QCOMPARE(first[0], QString(c.problem.labels == Labels::Sign ? "y_r" : "r"));
        QVERIFY(test::near(first[2 + o].toDouble(), h.edges[0], 1e-9 * std::max(1.0, std::fabs(h.edges[0]))));
        QVERIFY(test::near(first[4 + o].toDouble(), h.density[0], 1e-9 * std::max(1.0, h.density[0])));
    }

    // For k = 2 the joint law of (r_1, r_2), on 16 × 16 cells over the DMFT's range; the DMFT of
    // the other recorded time must be told apart.
    if (k == 2) {
        const auto &ds = runs.dmft.distributions->dmft;
        const auto &ss = runs.sim.distributions->sim;
        for (std::size_t j = 0; j < ds.size(); ++j) {
            const auto xEdges = edgesForValues(unitColumn(ds[j].r, 0), 16);
            const auto yEdges = edgesForValues(unitColumn(ds[j].r, 1), 16);
            const LawHistogram2D theory = histogram2DOf(ds[j].r, 0, 1, xEdges, yEdges);
            const LawHistogram2D other = histogram2DOf(ds[1 - j].r, 0, 1, xEdges, yEdges);
            const LawHistogram2D sim2 = histogram2DOf(ss[j].r, 0, 1, xEdges, yEdges);
            const LawAgreement a = compareLaws(sim2.flat, theory.flat);
            const LawAgreement wrong = compareLaws(sim2.flat, other.flat);
            qInfo("t = %.2f (r_1, r_2): chi2/dof %.2f (dof %d, max |z| %.2f); against the DMFT at t = %.2f: "
                  "%.1f",
                ds[j].time, a.chi2PerDof, a.dof, a.maxAbsZ, ds[1 - j].time, wrong.chi2PerDof);
            QVERIFY(a.dof >= 50);
            QVERIFY2(a.chi2PerDof < 2.5, "joint law of (r_1, r_2)");
            QVERIFY2(wrong.chi2PerDof > 5.0, "another time's law should be told apart");
        }
    }

    // The joint picture: the simulation's conditional means of θ_ia in bins of θ*_im
    // against the DMFT's E[θ_a | θ*_m] = M_am θ*_m, in SE over seeds and replicas.
    for (const DmftLawSample &d : runs.dmft.distributions->dmft) {
        const SimulationLawSample *s = nullptr;
        for (const SimulationLawSample &x : runs.sim.distributions->sim)
            if (x.gridIndex == d.gridIndex)
                s = &x;
        QVERIFY(s);
        for (int a = 0; a < k; ++a)
            for (int m = 0; m < ks; ++m) {
                const ConditionalLaw law = thetaConditionalLaw(d.Q, d.M, a, m);
                const auto edges = teacherEdges(c.teacherPrior, s->teacher, m, 12);
                const BinnedConditionalMeans means
                    = binnedConditionalMeans(s->theta, s->teacher, a, m, edges);
                const LawAgreement agree = compareConditionalMeans(means, law);
                ConditionalLaw off = law; // a slope 20 % off: the comparison must be able to fail
                off.slope *= 0.8;
                const LawAgreement wrong = compareConditionalMeans(means, off);
                qInfo("t = %.2f unit %d, teacher %d: E[theta | theta*] chi2/dof %.2f (dof %d, max |z| %.2f); "
                      "slope x 0.8: chi2/dof %.1f",
                    d.time, a + 1, m + 1, agree.chi2PerDof, agree.dof, agree.maxAbsZ, wrong.chi2PerDof);
                QVERIFY(agree.dof >= (TeacherPrior(prior) == TeacherPrior::Gaussian ? 8 : 2));
                // The SE of a bin comes from 8 seeds: z is Student-t with 7 dof (P(|z| > 5) ≈ 0.002
                // per bin, E z² = 1.4), and a seed's own M shifts all its bins together.
                QVERIFY2(agree.maxAbsZ < 5.0, "conditional mean within 5 SE in every bin");
                QVERIFY2(agree.chi2PerDof < 3.0, "conditional means");
                if (d.time > 2.0 && std::fabs(law.slope) > 0.3) // t = 3: M far from its start
                    QVERIFY2(wrong.chi2PerDof > 5.0, "a 20 % wrong slope should be told apart");
            }
    }
}

void TestDistributions::marginsOfSignLabels()
{
    // Logistic regression (sign labels): the predictions' law is that of the margins y_μ r_μ(t),
    // the simulation's n × seeds margins against the DMFT paths' y r_n, binned on the DMFT's
    // bins, in SE. The same statistic must reject the wrong variable: the simulation's plain
    // pre-activations r_μ (symmetric about 0) against the DMFT's margins (shifted to y r > 0
    // as M grows).
    const RunConfig c = smallConfig("logistic-regression", TeacherPrior::Gaussian, 500);
    QVERIFY(c.problem.labels == Labels::Sign);
    const Runs runs = runBoth(c);
    QVERIFY2(runs.sim.status == Status::Completed, runs.sim.message.c_str());
    QVERIFY2(runs.dmft.status == Status::Converged, runs.dmft.message.c_str());
    const DistributionRecord &simRecord = *runs.sim.distributions, &dmftRecord = *runs.dmft.distributions;
    QVERIFY(simRecord.margins && dmftRecord.margins);
    QCOMPARE(static_cast<int>(simRecord.sim.size()), 2);
    for (const auto &s : simRecord.sim) {
        QCOMPARE(s.y.size(), s.r.size());
        for (std::size_t g = 0; g < s.y.size(); ++g) {
            QCOMPARE(s.y[g].size(), s.r[g].rows());
            QVERIFY((s.y[g].array().abs() == 1.0).all());
        }
    }
    for (const auto &d : dmftRecord.dmft) {
        QCOMPARE(d.y.size(), d.r.size());
        QCOMPARE(d.y.front().size(), d.r.front().rows());
        QVERIFY((d.y.front().array().abs() == 1.0).all());
    }
    const EngineLaws dmft = engineLaws(dmftRecord, c.teacherPrior, 30);
    const EngineLaws sim = engineLaws(simRecord, c.teacherPrior, 30, &dmft);
    QVERIFY(dmft.margins && sim.margins);
    DistributionRecord plain = simRecord; // the wrong choice: r instead of y r
    plain.margins = false;
    const EngineLaws wrong = engineLaws(plain, c.teacherPrior, 30, &dmft);
    for (const auto &e : dmft.entries) {
        const auto *s = sim.find(e.gridIndex, e.unit);
        const auto *w = wrong.find(e.gridIndex, e.unit);
        QVERIFY(s && w);
        const LawAgreement agree = compareLaws(s->r, e.r), reject = compareLaws(w->r, e.r);
        qInfo(
            "t = %.2f: margins y r chi2/dof %.2f (dof %d, max |z| %.2f), KS D %.4f (%.4f expected); plain r "
            "against the DMFT's margins: chi2/dof %.1f",
            e.time, agree.chi2PerDof, agree.dof, agree.maxAbsZ, agree.ks, agree.ksExpected,
            reject.chi2PerDof);
        QVERIFY(agree.dof >= 15);
        // As in lawsMatchSimulation: χ²/dof of ~25 bins has sd ≈ 0.3 under agreement.
        QVERIFY2(agree.chi2PerDof < 2.5, "margins y r");
        QVERIFY2(reject.chi2PerDof > 5.0, "plain r should be told apart from the margins' law");
    }
}

QTEST_GUILESS_MAIN(TestDistributions)
#include "test_distributions.moc"
