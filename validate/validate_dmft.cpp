// Production-size validation of the DMFT against the finite-d SGF simulation (theory §7,
// issue 3): for every preset (and gradient flow for the GLMs), N >= 100 grid steps,
// d >= 2000, >= 8 seeds, the presets' DMFT sizes (P = 10⁴, 2·10⁴ for phase retrieval, P_J = 10³, R = 4). Writes
//   DIR/deviations.csv   worst |DMFT − SGF| / combined SE per case and quantity
//   DIR/<case>_loss.png, DIR/<case>_overlaps.png, DIR/<case>_Ctheta.png   overlays
// and prints the table. Usage: dmftlab-validate DIR [case-substring]
#include "config/presets.h"
#include "engine/engine.h"

#ifdef DMFTLAB_VALIDATE_PLOTS
#include "figures.h"
#include <QApplication>
#include <qcustomplot.h>
#endif

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

using namespace dmftlab;

namespace
{

struct Case {
    std::string name, preset;
    double tau; // < 0: the preset's η/B
};

struct Row {
    std::string quantity;
    double z = 0, t = 0, dmft = 0, sim = 0;
};

void worst(const std::string &q, const Estimate &d, const Estimate &s, const std::vector<double> &t,
    int points, std::vector<Row> &rows)
{
    Row r { q };
    for (int n = 1; n < points; ++n) {
        const double se = std::hypot(d.se[n], s.se[n]);
        if (!(se > 0) || !std::isfinite(d.mean[n]) || !std::isfinite(s.mean[n]))
            continue;
        const double z = std::fabs(d.mean[n] - s.mean[n]) / se;
        if (z >= r.z)
            r = { q, z, t[n], d.mean[n], s.mean[n] };
    }
    rows.push_back(r);
}

} // namespace

int main(int argc, char **argv)
{
#ifdef DMFTLAB_VALIDATE_PLOTS
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
#endif
    const std::string dir = argc > 1 ? argv[1] : "validation";
    const std::string only = argc > 2 ? argv[2] : "";
    std::filesystem::create_directories(dir);
    const std::vector<Case> cases = { { "linear-regression", "linear-regression", -1 },
        { "linear-regression-gf", "linear-regression", 0.0 },
        { "logistic-regression", "logistic-regression", -1 },
        { "logistic-regression-gf", "logistic-regression", 0.0 },
        { "phase-retrieval", "phase-retrieval", -1 }, { "committee-erf", "committee-erf", -1 } };
    std::ofstream csv(dir + "/deviations.csv");
    csv << "case,quantity,worst_z,t,dmft,sgf,dmft_status,dmft_iterations,dmft_seconds,sgf_seconds\n";
    std::printf("%-24s %-12s %7s %7s %10s %10s\n", "case", "quantity", "worst_z", "t", "dmft", "sgf");
    for (const Case &cs : cases) {
        if (!only.empty() && cs.name.find(only) == std::string::npos)
            continue;
        RunConfig c = presetConfig(cs.preset);
        c.optimizer.tau = cs.tau < 0 ? c.sgdTau() : cs.tau;
        if (c.time.steps < 100) {
            c.time.steps = 100;
        }
        c.sim.dimension = std::max(2000, c.sim.dimension);
        c.sim.seeds = std::max(8, c.sim.seeds);
        c.sim.seed = 1000;
        c.sim.threads = 0;
        const EngineResult sim = runEngine("sgf", c);
        const EngineResult dmft = runEngine("dmft", c);
        std::printf("%-24s sgf: %s (%.1f s); dmft: %s (%.1f s)\n", cs.name.c_str(), sim.message.c_str(),
            sim.wallSeconds, dmft.message.c_str(), dmft.wallSeconds);
        if (sim.status != Status::Completed
            || !(dmft.status == Status::Converged || dmft.status == Status::MaxIterations)) {
            csv << cs.name << ",failed,,,,," << toString(dmft.status) << ",,,\n";
            continue;
        }
        const int points = std::min(sim.curves.validPoints, dmft.curves.validPoints);
        const int k = c.problem.width, ks = c.problem.teacherWidth, N = c.time.steps;
        std::vector<Row> rows;
        const auto &t = dmft.curves.t;
        worst("train_loss", dmft.curves.trainLoss, sim.curves.trainLoss, t, points, rows);
        worst("test_loss", dmft.curves.testLoss, sim.curves.testLoss, t, points, rows);
        worst("test_error", dmft.curves.testError, sim.curves.testError, t, points, rows);
        for (int a = 0; a < k; ++a)
            for (int b = 0; b < k; ++b)
                worst("Q_" + std::to_string(a + 1) + "_" + std::to_string(b + 1), dmft.curves.Q[a * k + b],
                    sim.curves.Q[a * k + b], t, points, rows);
        for (int a = 0; a < k; ++a)
            for (int m = 0; m < ks; ++m)
                worst("M_" + std::to_string(a + 1) + "_" + std::to_string(m + 1), dmft.curves.M[a * ks + m],
                    sim.curves.M[a * ks + m], t, points, rows);
        { // C_θ(t, s) over a coarse lattice of (t, s), every block
            Row r { "C_theta" };
            for (int b = 0; b < k * k; ++b)
                for (int n = N / 10; n <= N; n += N / 10)
                    for (int s = 0; s < n; s += N / 10) {
                        const double se
                            = std::hypot(dmft.curves.Ctheta.se[b](n, s), sim.curves.Ctheta.se[b](n, s));
                        const double z
                            = std::fabs(dmft.curves.Ctheta.mean[b](n, s) - sim.curves.Ctheta.mean[b](n, s))
                            / se;
                        if (se > 0 && z >= r.z)
                            r = { "C_theta", z, t[n], dmft.curves.Ctheta.mean[b](n, s),
                                sim.curves.Ctheta.mean[b](n, s) };
                    }
            rows.push_back(r);
        }
        for (const Row &r : rows) {
            std::printf("%-24s %-12s %7.2f %7.2f %10.5f %10.5f\n", cs.name.c_str(), r.quantity.c_str(), r.z,
                r.t, r.dmft, r.sim);
            csv << cs.name << "," << r.quantity << "," << r.z << "," << r.t << "," << r.dmft << "," << r.sim
                << "," << toString(dmft.status) << "," << dmft.curves.iterations << "," << dmft.wallSeconds
                << "," << sim.wallSeconds << "\n";
        }
        csv.flush();
#ifdef DMFTLAB_VALIDATE_PLOTS
        const std::vector<const Curves *> both = { &dmft.curves, &sim.curves };
        QString error;
        {
            QCustomPlot plot;
            figures::plotLoss(&plot, both, figures::Style {});
            figures::exportPlot(
                &plot, QString::fromStdString(dir + "/" + cs.name + "_loss.png"), 900, 600, 1.0, &error);
        }
        {
            QCustomPlot plot;
            figures::plotOverlaps(&plot, both, figures::Style {});
            figures::exportPlot(
                &plot, QString::fromStdString(dir + "/" + cs.name + "_overlaps.png"), 900, 600, 1.0, &error);
        }
        {
            QCustomPlot plot;
            figures::plotKernelComparison(&plot, &dmft.curves, &sim.curves, figures::Style {});
            figures::exportPlot(
                &plot, QString::fromStdString(dir + "/" + cs.name + "_Ctheta.png"), 1500, 500, 1.0, &error);
        }
#endif
    }
    std::printf("report: %s/deviations.csv\n", dir.c_str());
    return 0;
}
