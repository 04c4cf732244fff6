// Shared figures (ui/figures.h): every plot type draws, and exportPlot writes valid PNG,
// PDF and SVG files of the requested size, or fails with a message.
#include "config/config.h"
#include "figures.h"
#include "plotarea.h"
#include "plotpanel.h"
#include "testutil.h"

#include <QApplication>
#include <QImage>
#include <QSvgRenderer>
#include <QTemporaryDir>
#include <QtTest>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

using namespace dmftlab;

namespace
{

// Smooth synthetic curves with the shapes of a run (this tests drawing, not physics).
Curves makeCurves(const std::string &engine, int k, int N, int valid)
{
    Curves c;
    c.engine = engine;
    std::vector<double> t(N + 1);
    for (int i = 0; i <= N; ++i)
        t[i] = 0.2 * i;
    c.allocate(k, k, t);
    c.validPoints = valid;
    for (int i = 0; i <= N; ++i) {
        c.trainLoss.mean[i] = 0.5 * std::exp(-t[i]) + 0.1;
        c.testLoss.mean[i] = 0.5 * std::exp(-0.8 * t[i]) + 0.15;
        c.testError.mean[i] = 0.4 * std::exp(-0.8 * t[i]) + 0.05;
        c.trainLoss.se[i] = c.testLoss.se[i] = c.testError.se[i] = 0.01;
        for (auto &e : c.Q) {
            e.mean[i] = 1.0 - 0.5 * std::exp(-t[i]);
            e.se[i] = 0.02;
        }
        for (auto &e : c.M) {
            e.mean[i] = 0.8 * (1.0 - std::exp(-t[i]));
            e.se[i] = 0.02;
        }
    }
    for (Kernel *K : { &c.Ctheta, &c.Rtheta }) {
        K->rowsPerBlock = K->colsPerBlock = k;
        for (int b = 0; b < k * k; ++b) {
            Eigen::MatrixXd m(N + 1, N + 1);
            for (int i = 0; i <= N; ++i)
                for (int j = 0; j <= N; ++j)
                    m(i, j)
                        = std::exp(-0.3 * std::fabs(t[i] - t[j])) + (K == &c.Rtheta && j > i ? -1.0 : 0.0);
            K->mean.push_back(m);
        }
    }
    c.residuals = { 1.0, 0.3, 0.05, 0.01, 2e-3, 4e-4, 8e-5 };
    return c;
}

int countDistinctColours(const QImage &img)
{
    QSet<QRgb> colours;
    for (int y = 0; y < img.height(); y += 3)
        for (int x = 0; x < img.width(); x += 3)
            colours.insert(img.pixel(x, y));
    return colours.size();
}

/// Height in pixels of the first band of non-white rows from the top (the title).
int titleHeight(const QImage &img)
{
    auto dark = [&](int y) {
        for (int x = 0; x < img.width(); ++x)
            if (qGray(img.pixel(x, y)) < 128)
                return true;
        return false;
    };
    int y = 0;
    while (y < img.height() && !dark(y))
        ++y;
    const int top = y;
    while (y < img.height() && dark(y))
        ++y;
    return y - top;
}

/// Share of pixels that are not white in `rect` of `img`.
double inkShare(const QImage &img, const QRect &rect)
{
    int ink = 0, total = 0;
    for (int y = rect.top(); y <= rect.bottom(); y += 2)
        for (int x = rect.left(); x <= rect.right(); x += 2, ++total)
            if (img.pixel(x, y) != qRgb(255, 255, 255))
                ++ink;
    return total ? static_cast<double>(ink) / total : 0.0;
}

} // namespace

class TestGuiFigures : public QObject
{
    Q_OBJECT
private slots:
    void drawsEveryPlotType_data();
    void drawsEveryPlotType();
    void exportFormats_data();
    void exportFormats();
    void exportFailsWithMessage();
    void partialRunDrawsOnlyValidPoints();
    void finalViewDrawnAfterQueuedLiveUpdate();
    void legendNeverCoversData_data();
    void legendNeverCoversData();
    void equalTestLossAndErrorDrawnOnce();
    void heatmapsAreSquare_data();
    void heatmapsAreSquare();
    void textScalesWithCanvas_data();
    void textScalesWithCanvas();
    void slideExport_data();
    void slideExport();
    void denseGridsAreThinned();
    void quantitiesHaveDistinctMarkers();
    void simulationErrorBarsAddTheTimeStepError();
    void theoryBandsStopAtZeroWhereTheQuantityCannotBeNegative();
    void continuousTimeCurvesSayItInTheLegend();
    void deviationIsInStandardErrors();
    void stampNamesTheRunBelowTheAxes();
    void pinnedRunsDrawnFaded();
    void colourBarsKeepApart_data();
    void colourBarsKeepApart();
    void liveLegendKeepsItsCorner();
    void epochAxisFollowsTime();
    void partialKernelMapKeepsTheRunsAxes();
};

void TestGuiFigures::drawsEveryPlotType_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("k");
    QTest::addColumn<bool>("slide");
    for (int kind = 0; kind < 5; ++kind)
        for (int k : { 1, 2 })
            QTest::addRow("plot%d-k%d", kind, k) << kind << k << (kind % 2 == 1);
}

void TestGuiFigures::drawsEveryPlotType()
{
    QFETCH(int, kind);
    QFETCH(int, k);
    QFETCH(bool, slide);
    const Curves dmft = makeCurves("dmft", k, 40, 41);
    const Curves sgf = makeCurves("sgf", k, 40, 41);
    QCustomPlot plot;
    plot.resize(640, 420);
    figures::Style style;
    style.slide = slide;
    switch (kind) {
    case 0:
        figures::plotLoss(&plot, { &dmft, &sgf }, style);
        break;
    case 1:
        figures::plotOverlaps(&plot, { &dmft, &sgf }, style);
        break;
    case 2:
        figures::plotKernel(&plot, sgf, style);
        break;
    case 3:
        figures::plotKernelComparison(&plot, &dmft, &sgf, style);
        break;
    case 4: {
        Curves sixteen = dmft; // 16 iterations: a default ticker would put ticks at 2.5, 7.5, ...
        sixteen.residuals.clear();
        for (int i = 0; i < 16; ++i)
            sixteen.residuals.push_back(std::pow(0.6, i));
        figures::plotConvergence(&plot, { &sixteen }, style, 1e-4, 0.1);
        break;
    }
    }
    QVERIFY(plot.plottableCount() > 0);
    if (kind == 0) // 3 quantities × (line + 2 band graphs | markers + error bars) + legend keys
        QVERIFY(plot.plottableCount() >= 3 * 3 + 3 * 2);
    if (kind == 3) // DMFT, simulation and difference maps
        QCOMPARE(plot.plottableCount(), 3);
    if (kind == 4) { // whole iterations on the axis
        plot.replot();
        for (double tick : plot.xAxis->tickVector())
            QCOMPARE(tick, std::round(tick));
        QVERIFY(plot.xAxis->tickVector().size() >= 2);
        // The legend names both stops: a run stopped at the Monte-Carlo error ends above the line.
        bool named = false;
        for (int i = 0; i < plot.graphCount(); ++i)
            named = named || plot.graph(i)->name() == "tolerance 0.0001,\nor truncation < 0.1 SE";
        QVERIFY(named);
    }
    const QImage img = plot.toPixmap(640, 420).toImage();
    QVERIFY2(countDistinctColours(img) > 20, "the plot looks empty");
    // For looking at the pictures: DMFTLAB_FIGURE_DIR=/tmp/figs test_gui_figures
    if (const QByteArray dir = qgetenv("DMFTLAB_FIGURE_DIR"); !dir.isEmpty())
        img.save(QString::fromLocal8Bit(dir) + "/" + QTest::currentDataTag() + ".png");
}

void TestGuiFigures::exportFormats_data()
{
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<double>("scale");
    QTest::newRow("png") << "png" << 800 << 500 << 1.0;
    QTest::newRow("png@2x") << "png" << 640 << 400 << 2.0;
    QTest::newRow("pdf") << "pdf" << 700 << 450 << 1.0;
    QTest::newRow("svg") << "svg" << 720 << 480 << 1.0;
}

void TestGuiFigures::exportFormats()
{
    QFETCH(QString, suffix);
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(double, scale);
    const Curves dmft = makeCurves("dmft", 1, 30, 31);
    const Curves sgd = makeCurves("sgd", 1, 30, 31);
    QCustomPlot plot;
    plot.resize(300, 200);
    figures::plotLoss(&plot, { &dmft, &sgd }, {});
    QTemporaryDir dir;
    const QString path = dir.filePath("figure." + suffix);
    QString error;
    QVERIFY2(figures::exportPlot(&plot, path, width, height, scale, &error), qPrintable(error));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    if (suffix == "png") {
        QImage img;
        QVERIFY(img.loadFromData(bytes, "PNG"));
        QCOMPARE(img.width(), qRound(width * scale));
        QCOMPARE(img.height(), qRound(height * scale));
        QVERIFY(countDistinctColours(img) > 20);
    } else if (suffix == "pdf") {
        QVERIFY(bytes.startsWith("%PDF-"));
        QVERIFY(bytes.contains("%%EOF"));
        // Page size in points equals the requested size (savePdf maps 1 px to 1 pt).
        const QRegularExpression box("/MediaBox\\s*\\[\\s*0\\s+0\\s+([0-9.]+)\\s+([0-9.]+)\\s*\\]");
        const auto match = box.match(QString::fromLatin1(bytes));
        QVERIFY2(match.hasMatch(), "no MediaBox in the PDF");
        QVERIFY(std::fabs(match.captured(1).toDouble() - width) <= 1.0);
        QVERIFY(std::fabs(match.captured(2).toDouble() - height) <= 1.0);
    } else {
        QSvgRenderer svg(bytes);
        QVERIFY(svg.isValid());
        QCOMPARE(svg.viewBox().size(), QSize(width, height));
        QVERIFY(bytes.contains("<path") || bytes.contains("<polyline"));
    }
}

void TestGuiFigures::exportFailsWithMessage()
{
    QCustomPlot plot;
    plot.resize(300, 200);
    const Curves c = makeCurves("sgf", 1, 10, 11);
    figures::plotLoss(&plot, { &c }, {});
    QString error;
    QVERIFY(!figures::exportPlot(&plot, "/nonexistent-folder/x.png", 100, 100, 1.0, &error));
    QVERIFY(error.contains("folder does not exist"));
    QTemporaryDir dir;
    QVERIFY(!figures::exportPlot(&plot, dir.filePath("x.bmp"), 100, 100, 1.0, &error));
    QVERIFY(error.contains("unknown figure format"));
    QVERIFY(!figures::exportPlot(&plot, dir.filePath("x.png"), 100, 100, 0.0, &error));
    QVERIFY(error.contains("scale"));
}

void TestGuiFigures::partialRunDrawsOnlyValidPoints()
{
    const Curves sgf = makeCurves("sgf", 1, 40, 12);
    QCustomPlot plot;
    figures::plotLoss(&plot, { &sgf }, {});
    double maxKey = 0.0;
    for (int i = 0; i < plot.graphCount(); ++i)
        if (!plot.graph(i)->data()->isEmpty())
            maxKey = std::max(maxKey, (plot.graph(i)->data()->constEnd() - 1)->key);
    QCOMPARE(maxKey, sgf.t[11]);
}

void TestGuiFigures::finalViewDrawnAfterQueuedLiveUpdate()
{
    // A fast run: the last snapshot arrives as a live update (queued for the staggered
    // redraw), and the run ends before that redraw. The end-of-run view has the same
    // curves; it must still be drawn at once, not left to the timer.
    PlotArea area;
    area.resize(1200, 800);
    auto view = std::make_shared<ResultView>();
    view->curves.push_back(std::make_shared<const Curves>(makeCurves("sgf", 1, 10, 11)));
    area.setView(view, PlotPanel::Redraw::Live);
    QCustomPlot *loss = area.panel("loss")->plot();
    QVERIFY(loss->graphCount() == 0 || loss->graph(0)->data()->isEmpty()); // deferred
    auto finalView = std::make_shared<ResultView>(*view);
    area.setView(finalView, PlotPanel::Redraw::Now);
    int points = 0;
    for (int i = 0; i < loss->graphCount(); ++i)
        points = std::max(points, loss->graph(i)->data()->size());
    QCOMPARE(points, 11);
    QVERIFY(!area.panel("loss")->isDirty());
}

void TestGuiFigures::legendNeverCoversData_data()
{
    // Overlaps that rise into the top-right corner (where a legend starts), and a loss
    // that falls from the top left: the legend must find a free corner or go beside.
    QTest::addColumn<int>("kind");
    QTest::addColumn<double>("level");
    QTest::newRow("overlaps rising to the top right") << 1 << 1.2;
    QTest::newRow("overlaps, every corner busy") << 1 << -1.0;
    QTest::newRow("loss") << 0 << 0.0;
}

void TestGuiFigures::legendNeverCoversData()
{
    QFETCH(int, kind);
    QFETCH(double, level);
    Curves dmft = makeCurves("dmft", 1, 40, 41);
    Curves sgf = makeCurves("sgf", 1, 40, 41);
    for (Curves *c : { &dmft, &sgf }) {
        for (int i = 0; i <= 40; ++i) {
            if (level > 0) {
                c->Q[0].mean[i] = level * c->t[i] / c->t.back(); // ends at the top right
            } else if (level < 0) {
                c->Q[0].mean[i] = (i % 2) ? 1.0 : 0.0; // zig-zag over the whole height
                c->M[0].mean[i] = 0.5;
            }
        }
    }
    QCustomPlot plot;
    plot.resize(420, 320);
    if (kind == 0)
        figures::plotLoss(&plot, { &dmft, &sgf }, figures::Style {});
    else
        figures::plotOverlaps(&plot, { &dmft, &sgf }, figures::Style {});
    plot.replot();
    QCPAxisRect *rect = plot.axisRect(0);
    const bool inside = rect->insetLayout()->elementCount() > 0;
    const QRect legend = plot.legend->outerRect();
    QVERIFY(legend.width() > 10 && legend.height() > 10);
    if (!inside) {
        QVERIFY2(!rect->rect().intersects(legend), "a legend beside the axes overlaps them");
        return;
    }
    int covered = 0;
    for (int i = 0; i < plot.graphCount(); ++i) {
        const QCPGraph *g = plot.graph(i);
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
            covered += legend.contains(g->coordsToPixels(it->key, it->value).toPoint()) ? 1 : 0;
    }
    QVERIFY2(covered == 0, qPrintable(QString("the legend covers %1 data points").arg(covered)));
}

void TestGuiFigures::equalTestLossAndErrorDrawnOnce()
{
    // Square loss without label noise: test loss and test error are the same number.
    Curves sgf = makeCurves("sgf", 1, 20, 21);
    sgf.testError = sgf.testLoss;
    QCustomPlot plot;
    plot.resize(500, 350);
    figures::plotLoss(&plot, { &sgf }, figures::Style {});
    QStringList names;
    for (int i = 0; i < plot.graphCount(); ++i)
        names << plot.graph(i)->name();
    QVERIFY2(names.contains("test loss = test error · SGF"), qPrintable(names.join(", ")));
    QVERIFY2(!names.contains("test error · SGF"), qPrintable(names.join(", ")));
    // Different values stay two curves.
    sgf.testError.mean[3] += 1e-6;
    figures::plotLoss(&plot, { &sgf }, figures::Style {});
    names.clear();
    for (int i = 0; i < plot.graphCount(); ++i)
        names << plot.graph(i)->name();
    QVERIFY(names.contains("test error · SGF"));
    QVERIFY(names.contains("test loss · SGF"));
}

void TestGuiFigures::heatmapsAreSquare_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<int>("height");
    QTest::addColumn<bool>("comparison");
    QTest::newRow("wide comparison") << 1400 << 420 << true;
    QTest::newRow("narrow comparison") << 700 << 600 << true;
    QTest::newRow("tall single kernel") << 320 << 600 << false;
}

void TestGuiFigures::heatmapsAreSquare()
{
    QFETCH(int, width);
    QFETCH(int, height);
    QFETCH(bool, comparison);
    const Curves dmft = makeCurves("dmft", 1, 30, 31);
    const Curves sgf = makeCurves("sgf", 1, 30, 31);
    QCustomPlot plot;
    plot.resize(width, height);
    if (comparison)
        figures::plotKernelComparison(&plot, &dmft, &sgf, figures::Style {});
    else
        figures::plotKernel(&plot, dmft, figures::KernelKind::Rtheta, figures::Style {});
    plot.replot();
    const auto rects = plot.axisRects();
    QCOMPARE(rects.size(), comparison ? 3 : 1);
    for (QCPAxisRect *r : rects) {
        QVERIFY2(std::abs(r->rect().width() - r->rect().height()) <= 1,
            qPrintable(QString("%1 x %2").arg(r->rect().width()).arg(r->rect().height())));
        QVERIFY(r->rect().width() > 80); // and not shrunk to nothing
    }
    // Exports keep the aspect at their own size.
    QTemporaryDir dir;
    QString error;
    QVERIFY2(figures::exportPlot(&plot, dir.filePath("k.png"), 900, 500, 1.0, &error), qPrintable(error));
    for (QCPAxisRect *r : plot.axisRects())
        QVERIFY(std::abs(r->rect().width() - r->rect().height()) <= 1);
}

void TestGuiFigures::colourBarsKeepApart_data()
{
    QTest::addColumn<QSize>("size");
    QTest::addColumn<bool>("slide");
    QTest::newRow("figure 900x500") << QSize(900, 500) << false;
    QTest::newRow("panel 700x420") << QSize(700, 420) << false;
    QTest::newRow("slide 1920x1080") << QSize(1920, 1080) << true;
}

// Issue 10: the two colour bars of the C_θ comparison (shared scale, difference) keep
// their tick labels apart and on the page ("1" of one bar and "−0.1" of the next once read
// as "10.1"): the end labels' extents, measured in the labels' font, leave half a line of
// space between the bars and stay inside the picture.
void TestGuiFigures::colourBarsKeepApart()
{
    QFETCH(QSize, size);
    QFETCH(bool, slide);
    const Curves dmft = makeCurves("dmft", 1, 30, 31), sgf = makeCurves("sgf", 1, 30, 31);
    QCustomPlot plot;
    plot.resize(size);
    figures::Style style;
    style.slide = slide;
    style.canvas = size;
    figures::plotKernelComparison(&plot, &dmft, &sgf, style);
    plot.replot();
    struct Extent {
        double lo, hi, line;
    };
    std::vector<Extent> extents;
    for (QCPLayoutElement *e : plot.plotLayout()->elements(true))
        if (auto *scale = qobject_cast<QCPColorScale *>(e)) {
            QCPAxis *axis = scale->axis();
            const QFontMetricsF metrics(axis->tickLabelFont());
            Extent x { 1e9, -1e9, metrics.height() };
            const QVector<double> ticks = axis->tickVector();
            const QVector<QString> labels = axis->tickVectorLabels();
            for (int i = 0; i < ticks.size(); ++i) {
                if (!axis->range().contains(ticks[i]))
                    continue;
                const double px = axis->coordToPixel(ticks[i]),
                             half = metrics.horizontalAdvance(labels[i]) / 2;
                x.lo = std::min(x.lo, px - half);
                x.hi = std::max(x.hi, px + half);
            }
            QVERIFY(x.hi > x.lo);
            extents.push_back(x);
        }
    QCOMPARE(int(extents.size()), 2);
    std::sort(extents.begin(), extents.end(), [](const Extent &a, const Extent &b) { return a.lo < b.lo; });
    QVERIFY2(extents[1].lo - extents[0].hi >= extents[0].line / 2,
        qPrintable(QString("labels end at %1, next begin at %2").arg(extents[0].hi).arg(extents[1].lo)));
    QVERIFY(extents[0].lo >= 0 && extents[1].hi <= size.width());
}

// Issue 10: between live frames the overlap legend stays in its corner while that corner
// stays free. Frame 1: the overlaps rise into the top right (the legend goes elsewhere);
// frame 2: the whole run, whose peak is mid-way and whose end is low, frees the top right
// — the legend must not jump back there.
void TestGuiFigures::liveLegendKeepsItsCorner()
{
    Curves c = makeCurves("dmft", 1, 40, 21);
    for (std::size_t i = 0; i < c.t.size(); ++i) {
        const double bump = std::sin(M_PI * c.t[i] / c.t.back()); // 0 → 1 (t = 4) → 0
        c.Q[0].mean[i] = 1.0 * bump;
        c.M[0].mean[i] = 0.9 * bump;
    }
    QCustomPlot plot;
    plot.resize(640, 420);
    const auto corner = [&] {
        figures::plotOverlaps(&plot, { &c }, figures::Style {});
        plot.replot();
        QCPLayoutInset *inset = plot.axisRect()->insetLayout();
        for (int i = 0; i < inset->elementCount(); ++i)
            if (qobject_cast<QCPLegend *>(inset->elementAt(i)))
                return int(inset->insetAlignment(i));
        return -1; // beside the axes
    };
    const int first = corner();
    QVERIFY(first != int(Qt::AlignTop | Qt::AlignRight)); // the rising curves hold the top right
    c.validPoints = 41;
    QCOMPARE(corner(), first);
    c.validPoints = 31;
    QCOMPARE(corner(), first);
}

// Issue 10: "t" is training time, with what it is in epochs available: an epoch axis on
// top (t / (α τ)) that follows the time axis when it is zoomed; none for gradient flow.
void TestGuiFigures::epochAxisFollowsTime()
{
    const Curves sgf = makeCurves("sgf", 1, 50, 51), dmft = makeCurves("dmft", 1, 50, 51);
    QCustomPlot plot;
    plot.resize(800, 500);
    figures::Style style;
    style.timePerEpoch = 0.5; // α τ
    figures::plotLoss(&plot, { &sgf, &dmft }, style);
    QCPAxis *bottom = plot.axisRect()->axis(QCPAxis::atBottom), *top = plot.axisRect()->axis(QCPAxis::atTop);
    QCOMPARE(bottom->label(), QString("training time t"));
    QVERIFY(top->visible());
    QCOMPARE(top->label(), QString("epochs"));
    DMFT_COMPARE_TOL(top->range().upper, bottom->range().upper / 0.5, 1e-12);
    bottom->setRange(2.0, 4.0); // a zoom
    DMFT_COMPARE_TOL(top->range().lower, 4.0, 1e-12);
    DMFT_COMPARE_TOL(top->range().upper, 8.0, 1e-12);
    style.timePerEpoch = 0.0; // τ = 0: gradient flow has no epochs
    figures::plotLoss(&plot, { &sgf, &dmft }, style);
    QVERIFY(!plot.axisRect()->axis(QCPAxis::atTop)->visible());
}

// Issue 10: a live (partial) kernel map spans the run's whole grid from the first frame,
// so it does not rescale as it grows, and has the axes of the finished map.
void TestGuiFigures::partialKernelMapKeepsTheRunsAxes()
{
    const Curves whole = makeCurves("sgf", 1, 30, 31);
    Curves partial = whole;
    partial.validPoints = 6;
    QCustomPlot a, b;
    for (QCustomPlot *p : { &a, &b })
        p->resize(500, 400);
    figures::plotKernel(&a, partial, figures::KernelKind::Ctheta, figures::Style {});
    figures::plotKernel(&b, whole, figures::KernelKind::Ctheta, figures::Style {});
    QCOMPARE(a.axisRect()->axis(QCPAxis::atBottom)->range(), b.axisRect()->axis(QCPAxis::atBottom)->range());
    QCOMPARE(a.axisRect()->axis(QCPAxis::atLeft)->range(), b.axisRect()->axis(QCPAxis::atLeft)->range());
    QVERIFY(a.axisRect()->axis(QCPAxis::atBottom)->range().upper >= whole.t.back());
}

void TestGuiFigures::textScalesWithCanvas_data()
{
    QTest::addColumn<bool>("slide");
    QTest::newRow("figure") << false;
    QTest::newRow("slide") << true;
}

// Issue 10: text keeps its share of the picture at every export size (it used to shrink
// to ~1 % of the width at 1600×900). The title's rendered height is measured in pixels.
void TestGuiFigures::textScalesWithCanvas()
{
    QFETCH(bool, slide);
    const Curves sgf = makeCurves("sgf", 1, 50, 51), dmft = makeCurves("dmft", 1, 50, 51);
    QTemporaryDir dir;
    std::vector<double> shares;
    for (const QSize size : { QSize(960, 540), QSize(1920, 1080) }) {
        QCustomPlot plot;
        plot.resize(size);
        figures::Style style;
        style.slide = slide;
        style.canvas = size;
        figures::plotLoss(&plot, { &sgf, &dmft }, style);
        const QString path = dir.filePath(QString("loss%1.png").arg(size.width()));
        QString error;
        QVERIFY2(
            figures::exportPlot(&plot, path, size.width(), size.height(), 1.0, &error), qPrintable(error));
        const QImage img(path);
        QCOMPARE(img.size(), size);
        const int h = titleHeight(img);
        qInfo() << size << "title height" << h << "px =" << 100.0 * h / size.height() << "% of the height";
        shares.push_back(static_cast<double>(h) / size.height());
    }
    // Same share within 15 % (glyph rounding); a slide title at least 3 % of the height
    // (readable from the back of a room), a figure title at least 1.5 %.
    QVERIFY2(
        std::fabs(shares[1] / shares[0] - 1.0) < 0.15, qPrintable(QString::number(shares[1] / shares[0])));
    const double least = slide ? 0.03 : 0.015;
    QVERIFY(shares[0] > least && shares[1] > least);
}

void TestGuiFigures::slideExport_data()
{
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<QSize>("size");
    QTest::newRow("png 1280x720") << "png" << QSize(1280, 720);
    QTest::newRow("png 1920x1080") << "png" << QSize(1920, 1080);
    QTest::newRow("pdf 1920x1080") << "pdf" << QSize(1920, 1080);
}

// Issue 10: loss and overlaps side by side on one 16:9 page: the requested size, one page,
// both halves drawn.
void TestGuiFigures::slideExport()
{
    QFETCH(QString, suffix);
    QFETCH(QSize, size);
    const Curves sgf = makeCurves("sgf", 1, 50, 51), dmft = makeCurves("dmft", 1, 50, 51);
    const std::vector<const Curves *> all { &sgf, &dmft };
    std::vector<figures::PanelDrawer> panels {
        [&](QCustomPlot *p, const figures::Style &s) { figures::plotLoss(p, all, s); },
        [&](QCustomPlot *p, const figures::Style &s) { figures::plotOverlaps(p, all, s); },
    };
    QTemporaryDir dir;
    const QString path = dir.filePath("slide." + suffix);
    figures::Style style;
    style.slide = true;
    QString error;
    QVERIFY2(figures::exportSlide(panels, path, size.width(), size.height(), 1.0, style, &error),
        qPrintable(error));
    if (suffix == "png") {
        const QImage img(path);
        QCOMPARE(img.size(), size);
        const double left = inkShare(img, QRect(0, 0, size.width() / 2, size.height()));
        const double right = inkShare(img, QRect(size.width() / 2, 0, size.width() / 2, size.height()));
        qInfo() << "ink left" << left << "right" << right;
        QVERIFY(left > 0.02 && right > 0.02);
        // No empty band: ink in the top and bottom fifth of the page too (titles, axes).
        QVERIFY(inkShare(img, QRect(0, 0, size.width(), size.height() / 5)) > 0.005);
        QVERIFY(inkShare(img, QRect(0, size.height() * 4 / 5, size.width(), size.height() / 5)) > 0.005);
    } else {
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray pdf = f.readAll();
        QVERIFY(pdf.startsWith("%PDF"));
        QCOMPARE(pdf.count("/Type /Page\n") + pdf.count("/Type /Page\r") + pdf.count("/Type /Page "), 1);
        QRegularExpression box("/MediaBox \\[0 0 ([0-9.]+) ([0-9.]+)\\]");
        const auto match = box.match(QString::fromLatin1(pdf));
        QVERIFY(match.hasMatch());
        const double ratio = match.captured(1).toDouble() / match.captured(2).toDouble();
        QVERIFY2(std::fabs(ratio - 16.0 / 9.0) < 0.01, qPrintable(match.captured(0)));
    }
    // Nothing to put on the slide is an error with a message, not an empty file.
    QVERIFY(!figures::exportSlide({}, dir.filePath("empty.png"), 1280, 720, 1.0, style, &error));
    QVERIFY(!error.isEmpty());
}

// A 500-point simulation is drawn with at most one marker per ~2.5 marker widths, each
// with its error bar; the theory line keeps every point.
void TestGuiFigures::denseGridsAreThinned()
{
    const Curves sgf = makeCurves("sgf", 1, 500, 501), dmft = makeCurves("dmft", 1, 500, 501);
    QCustomPlot plot;
    plot.resize(900, 600);
    figures::Style style;
    style.canvas = plot.size();
    figures::plotLoss(&plot, { &sgf, &dmft }, style);
    int simulationPoints = 0, theoryPoints = 0;
    for (int i = 0; i < plot.graphCount(); ++i) {
        const QCPGraph *g = plot.graph(i);
        if (g->name() == "train loss · SGF")
            simulationPoints = g->data()->size();
        if (g->name() == "train loss · DMFT")
            theoryPoints = g->data()->size();
    }
    QCOMPARE(theoryPoints, 501);
    QVERIFY2(
        simulationPoints >= 20 && simulationPoints <= 120, qPrintable(QString::number(simulationPoints)));
    int bars = 0;
    for (int i = 0; i < plot.plottableCount(); ++i)
        if (auto *b = qobject_cast<QCPErrorBars *>(plot.plottable(i)))
            if (b->dataPlottable() && b->dataPlottable()->name() == "train loss · SGF")
                bars = b->dataCount();
    QCOMPARE(bars, simulationPoints);
}

// A simulation with a time-step error estimate (sim.continuous_time) draws error bars of
// 1 SE plus that estimate; its "se" property stays the SE alone (hover and agreement use it).
void TestGuiFigures::simulationErrorBarsAddTheTimeStepError()
{
    Curves sgf = makeCurves("sgf", 1, 20, 21);
    sgf.trainLoss.discretisation.assign(21, 0.0);
    for (int i = 0; i <= 20; ++i)
        sgf.trainLoss.discretisation[i] = 0.001 * i;
    QCustomPlot plot;
    plot.resize(900, 600);
    figures::plotLoss(&plot, { &sgf }, figures::Style {});
    const QCPErrorBars *bars = nullptr;
    for (int i = 0; i < plot.plottableCount(); ++i)
        if (auto *b = qobject_cast<QCPErrorBars *>(plot.plottable(i)))
            if (b->dataPlottable() && b->dataPlottable()->name() == "train loss · SGF")
                bars = b;
    QVERIFY(bars);
    QCOMPARE(bars->dataCount(), 21);
    for (int i = 0; i <= 20; ++i)
        QCOMPARE(bars->data()->at(i).errorPlus, 0.01 + 0.001 * i);
    const auto se = bars->dataPlottable()->property("se").value<QVector<double>>();
    QCOMPARE(se.size(), 21);
    QCOMPARE(se[20], 0.01);
}

// A theory band is value ± (t SE + time-step error). Where the time-step estimate of a coarse
// dt exceeds the value (the committee preset's early losses), the band of a quantity that
// cannot be negative (loss, test error, Q_aa) stops at 0; M and Q_ab keep both signs.
void TestGuiFigures::theoryBandsStopAtZeroWhereTheQuantityCannotBeNegative()
{
    Curves dmft = makeCurves("dmft", 2, 20, 21);
    for (Estimate *e :
        { &dmft.trainLoss, &dmft.testLoss, &dmft.testError, &dmft.Q[0], &dmft.Q[1], &dmft.M[0] })
        e->discretisation.assign(21, 2.0); // larger than every value
    // the lowest point of the band of the line `name`: addSeries adds the line, then the
    // band's lower graph and the upper one that fills down to it
    auto bandLow = [](const QCustomPlot &plot, const QString &name) {
        for (int i = 0; i + 2 < plot.graphCount(); ++i) {
            if (plot.graph(i)->name() != name || plot.graph(i + 2)->channelFillGraph() != plot.graph(i + 1))
                continue;
            double low = std::numeric_limits<double>::infinity();
            for (auto it = plot.graph(i + 1)->data()->constBegin();
                 it != plot.graph(i + 1)->data()->constEnd(); ++it)
                low = std::min(low, it->value);
            return low;
        }
        return std::numeric_limits<double>::quiet_NaN();
    };
    QCustomPlot loss, overlaps;
    loss.resize(900, 600);
    overlaps.resize(900, 600);
    figures::plotLoss(&loss, { &dmft }, figures::Style {});
    figures::plotOverlaps(&overlaps, { &dmft }, figures::Style {});
    for (const QString name : { "train loss · DMFT", "test loss · DMFT", "test error · DMFT" })
        QVERIFY2(bandLow(loss, name) == 0.0, qPrintable(name + ": " + QString::number(bandLow(loss, name))));
    QVERIFY2(
        bandLow(overlaps, "Q₁₁ · DMFT") == 0.0, qPrintable(QString::number(bandLow(overlaps, "Q₁₁ · DMFT"))));
    QVERIFY2(
        bandLow(overlaps, "Q₁₂ · DMFT") < -0.5, qPrintable(QString::number(bandLow(overlaps, "Q₁₂ · DMFT"))));
    QVERIFY2(
        bandLow(overlaps, "M₁₁ · DMFT") < -0.5, qPrintable(QString::number(bandLow(overlaps, "M₁₁ · DMFT"))));
}

// Extrapolated curves (continuous_time = extrapolate) say so in the engine keys: an exported
// figure tells Euler curves at Δ from continuous-time ones.
void TestGuiFigures::continuousTimeCurvesSayItInTheLegend()
{
    Curves sgf = makeCurves("sgf", 1, 20, 21), dmft = makeCurves("dmft", 1, 20, 21);
    auto names = [&] {
        QCustomPlot plot;
        plot.resize(900, 600);
        figures::plotLoss(&plot, { &sgf, &dmft }, figures::Style {});
        QStringList out;
        for (int i = 0; i < plot.graphCount(); ++i)
            out << plot.graph(i)->name();
        return out;
    };
    QStringList n = names();
    QVERIFY2(n.contains("SGF") && n.contains("DMFT (d = ∞)"), qPrintable(n.join(", ")));
    sgf.continuousTime = dmft.continuousTime = true;
    n = names();
    QVERIFY2(n.contains("SGF (dt → 0)") && n.contains("DMFT (d = ∞, dt → 0)"), qPrintable(n.join(", ")));
}

// Colour is not the only cue: train loss, test loss and test error of a simulation have
// different marker shapes.
void TestGuiFigures::quantitiesHaveDistinctMarkers()
{
    Curves sgf = makeCurves("sgf", 1, 50, 51);
    QCustomPlot plot;
    plot.resize(900, 600);
    figures::plotLoss(&plot, { &sgf }, figures::Style {});
    QSet<int> shapes;
    for (int i = 0; i < plot.graphCount(); ++i)
        if (plot.graph(i)->name().endsWith(" · SGF"))
            shapes.insert(static_cast<int>(plot.graph(i)->scatterStyle().shape()));
    QCOMPARE(shapes.size(), 3);
}

QTEST_MAIN(TestGuiFigures)
// The (simulation − DMFT)/SE view: a simulation offset from the theory by a known number
// of combined standard errors, √(se_sim² + se_theory²), is drawn at exactly that number.
void TestGuiFigures::deviationIsInStandardErrors()
{
    const Curves theory = makeCurves("dmft", 1, 20, 21);
    Curves sim = theory;
    sim.engine = "sgf";
    for (int i = 0; i <= 20; ++i) {
        sim.trainLoss.mean[i] += 3.0 * std::sqrt(2.0) * 0.01; // +3 SE
        sim.testLoss.mean[i] -= 1.0 * std::sqrt(2.0) * 0.01; // −1 SE
        sim.Q[0].mean[i] += 2.0 * std::sqrt(2.0) * 0.02; // +2 SE
    }
    const auto valuesOf = [](QCustomPlot *plot, const QString &prefix) {
        QVector<double> values;
        for (int g = 0; g < plot->graphCount(); ++g)
            if (plot->graph(g)->name().startsWith(prefix) && plot->graph(g)->name().endsWith(" · SGF"))
                for (auto it = plot->graph(g)->data()->constBegin(); it != plot->graph(g)->data()->constEnd();
                     ++it)
                    values << it->value;
        return values;
    };
    QCustomPlot plot;
    plot.resize(900, 600);
    figures::LossOptions loss;
    loss.deviation = true;
    figures::plotLoss(&plot, { &theory, &sim }, figures::Style {}, loss);
    QCOMPARE(plot.yAxis->label(), QString("(simulation − theory) / SE"));
    for (const auto &[prefix, expected] :
        { std::pair(QString("train loss"), 3.0), std::pair(QString("test loss"), -1.0) }) {
        const QVector<double> values = valuesOf(&plot, prefix);
        QVERIFY2(values.size() >= 10, qPrintable(prefix));
        for (double v : values)
            QVERIFY2(std::fabs(v - expected) < 1e-9, qPrintable(prefix + ": " + QString::number(v)));
    }
    for (int g = 0; g < plot.graphCount(); ++g) // the theory is the zero line, not a curve
        QVERIFY2(!plot.graph(g)->name().endsWith(" · DMFT"), qPrintable(plot.graph(g)->name()));

    figures::OverlapOptions overlaps;
    overlaps.deviation = true;
    figures::plotOverlaps(&plot, { &theory, &sim }, figures::Style {}, overlaps);
    const QVector<double> q = valuesOf(&plot, "Q");
    QVERIFY(q.size() >= 10);
    for (double v : q)
        QVERIFY2(std::fabs(v - 2.0) < 1e-9, qPrintable(QString::number(v)));
    const QVector<double> m = valuesOf(&plot, "M"); // M was not offset: 0 SE
    QVERIFY(m.size() >= 10);
    for (double v : m)
        QVERIFY2(std::fabs(v) < 1e-9, qPrintable(QString::number(v)));
}

// The parameter stamp names the run (simulation and DMFT parts only for engines that ran)
// and sits in a row of its own under the axes, at the right.
void TestGuiFigures::stampNamesTheRunBelowTheAxes()
{
    RunConfig config;
    config.preset = "linear-regression";
    config.alpha = 3.0;
    config.sim.dimension = 400;
    config.sim.seeds = 6;
    const QString both = figures::parameterStamp(config, { "sgf", "dmft" });
    QVERIFY2(both.contains("linear-regression") && both.contains("α = 3") && both.contains("d = 400, 6 seeds")
            && both.contains("DMFT") && !both.contains("η = "),
        qPrintable(both));
    const QString sgd = figures::parameterStamp(config, { "sgd" });
    QVERIFY2(sgd.contains("η = ") && sgd.contains("B = ") && !sgd.contains("DMFT"), qPrintable(sgd));
    const QString ode = figures::parameterStamp(config, { "ode" });
    QVERIFY2(!ode.contains("seeds") && !ode.contains("DMFT"), qPrintable(ode));

    const Curves c = makeCurves("sgf", 1, 20, 21);
    figures::Style style;
    style.stamp = both;
    style.canvas = QSize(960, 540);
    QCustomPlot plot;
    plot.resize(960, 540);
    figures::plotLoss(&plot, { &c }, style);
    plot.replot();
    QCPTextElement *stamp = nullptr;
    for (QCPLayoutElement *e : plot.plotLayout()->elements(false))
        if (auto *t = qobject_cast<QCPTextElement *>(e); t && t->text() == both)
            stamp = t;
    QVERIFY(stamp);
    QCPAxisRect *axes = plot.axisRect();
    QVERIFY(axes);
    QVERIFY2(stamp->outerRect().top() >= axes->outerRect().bottom(), "the stamp overlaps the axes");
    QVERIFY(stamp->outerRect().bottom() <= plot.height());
    // Drawn: dark pixels inside the stamp's own row.
    const QRect where = stamp->outerRect();
    const QImage img = plot.toPixmap(960, 540).toImage();
    int dark = 0;
    for (int y = where.top(); y <= where.bottom() && y < img.height(); ++y)
        for (int x = std::max(0, where.left()); x <= where.right() && x < img.width(); ++x)
            dark += qGray(img.pixel(x, y)) < 160;
    QVERIFY2(dark > 20, qPrintable(QString::number(dark)));
    // No stamp asked: no stamp row.
    style.stamp.clear();
    figures::plotLoss(&plot, { &c }, style);
    for (QCPLayoutElement *e : plot.plotLayout()->elements(false))
        if (auto *t = qobject_cast<QCPTextElement *>(e))
            QVERIFY(t->text() != both);
}

// Issue 11: pinned runs in the loss and overlap figures, faded and dashed in the
// quantity's colour, with one legend entry "pinned: name" per pin; not in the Δ/SE view.
void TestGuiFigures::pinnedRunsDrawnFaded()
{
    const Curves live = makeCurves("dmft", 1, 20, 21);
    Curves pin = makeCurves("dmft", 1, 20, 21);
    for (double &v : pin.testLoss.mean)
        v *= 1.5;
    const auto legendNames = [](QCustomPlot *plot) {
        QStringList names;
        for (int i = 0; plot->legend && i < plot->legend->itemCount(); ++i)
            if (auto *item = qobject_cast<QCPPlottableLegendItem *>(plot->legend->item(i)))
                names << item->plottable()->name();
        return names;
    };
    const auto pinnedGraphs = [](QCustomPlot *plot) {
        QList<QCPGraph *> out;
        for (int g = 0; g < plot->graphCount(); ++g)
            if (plot->graph(g)->name().contains(" · pinned B = 1"))
                out << plot->graph(g);
        return out;
    };
    QCustomPlot plot;
    plot.resize(900, 600);
    figures::LossOptions loss;
    loss.pinned = { { "B = 1", &pin } };
    figures::plotLoss(&plot, { &live }, figures::Style {}, loss);
    QCOMPARE(legendNames(&plot).count("pinned: B = 1"), 1);
    const QList<QCPGraph *> lossPins = pinnedGraphs(&plot);
    QCOMPARE(lossPins.size(), 3); // train loss, test loss, test error
    for (QCPGraph *g : lossPins) {
        QCOMPARE(g->pen().style(), Qt::DashLine);
        QVERIFY(g->pen().color().alpha() < 255);
        QCOMPARE(g->dataCount(), 21);
    }
    bool testLossScaled = false;
    for (QCPGraph *g : lossPins)
        if (g->name().startsWith("test loss"))
            testLossScaled = std::fabs(g->data()->at(5)->value - pin.testLoss.mean[5]) < 1e-12;
    QVERIFY(testLossScaled);

    figures::OverlapOptions overlaps;
    overlaps.pinned = loss.pinned;
    figures::plotOverlaps(&plot, { &live }, figures::Style {}, overlaps);
    QCOMPARE(legendNames(&plot).count("pinned: B = 1"), 1);
    QCOMPARE(pinnedGraphs(&plot).size(), 2); // M and Q

    loss.deviation = true;
    figures::plotLoss(&plot, { &live }, figures::Style {}, loss);
    QVERIFY(pinnedGraphs(&plot).isEmpty());
    QVERIFY(!legendNames(&plot).contains("pinned: B = 1"));
}

#include "test_gui_figures.moc"
