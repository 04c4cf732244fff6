// The Explore dock (issue 11) on the offscreen platform: a family and a 3×3 phase
// diagram run to the end in the worker and the panels show them (graphs per value, an
// end-point graph with error bars, a colour map with every cell filled); hover text
// gives value ± SE; a click hands that point's configuration to the main window, which
// loads and runs it; Stop keeps the finished points and a rerun takes them from the cache.
// A family is overlaid in the main Loss and Overlaps panels (one graph per value and
// quantity in the colour map's colours, a colour bar titled with the parameter, in the
// exports too, removable). A live run goes first: a running sweep starts no point until
// it has finished, then completes with the numbers of an uninterrupted sweep.
// With DMFTLAB_SWEEP_SHOTS=DIR set, the panels are also saved as PNGs there to look at.
#include "guitestutil.h"
#include "mainwindow.h"
#include "pinpanel.h"
#include "plotarea.h"
#include "plotpanel.h"
#include "plotpanels.h"
#include "runcontroller.h"
#include "sweepcontroller.h"
#include "sweepfigures.h"
#include "sweeppanel.h"
#include "testutil.h"
#include "workerpriority.h"
#include "workscheduler.h"

#include "engine/registry.h"

#include <QDockWidget>
#include <QFile>
#include <QImage>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <qcustomplot.h>

using namespace dmftlab;

namespace
{
RunConfig tiny()
{
    json tree = json::object();
    tree["preset"] = "linear-regression";
    RunConfig c = *configFromJson(tree).config;
    c.time.steps = 10;
    c.time.horizon = 2;
    c.sim.dimension = 40;
    c.sim.seeds = 2;
    c.sim.threads = 1;
    c.dmft.paths = 300;
    c.dmft.tangentPaths = 100;
    c.dmft.replicas = 2;
    c.dmft.maxIterations = 8;
    return c;
}

void shoot(QWidget *w, const QString &name)
{
    const QString dir = qEnvironmentVariable("DMFTLAB_SWEEP_SHOTS");
    if (!dir.isEmpty())
        w->grab().save(dir + "/" + name + ".png");
}

/// The colour bar of a figure (anywhere in its layout), null without one.
QCPColorScale *colourBar(QCustomPlot *plot)
{
    for (QCPLayoutElement *e : plot->plotLayout()->elements(true))
        if (auto *scale = qobject_cast<QCPColorScale *>(e))
            return scale;
    return nullptr;
}

/// The text of an SVG file without tags and white space.
QString svgText(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll())
        .remove(QRegularExpression("<[^>]*>"))
        .remove(QRegularExpression("\\s"));
}

int finiteCells(QCPColorMap *map)
{
    int n = 0;
    for (int i = 0; i < map->data()->keySize(); ++i)
        for (int j = 0; j < map->data()->valueSize(); ++j)
            n += std::isfinite(map->data()->cell(i, j)) ? 1 : 0;
    return n;
}
} // namespace

class TestGuiSweep : public QObject
{
    Q_OBJECT
private slots:
    void familyToTheEnd();
    void phaseDiagramToTheEnd();
    void stopKeepsPointsAndCacheAvoidsRecomputing();
    void refusesBadSpecs();
    void clickLoadsAndRunsInMainWindow();
    void pinsNamedByDifferenceAndSurviveSessions();
    void phaseDiagramInDataCoordinates();
    void familyOverlaidInMainPanels();
    void liveRunGoesFirst();
};

void TestGuiSweep::familyToTheEnd()
{
    SweepPanel panel;
    panel.resize(500, 800);
    panel.setBaseProvider([] { return std::optional<RunConfig>(tiny()); });
    panel.setSpec("data.alpha", "lin:1:3:3", "", "", "dmft", "final_test_loss");
    QSignalSpy done(&panel, &SweepPanel::sweepFinished);
    QVERIFY2(panel.start(), qPrintable(panel.error()));
    QVERIFY(done.wait(60000));
    QVERIFY((panel.controller()->status()) == Status::Completed);
    QCOMPARE(panel.controller()->completedPoints(), 3);
    QCOMPARE(panel.mainPlot()->graphCount(), 3); // one test-loss curve per α
    QCOMPARE(panel.endPointPlot()->graphCount(), 1);
    QCOMPARE(panel.endPointPlot()->graph(0)->dataCount(), 3);
    // The end-point panel shows exactly the scalar of each point.
    const auto &r = panel.controller()->results();
    for (int i = 0; i < 3; ++i)
        QCOMPARE(panel.endPointPlot()->graph(0)->data()->at(i)->value, r[i].scalars[0].value);
    QVERIFY(panel.pointText(1).startsWith("α = 2: "));
    QVERIFY(panel.pointText(1).contains("±"));
    // The overlaid curves: the test loss by default, the overlap M₁₁ when chosen.
    QComboBox *curves = panel.familyCurves();
    for (const auto &[quantity, first] :
        { std::pair(figures::FamilyQuantity::TestLoss, &r[0].results.at("dmft")->curves.testLoss),
            std::pair(figures::FamilyQuantity::M11, &r[0].results.at("dmft")->curves.M[0]) }) {
        curves->setCurrentIndex(curves->findData(static_cast<int>(quantity)));
        QCOMPARE(panel.mainPlot()->graphCount(), 3);
        QCPGraph *g = panel.mainPlot()->graph(0);
        QVERIFY(g->dataCount() > 2);
        for (int k = 0; k < g->dataCount(); ++k)
            QCOMPARE(g->data()->at(k)->value, first->mean[k]);
        QCOMPARE(panel.mainPlot()->yAxis->label(), figures::familyQuantityLabel(quantity));
    }
    // Exported: the end-point figure and, beside it, the curves (SVG text: the colour bar).
    QTemporaryDir tmp;
    QVERIFY(panel.exportTo(tmp.filePath("family.svg")).isEmpty());
    QVERIFY(svgText(tmp.filePath("family.svg")).contains("finaltestloss"));
    QVERIFY(svgText(tmp.filePath("family_curves.svg")).contains("sampleratioα=n/d"));
    panel.show();
    shoot(&panel, "family");
}

void TestGuiSweep::phaseDiagramToTheEnd()
{
    SweepPanel panel;
    panel.resize(500, 800);
    panel.setBaseProvider([] { return std::optional<RunConfig>(tiny()); });
    panel.setSpec("data.alpha", "1,2,3", "optimizer.tau", "log:0.1:1:3", "dmft", "final_test_loss", "0.5");
    QSignalSpy done(&panel, &SweepPanel::sweepFinished);
    QSignalSpy chosen(&panel, &SweepPanel::configurationChosen);
    QVERIFY2(panel.start(), qPrintable(panel.error()));
    QVERIFY(done.wait(60000));
    QCOMPARE(panel.controller()->completedPoints(), 9);
#ifdef __linux__
    // The sweep's worker yields to the live run's (nice 15 > 10; higher values are kept).
    QVERIFY2(panel.controller()->workerNice() >= kSweepNice,
        qPrintable(QString::number(panel.controller()->workerNice())));
#endif
    QCPColorMap *map = nullptr;
    for (int i = 0; i < panel.mainPlot()->plottableCount(); ++i)
        if (auto *m = qobject_cast<QCPColorMap *>(panel.mainPlot()->plottable(i)))
            map = m;
    QVERIFY(map);
    QCOMPARE(finiteCells(map), 9);
    const auto &r = panel.controller()->results();
    const SweepPlan &plan = panel.controller()->plan();
    QCOMPARE(map->data()->cell(2, 1), r[plan.pointIndex(2, 1)].scalars[0].value);
    QVERIFY(panel.pointText(2, 1).startsWith("α = 3, τ = "));
    QVERIFY(panel.choosePoint(2, 1));
    QCOMPARE(chosen.count(), 1);
    const RunConfig c = chosen.at(0).at(0).value<RunConfig>();
    QCOMPARE(c.alpha, 3.0);
    DMFT_COMPARE_TOL(*c.optimizer.tau, std::sqrt(0.1), 1e-15);
    // CSV export: a header and one row per point.
    QTemporaryDir tmp;
    QVERIFY(panel.exportTo(tmp.filePath("pd.csv")).isEmpty());
    QFile f(tmp.filePath("pd.csv"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll().count('\n'), 10);
    QVERIFY(panel.exportTo(tmp.filePath("pd.pdf")).isEmpty());
    QVERIFY(QFileInfo(tmp.filePath("pd.pdf")).size() > 1000);
    QVERIFY(panel.exportTo(tmp.filePath("pd_slide.png"), /*slide=*/true).isEmpty());
    QVERIFY(QImage(tmp.filePath("pd_slide.png")).width() >= 900);
    panel.show();
    shoot(&panel, "phase");
}

void TestGuiSweep::stopKeepsPointsAndCacheAvoidsRecomputing()
{
    SweepPanel panel;
    RunConfig base = tiny();
    // Points of 0.1-0.5 s (d = 1000, N = 100, one thread): the sweep must still be running
    // when the live run starts, right after the first point is in (with d = 300, N = 30 an
    // idle machine finished all six before the live run began).
    base.sim.dimension = 1000;
    base.time.steps = 100;
    panel.setBaseProvider([base] { return std::optional<RunConfig>(base); });
    panel.setSpec("data.alpha", "lin:1:4:6", "", "", "sgf", "final_test_loss");
    QSignalSpy updated(panel.controller(), &SweepController::updated);
    QSignalSpy done(&panel, &SweepPanel::sweepFinished);
    QVERIFY(panel.start());
    QVERIFY(updated.wait(60000)); // the first point is in
    panel.stop();
    QVERIFY(done.count() == 1 || done.wait(60000));
    QVERIFY((panel.controller()->status()) == Status::Cancelled);
    const int kept = panel.controller()->completedPoints();
    QVERIFY(kept >= 1 && kept < 6);
    std::vector<int> keptPoints;
    for (int p = 0; p < 6; ++p)
        if (panel.controller()->results()[p].done())
            keptPoints.push_back(p);
    QCOMPARE(int(keptPoints.size()), kept);
    // Running the same sweep again takes the finished points from the cache.
    QVERIFY(panel.start());
    QVERIFY(done.wait(60000));
    QCOMPARE(panel.controller()->completedPoints(), 6);
    for (int p : keptPoints)
        QVERIFY(panel.controller()->results()[p].cached);
}

void TestGuiSweep::refusesBadSpecs()
{
    SweepPanel panel;
    panel.setBaseProvider([] { return std::optional<RunConfig>(tiny()); });
    panel.setSpec("data.alpha", "1,-1", "", "", "dmft", "final_test_loss");
    QVERIFY(!panel.start());
    QVERIFY2(panel.error().contains("data.alpha"), qPrintable(panel.error()));
    panel.setSpec("data.alpha", "1,2", "", "", "dmft", "no_such_scalar");
    QVERIFY(!panel.start());
    QVERIFY2(panel.error().contains("unknown scalar"), qPrintable(panel.error()));
    QVERIFY(!panel.controller()->isRunning());
}

void TestGuiSweep::clickLoadsAndRunsInMainWindow()
{
    MainWindow w;
    guitest::makeSmall(w, "linear-regression");
    auto *panel = w.findChild<SweepPanel *>();
    QVERIFY(panel);
    panel->setSpec("data.alpha", "1,3", "", "", "ode", "final_test_loss");
    QSignalSpy done(panel, &SweepPanel::sweepFinished);
    QVERIFY2(panel->start(), qPrintable(panel->error()));
    QVERIFY(done.wait(60000));
    QSignalSpy ran(&w, &MainWindow::runFinished);
    QVERIFY(panel->choosePoint(1));
    QCOMPARE(w.parameters()->config()->alpha, 3.0);
    QVERIFY(ran.wait(60000));
}

void TestGuiSweep::pinsNamedByDifferenceAndSurviveSessions()
{
    MainWindow w;
    guitest::makeSmall(w, "linear-regression");
    QSignalSpy ran(&w, &MainWindow::runFinished);
    QVERIFY(w.run());
    QVERIFY(ran.wait(60000));
    PinStore *store = w.pins()->store();
    QVERIFY2(w.pins()->pinLive().isEmpty(), "pinning a finished run");
    QCOMPARE(store->pins()[0].name, QString("same configuration"));
    // The live configuration moves on: the pin is named by what differs (B = 1 in the preset).
    guitest::setField(w, "optimizer.batch_size", "4");
    QTRY_COMPARE(store->pins()[0].name, QString("B = 1"));
    QVERIFY(ran.count() == 1);
    QVERIFY(w.run());
    QVERIFY(ran.wait(60000));
    QVERIFY(w.pins()->pinLive().isEmpty());
    store->rename(1, "B = 4 reference");
    store->setVisible(0, false);
    // Live curves solid, the visible pin's faded with its own legend entry.
    int faded = 0;
    for (int g = 0; g < w.pins()->plot()->graphCount(); ++g)
        if (w.pins()->plot()->graph(g)->pen().color().alpha() < 255) {
            ++faded;
            QVERIFY(w.pins()->plot()->graph(g)->name().startsWith("B = 4 reference ("));
        }
    QCOMPARE(faded, int(store->pins()[1].run.results.size()));
    // The main Loss and Overlaps panels draw the visible pin too, with its legend entry.
    for (const char *stem : { "loss", "overlaps" }) {
        QCustomPlot *main = w.plotArea()->panel(stem)->plot();
        QStringList entries;
        for (int i = 0; main->legend && i < main->legend->itemCount(); ++i)
            if (auto *item = qobject_cast<QCPPlottableLegendItem *>(main->legend->item(i)))
                entries << item->plottable()->name();
        QVERIFY2(entries.contains("pinned: B = 4 reference") && !entries.contains("pinned: B = 1"),
            qPrintable(entries.join(", ")));
    }
    // The kernel panels show live − pinned for a visible pin with DMFT kernels: zero
    // against the pin of this very run, the cell-by-cell difference against B = 1.
    store->setVisible(0, true);
    auto *kernels = qobject_cast<DmftKernelPanel *>(w.plotArea()->panel("dmft_kernels"));
    QVERIFY(kernels);
    QComboBox *chooser = kernels->pinChooser();
    QCOMPARE(chooser->count(), 3);
    QCOMPARE(chooser->itemText(1), QString("Δ B = 1"));
    const auto shownMap = [&]() -> QCPColorMap * {
        for (int i = 0; i < kernels->plot()->plottableCount(); ++i)
            if (auto *m = qobject_cast<QCPColorMap *>(kernels->plot()->plottable(i)))
                return m;
        return nullptr;
    };
    const Curves *live = kernels->view()->find("dmft");
    const Curves *pinnedB1 = nullptr;
    for (const auto &r : store->pins()[0].run.results)
        if (r.curves && r.curves->engine == "dmft")
            pinnedB1 = r.curves.get();
    QVERIFY(live && pinnedB1);
    // C_u, not R_θ: linear regression's R_θ does not depend on B (its K is the mean of the
    // tangents, in which the batch noise averages out: DmftReplica::setMeanKernel)
    QVERIFY(kernels->setKind(figures::KernelKind::Cu));
    chooser->setCurrentIndex(1);
    QCPColorMap *diff = shownMap();
    QVERIFY(diff);
    const Eigen::MatrixXd R = live->Cu.mean[0] - pinnedB1->Cu.mean[0]; // k = 1
    QCOMPARE(diff->data()->keySize(), int(R.rows()));
    double largest = 0;
    for (int i = 0; i < R.rows(); ++i)
        for (int j = 0; j < R.cols(); ++j) {
            DMFT_COMPARE_TOL(diff->data()->cell(i, j), R(i, j), 1e-12);
            largest = std::max(largest, std::fabs(R(i, j)));
        }
    QVERIFY(largest > 1e-6); // B = 4 against B = 1: the gradient covariance differs
    chooser->setCurrentIndex(2);
    diff = shownMap();
    QVERIFY(diff);
    diff->data()->recalculateDataBounds();
    QCOMPARE(diff->data()->dataBounds().lower, 0.0);
    QCOMPARE(diff->data()->dataBounds().upper, 0.0);
    auto *comparison = qobject_cast<KernelComparisonPanel *>(w.plotArea()->panel("kernel_C_theta"));
    QVERIFY(comparison);
    comparison->pinChooser()->setCurrentIndex(1);
    QVERIFY(shownMap());
    shoot(kernels, "kernel_difference");
    store->setVisible(0, false); // hidden: gone from the choosers
    QCOMPARE(chooser->count(), 2);
    QCOMPARE(comparison->pinChooser()->currentIndex(), 0);

    // Exports of those panels carry the pin as on screen.
    {
        QTemporaryDir dir;
        QString error;
        const QString svg = dir.filePath("loss.svg");
        QVERIFY2(w.plotArea()->panel("loss")->exportTo(svg, 900, 600, 1.0, figures::Style {}, &error),
            qPrintable(error));
        QVERIFY(svgText(svg).contains("pinned:B=4reference"));
    }
    // Save and load in a fresh window: names, flags and curves come back.
    QTemporaryDir tmp;
    const QString path = tmp.filePath("pins.json");
    QVERIFY(w.saveSession(path).isEmpty());
    MainWindow w2;
    QVERIFY(w2.loadSession(path).isEmpty());
    PinStore *back = w2.pins()->store();
    QCOMPARE(back->size(), 2);
    for (int i = 0; i < 2; ++i) {
        QCOMPARE(back->pins()[i].name, store->pins()[i].name);
        QCOMPARE(back->pins()[i].visible, store->pins()[i].visible);
        QCOMPARE(back->pins()[i].renamed, store->pins()[i].renamed);
        QCOMPARE(back->pins()[i].run.results.size(), store->pins()[i].run.results.size());
        for (std::size_t e = 0; e < back->pins()[i].run.results.size(); ++e)
            QVERIFY(back->pins()[i].run.results[e].curves->testLoss.mean
                == store->pins()[i].run.results[e].curves->testLoss.mean);
    }
    QCOMPARE(back->pins()[1].run.config.optimizer.batchSize, 4);
    // Exported like the live run (File ▸ Export data): each pin's config, summary and curves.
    {
        QTemporaryDir dir;
        QStringList written;
        QVERIFY(back->exportData(dir.path(), { "csv", "json" }, &written).isEmpty());
        QCOMPARE(back->exportFolder(1), QString("pins/02_B_4_reference"));
        for (int i = 0; i < 2; ++i) {
            const QDir pin(dir.filePath(back->exportFolder(i)));
            QFile config(pin.filePath("config.json"));
            QVERIFY2(config.open(QIODevice::ReadOnly), qPrintable(pin.path()));
            QCOMPARE(json::parse(config.readAll().toStdString())["optimizer"]["batch_size"].get<int>(),
                back->pins()[i].run.config.optimizer.batchSize);
            QVERIFY(pin.exists("summary.json"));
            for (const auto &r : back->pins()[i].run.results)
                QVERIFY2(pin.exists(QString::fromStdString(r.engine + "_curves.json")), r.engine.c_str());
        }
    }
    // A bad pin is refused naming the field; the store stays as it was.
    json bad = back->toJson();
    bad[1]["name"] = 3;
    QCOMPARE(back->fromJson(bad), QString("pins[1].name: expected a string"));
    QCOMPARE(back->size(), 2);
    // At most kMaxPins.
    while (back->size() < PinStore::kMaxPins)
        QVERIFY(back->add(store->pins()[0].run, w.parameters()->config().value()).isEmpty());
    QVERIFY(!back->add(store->pins()[0].run, w.parameters()->config().value()).isEmpty());
    back->remove(0);
    QCOMPARE(back->size(), PinStore::kMaxPins - 1);
    w.pins()->show();
    shoot(w.pins(), "pins");
}

// The phase diagram in data coordinates (no engine runs: made-up values v(i, j) = 10 i + j
// on a plan): an uneven list on a linear axis with cells reaching halfway to the
// neighbours, a log-spaced axis on a log scale, the mouse finds the cell the colour shows,
// contour points sit between the parameter values they interpolate.
void TestGuiSweep::phaseDiagramInDataCoordinates()
{
    SweepSpec spec;
    spec.base = configToJson(tiny());
    SweepAxis a, b;
    QVERIFY(parseSweepAxis("data.alpha=1,2,5", &a).empty());
    QVERIFY(parseSweepAxis("optimizer.tau=log:0.01:1:3", &b).empty());
    spec.axes = { a, b };
    spec.engines = { "dmft" };
    spec.scalars = { "final_test_loss" };
    SweepPlan plan;
    QVERIFY(makeSweepPlan(spec, &plan).empty());
    std::vector<SweepPointResult> results(plan.points.size());
    for (std::size_t p = 0; p < results.size(); ++p) {
        results[p].status = Status::Completed;
        results[p].scalars = { ScalarValue { 10.0 * plan.points[p].i + plan.points[p].j, 0.1 } };
    }
    QCustomPlot plot;
    plot.resize(800, 600);
    QCPColorMap *map = figures::plotPhaseDiagram(&plot, plan, results, 0, figures::Style {}, { 15.0 });
    plot.replot();
    QCOMPARE(plot.xAxis->scaleType(), QCPAxis::stLinear);
    QCOMPARE(plot.yAxis->scaleType(), QCPAxis::stLogarithmic);
    DMFT_COMPARE_TOL(plot.xAxis->range().lower, 0.5, 1e-12); // 1 − (2 − 1)/2
    DMFT_COMPARE_TOL(plot.xAxis->range().upper, 6.5, 1e-12); // 5 + (5 − 2)/2
    DMFT_COMPARE_TOL(plot.yAxis->range().lower, std::pow(10.0, -2.5), 1e-12);
    DMFT_COMPARE_TOL(plot.yAxis->range().upper, std::pow(10.0, 0.5), 1e-12);
    QVERIFY2(plot.xAxis->label().contains("α") && plot.yAxis->label().contains("τ"),
        qPrintable(plot.xAxis->label() + " | " + plot.yAxis->label()));
    // Cell boundaries at the midpoints 1.5 and 3.5 (α) and 10^-1.5, 10^-0.5 (τ).
    const auto cellAtData = [&](double x, double y, int *i, int *j) {
        return figures::phaseDiagramCell(
            map, plan, QPointF(plot.xAxis->coordToPixel(x), plot.yAxis->coordToPixel(y)), i, j);
    };
    const auto colourAt = [&](double x, double y) {
        int ki = 0, kj = 0;
        map->data()->coordToCell(map->keyAxis()->pixelToCoord(plot.xAxis->coordToPixel(x)),
            map->valueAxis()->pixelToCoord(plot.yAxis->coordToPixel(y)), &ki, &kj);
        return map->data()->cell(ki, kj);
    };
    struct Probe {
        double x, y;
        int i, j;
    };
    for (const Probe &p : { Probe { 3.4, 0.1, 1, 1 }, Probe { 3.6, 0.1, 2, 1 }, Probe { 1.45, 0.012, 0, 0 },
             Probe { 4.9, 0.5, 2, 2 }, Probe { 1.6, 0.3, 1, 1 }, Probe { 1.6, 0.32, 1, 2 } }) {
        int i = -1, j = -1;
        QVERIFY(cellAtData(p.x, p.y, &i, &j));
        QCOMPARE(std::pair(i, j), std::pair(p.i, p.j));
        QCOMPARE(colourAt(p.x, p.y), 10.0 * p.i + p.j);
    }
    int i = 0, j = 0;
    QVERIFY(!cellAtData(6.0, 5.0, &i, &j)); // above the last τ cell
    // Level 15 crosses between α = 2 (i = 1) and α = 5 (i = 2) at i = 1.5 − j/10.
    int lines = 0;
    for (int k = 0; k < plot.itemCount(); ++k)
        if (auto *line = qobject_cast<QCPItemLine *>(plot.item(k))) {
            ++lines;
            for (QCPItemPosition *end : { line->start, line->end }) {
                const double y = end->coords().y(), jj = std::log10(y) + 2; // τ = 10^(j − 2)
                DMFT_COMPARE_TOL(jj, std::round(jj), 1e-9);
                DMFT_COMPARE_TOL(end->coords().x(), 2.0 + 3.0 * (0.5 - std::round(jj) / 10), 1e-9);
            }
        }
    QCOMPARE(lines, 2);
}

// The family in the main window's Loss and Overlaps panels: after a live run, a family of
// α = 1, 2, 3 is drawn under the live curves, one faded graph per value and quantity in
// the colour map's colour of its value, with the member's very curve; a colour bar titled
// with the parameter; the export carries it; "Clear from panels" removes it.
void TestGuiSweep::familyOverlaidInMainPanels()
{
    MainWindow w;
    w.resize(1400, 900);
    guitest::makeSmall(w, "linear-regression");
    QSignalSpy ran(&w, &MainWindow::runFinished);
    QVERIFY(w.run());
    QVERIFY(ran.wait(60000));
    auto *panel = w.findChild<SweepPanel *>();
    QVERIFY(panel);
    panel->setSpec("data.alpha", "1,2,3", "", "", "dmft", "final_test_loss");
    QSignalSpy done(panel, &SweepPanel::sweepFinished);
    QVERIFY2(panel->start(), qPrintable(panel->error()));
    QVERIFY(done.wait(60000));
    QCOMPARE(panel->controller()->completedPoints(), 3);
    const SweepPlan &plan = panel->controller()->plan();
    const auto &results = panel->controller()->results();
    const SweepAxis &axis = plan.spec.axes[0];
    const QString marker = " · family ";
    for (const char *stem : { "loss", "overlaps" }) {
        QCustomPlot *main = w.plotArea()->panel(stem)->plot();
        std::map<QString, int> perValue;
        int firstLive = -1, lastFamily = -1;
        for (int g = 0; g < main->graphCount(); ++g) {
            QCPGraph *graph = main->graph(g);
            const int at = graph->name().indexOf(marker);
            if (at < 0) {
                if (firstLive < 0 && graph->dataCount() > 0)
                    firstLive = g;
                continue;
            }
            lastFamily = g;
            const QString member = graph->name().mid(at + marker.size());
            ++perValue[member];
            int i = -1;
            for (int k = 0; k < axis.size(); ++k)
                if (QString::fromStdString(plan.describe(plan.pointIndex(k, 0))) == member)
                    i = k;
            QVERIFY2(i >= 0, qPrintable(member));
            QColor expected = figures::familyColor(figures::familyPosition(axis, i));
            expected.setAlpha(figures::kFamilyAlpha);
            QCOMPARE(graph->pen().color(), expected);
            // The loss panel's first quantity is the train loss: the member's own curve.
            if (graph->name().startsWith("train loss"))
                for (int k = 0; k < graph->dataCount(); ++k)
                    QCOMPARE(graph->data()->at(k)->value,
                        results[plan.pointIndex(i, 0)].results.at("dmft")->curves.trainLoss.mean[k]);
        }
        QCOMPARE(int(perValue.size()), 3); // one set of graphs per family value
        for (const auto &[member, count] : perValue)
            QCOMPARE(count, perValue.begin()->second); // every quantity for every value
        QVERIFY(perValue.begin()->second >= 2);
        QVERIFY2(firstLive > lastFamily, "the live curves lie on top of the family");
        QCPColorScale *bar = colourBar(main);
        QVERIFY2(bar, stem);
        QCOMPARE(bar->axis()->label(), QString("sample ratio α = n/d"));
        QCOMPARE(bar->dataRange().lower, 1.0);
        QCOMPARE(bar->dataRange().upper, 3.0);
    }
    // The export of a panel carries the family and its colour bar.
    QTemporaryDir dir;
    QString error;
    const QString svg = dir.filePath("loss.svg");
    QVERIFY2(w.plotArea()->panel("loss")->exportTo(svg, 900, 600, 1.0, figures::Style {}, &error),
        qPrintable(error));
    QVERIFY(svgText(svg).contains("sampleratioα=n/d"));
    if (qEnvironmentVariableIsSet("DMFTLAB_SWEEP_SHOTS")) { // the window to look at, dock open
        if (auto *dock = w.findChild<QDockWidget *>("exploreDock"))
            dock->show();
        w.show();
        for (const QSize size : { QSize(1920, 1080), QSize(1366, 768) }) {
            w.resize(size);
            QTest::qWait(300);
            w.plotArea()->panel("loss")->redraw();
            w.plotArea()->panel("overlaps")->redraw();
            shoot(&w, QString("family_in_main_panels_%1").arg(size.width()));
        }
    }
    // Cleared: no family graph, no colour bar.
    panel->clearFamily();
    QVERIFY(!panel->familyOverlay());
    for (const char *stem : { "loss", "overlaps" }) {
        QCustomPlot *main = w.plotArea()->panel(stem)->plot();
        QVERIFY(!colourBar(main));
        for (int g = 0; g < main->graphCount(); ++g)
            QVERIFY(!main->graph(g)->name().contains(marker));
    }
}

// The shared scheduler's rule (workscheduler.h): with a sweep running, a live run starts at
// once; the sweep starts no new point while it computes (the point in progress may end);
// once the live run has finished, the sweep completes with exactly the numbers of an
// uninterrupted sweep.
void TestGuiSweep::liveRunGoesFirst()
{
    RunConfig base = tiny();
    // Points of 0.1-0.5 s (d = 1000, N = 100, one thread): the sweep must still be running
    // when the live run starts, right after the first point is in (with d = 300, N = 30 an
    // idle machine finished all six before the live run began).
    base.sim.dimension = 1000;
    base.time.steps = 100;
    SweepSpec spec;
    spec.base = configToJson(base);
    SweepAxis axis;
    QVERIFY(parseSweepAxis("data.alpha=lin:1:4:6", &axis).empty());
    spec.axes = { axis };
    spec.engines = { "sgf" };
    spec.scalars = { "final_test_loss" };
    SweepPlan plan;
    QVERIFY(makeSweepPlan(spec, &plan).empty());
    SweepRunner reference(plan);
    QVERIFY(reference.run() == Status::Completed);

    SweepController sweep;
    QSignalSpy updated(&sweep, &SweepController::updated);
    QSignalSpy sweepDone(&sweep, &SweepController::finished);
    sweep.start(plan);
    QVERIFY(updated.wait(60000)); // the first point is in
    RunController live;
    std::atomic<bool> liveStarted { false }, release { false };
    live.setRunner([&](const std::string &engine, const RunConfig &config, const ProgressCallback &progress,
                       const std::atomic<bool> *cancel) {
        liveStarted = true;
        while (!release.load() && !cancel->load())
            QThread::msleep(5);
        return runEngine(engine, config, progress, cancel);
    });
    QSignalSpy liveDone(&live, &RunController::finished);
    live.start(tiny(), { "ode" });
    QVERIFY(WorkScheduler::instance().liveRunActive());
    QTRY_VERIFY_WITH_TIMEOUT(liveStarted.load(), 5000); // not starved: its worker starts at once
    // The point in progress ends; then the sweep waits.
    QTRY_VERIFY_WITH_TIMEOUT(sweep.waitingForLiveRun(), 60000);
    QTest::qWait(500); // the drain (every 33 ms) hands over the point that ended
    const int paused = sweep.completedPoints();
    QVERIFY2(paused >= 1 && paused < 6, qPrintable(QString::number(paused)));
    QTest::qWait(1000);
    QCOMPARE(sweep.completedPoints(), paused);
    QVERIFY(sweep.isRunning() && sweep.waitingForLiveRun());
    release = true;
    QVERIFY(liveDone.wait(60000));
    QVERIFY(!WorkScheduler::instance().liveRunActive());
    QVERIFY(sweepDone.count() == 1 || sweepDone.wait(60000));
    QVERIFY(sweep.status() == Status::Completed);
    QCOMPARE(sweep.completedPoints(), 6);
    for (int p = 0; p < 6; ++p) {
        QVERIFY(!sweep.results()[p].cached);
        QCOMPARE(sweep.results()[p].scalars[0].value, reference.result(p).scalars[0].value);
        QCOMPARE(sweep.results()[p].scalars[0].se, reference.result(p).scalars[0].se);
    }
}

QTEST_MAIN(TestGuiSweep)
#include "test_gui_sweep.moc"
