// Heatmaps of the two-time kernels C_θ, R_θ, C_u, C_g, K(t, s).
#include "figures.h"

#include "figuredata.h"
#include "figurelayout.h"
#include "figurestyle.h"
#include "richtextelement.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace dmftlab::figures
{

namespace
{

/// A heatmap of the top-left n×n block of `values` on the grid `t` in `rect`.
QCPColorMap *addHeatmap(
    QCPAxisRect *rect, const Eigen::MatrixXd &values, const std::vector<double> &t, int n, const Style &style)
{
    QCPAxis *x = rect->axis(QCPAxis::atBottom), *y = rect->axis(QCPAxis::atLeft);
    styleAxis(x, style, "t");
    styleAxis(y, style, "s");
    x->grid()->setVisible(false);
    y->grid()->setVisible(false);
    keepSquare(rect->parentPlot(), rect);
    auto *map = new QCPColorMap(x, y);
    map->setInterpolate(false);
    map->setTightBoundary(false);
    n = std::min<int>(
        { n, static_cast<int>(values.rows()), static_cast<int>(values.cols()), static_cast<int>(t.size()) });
    if (n < 1)
        return map;
    map->data()->setSize(n, n);
    map->data()->setRange(QCPRange(t[0], t[n - 1]), QCPRange(t[0], t[n - 1]));
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            map->data()->setCell(i, j, values(i, j)); // key = t (row index), value = s
    // The axes span the run's whole grid, not the part computed so far: a live or stopped
    // map keeps the axes of the finished one (and of its neighbour) instead of rescaling.
    const double half = t.size() > 1 ? 0.5 * (t.back() - t[0]) / (t.size() - 1) : 0.5;
    x->setRange(t[0] - half, t.back() + half);
    y->setRange(t[0] - half, t.back() + half);
    return map;
}

QCPColorScale *addColorScale(
    QCustomPlot *plot, QCPLayoutGrid *grid, int column, const QString &label, const Style &style)
{
    const Metrics m = metricsFor(style);
    auto *scale = new QCPColorScale(plot);
    grid->addElement(0, column, scale);
    scale->setType(QCPAxis::atRight);
    scale->setBarWidth(qRound((style.slide ? 16 : 11) * m.scale));
    // The title names the kernel (with proper subscripts, which axis labels cannot show).
    (void)label;
    scale->axis()->setLabelFont(font(m.font));
    scale->axis()->setTickLabelFont(font(m.font * 0.92));
    return scale;
}

} // namespace

// ---- kernels ------------------------------------------------------------------------

const Kernel &kernelOf(const Curves &curves, KernelKind kind)
{
    switch (kind) {
    case KernelKind::Ctheta:
        return curves.Ctheta;
    case KernelKind::Rtheta:
        return curves.Rtheta;
    case KernelKind::Cu:
        return curves.Cu;
    case KernelKind::Cg:
        return curves.Cg;
    case KernelKind::K:
        return curves.K;
    }
    return curves.Ctheta;
}

QString kernelSymbolHtml(KernelKind kind, bool trace)
{
    QString s;
    switch (kind) {
    case KernelKind::Ctheta:
        s = "C<sub>θ</sub>";
        break;
    case KernelKind::Rtheta:
        s = "R<sub>θ</sub>";
        break;
    case KernelKind::Cu:
        s = "C<sub>u</sub>";
        break;
    case KernelKind::Cg:
        s = "C<sub>g</sub>";
        break;
    case KernelKind::K:
        s = "K";
        break;
    }
    s += "(<i>t</i>, <i>s</i>)";
    return trace ? "tr " + s : s;
}

QString kernelSymbol(KernelKind kind, bool trace)
{
    QString s;
    switch (kind) {
    case KernelKind::Ctheta:
        s = "C_θ(t, s)";
        break;
    case KernelKind::Rtheta:
        s = "R_θ(t, s)";
        break;
    case KernelKind::Cu:
        s = "C_u(t, s)";
        break;
    case KernelKind::Cg:
        s = "C_g(t, s)";
        break;
    case KernelKind::K:
        s = "K(t, s)";
        break;
    }
    return trace ? "tr " + s : s;
}

void plotKernel(QCustomPlot *plot, const Curves &curves, const Style &style)
{
    plotKernel(plot, curves, KernelKind::Ctheta, style);
}

namespace
{

/// One kernel heatmap with its colour bar under a title: `values` on the grid `t` (the
/// first n points); a signed kernel on a symmetric diverging scale, else viridis.
void drawKernelMap(QCustomPlot *plot, const Style &style, const QString &titleHtml, const QString &symbol,
    const Eigen::MatrixXd &values, const std::vector<double> &t, int n, bool signedKernel)
{
    Layout layout = resetPlot(plot, style, titleHtml, 1, false);
    QCPColorMap *map = addHeatmap(layout.rects[0], values, t, n, style);
    QCPColorScale *scale = addColorScale(plot, layout.grid, 1, symbol, style);
    map->setColorScale(scale);
    map->setProperty("symbol", symbol);
    map->setGradient(signedKernel ? divergingGradient() : sequentialGradient());
    map->rescaleDataRange(true);
    if (signedKernel) {
        const QCPRange r = map->dataRange();
        const double m = std::max({ std::fabs(r.lower), std::fabs(r.upper), 1e-300 });
        map->setDataRange(QCPRange(-m, m));
    }
    alignMargins(plot, { layout.rects[0], scale });
    // Spacers around the square map: spare height below it, spare width either side.
    QCPLayoutGrid *top = plot->plotLayout();
    top->addElement(2, 0, new QCPLayoutElement(plot));
    top->setRowStretchFactor(2, 0.001);
    layout.grid->insertColumn(0);
    layout.grid->addElement(0, 0, new QCPLayoutElement(plot));
    layout.grid->addElement(0, 3, new QCPLayoutElement(plot));
    for (int column : { 0, 3 })
        layout.grid->setColumnStretchFactor(column, 0.001);
    addStamp(plot, style);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace

void plotKernel(QCustomPlot *plot, const Curves &curves, KernelKind kind, const Style &style)
{
    const Kernel &kernel = kernelOf(curves, kind);
    const bool trace = kernel.rowsPerBlock > 1;
    const QString symbol = kernelSymbol(kind, trace);
    if (kernel.empty()) {
        plotMessage(plot, kernelSymbolHtml(kind, trace) + " — " + engineLabel(curves.engine),
            engineLabel(curves.engine) + " provides no " + symbol, style);
        return;
    }
    const auto iterate = style.unconverged.find(curves.engine);
    const QString which = iterate == style.unconverged.end()
        ? QString()
        : "<br>" + iterate->second.toHtmlEscaped() + ", <i>not converged</i>"; // a line of its own: long
    drawKernelMap(plot, style, kernelSymbolHtml(kind, trace) + " — " + engineLabel(curves.engine) + which,
        symbol, kernelMatrix(kernel), curves.t, validCount(curves),
        kind == KernelKind::Rtheta || kind == KernelKind::K);
}

void plotKernelDifference(QCustomPlot *plot, const Curves &live, const Curves &pinned, const QString &pinName,
    KernelKind kind, const Style &style)
{
    const Kernel &a = kernelOf(live, kind), &b = kernelOf(pinned, kind);
    const bool trace = a.rowsPerBlock > 1;
    // Short: panels are narrow (the engine is the panel's, said in its chooser's tooltip).
    const QString title = "Δ" + kernelSymbolHtml(kind, trace) + ": live − " + pinName.toHtmlEscaped();
    if (a.empty() || b.empty()) {
        plotMessage(plot, title,
            (a.empty() ? QString("the live run") : "pinned run '" + pinName + "'") + " has no "
                + kernelSymbol(kind, trace),
            style);
        return;
    }
    // The difference is only meaningful point by point on one time grid.
    bool sameGrid = live.t.size() == pinned.t.size() && a.rowsPerBlock == b.rowsPerBlock;
    for (std::size_t i = 0; sameGrid && i < live.t.size(); ++i)
        sameGrid = std::fabs(live.t[i] - pinned.t[i]) <= 1e-12 * std::max(1.0, std::fabs(live.t[i]));
    if (!sameGrid) {
        plotMessage(plot, title,
            QString("pinned run '%1' has another time grid (T = %2, N = %3; live: T = %4, N = %5): no "
                    "point-by-point difference")
                .arg(pinName)
                .arg(pinned.t.empty() ? 0.0 : pinned.t.back(), 0, 'g', 4)
                .arg(int(pinned.t.size()) - 1)
                .arg(live.t.empty() ? 0.0 : live.t.back(), 0, 'g', 4)
                .arg(int(live.t.size()) - 1),
            style);
        return;
    }
    const Eigen::MatrixXd A = kernelMatrix(a), B = kernelMatrix(b);
    const int n = std::min({ validCount(live), validCount(pinned), int(A.rows()), int(B.rows()) });
    if (n < 1) {
        plotMessage(plot, title, "no kernel yet", style);
        return;
    }
    const Eigen::MatrixXd D = A.topLeftCorner(n, n) - B.topLeftCorner(n, n);
    drawKernelMap(plot, style, title, "Δ " + kernelSymbol(kind, trace), D, live.t, n, true);
}

void plotKernelComparison(QCustomPlot *plot, const Curves *theory, const Curves *simulation,
    const Style &style, const QString &missingReason)
{
    const Metrics m = metricsFor(style);
    const bool haveT = theory && !theory->Ctheta.empty() && validCount(*theory) > 0;
    const bool haveS = simulation && !simulation->Ctheta.empty() && validCount(*simulation) > 0;
    const bool trace
        = (haveT && theory->Ctheta.rowsPerBlock > 1) || (haveS && simulation->Ctheta.rowsPerBlock > 1);
    const QString symbol = kernelSymbol(KernelKind::Ctheta, trace);
    if (!haveT && !haveS) {
        plotMessage(plot, kernelSymbolHtml(KernelKind::Ctheta, trace),
            missingReason.isEmpty() ? "no kernel yet — press Run" : missingReason, style);
        return;
    }
    Eigen::MatrixXd A, B;
    if (haveT)
        A = kernelMatrix(theory->Ctheta);
    if (haveS)
        B = kernelMatrix(simulation->Ctheta);
    const int nT = haveT ? validCount(*theory) : 0, nS = haveS ? validCount(*simulation) : 0;
    const bool sameGrid = haveT && haveS && theory->t.size() == simulation->t.size() && A.rows() == B.rows();
    const int nDiff = sameGrid ? std::min(nT, nS) : 0;

    plot->clearPlottables();
    plot->clearItems();
    plot->plotLayout()->clear();
    plot->setBackground(Qt::white);
    // Rows: title, spacer, maps, spacer: square maps leave spare height on a wide page,
    // shared above and below them rather than one empty band at the bottom.
    QCPLayoutGrid *top = plot->plotLayout();
    top->addElement(0, 0,
        new RichTextElement(plot, kernelSymbolHtml(KernelKind::Ctheta, trace), font(m.titleFont, true)));
    top->addElement(1, 0, new QCPLayoutElement(plot));
    auto *outer = new QCPLayoutGrid;
    top->addElement(2, 0, outer);
    top->addElement(3, 0, new QCPLayoutElement(plot));
    for (int row : { 0, 1, 3 })
        top->setRowStretchFactor(row, 0.001);
    // Room between the groups and at the page edges, so the tick labels of neighbouring
    // colour bars never run together ("1" and "-0.1" once read as "10.1").
    outer->setColumnSpacing(qRound(4.0 * m.font));
    outer->setMargins(QMargins(qRound(10 * m.scale), 0, qRound(10 * m.scale), 0));

    // Each group: titles over maps (one grid, so a title sits over its map, between spacer
    // columns that centre square maps) over a horizontal colour bar.
    struct Group {
        QCPLayoutGrid *maps;
        QCPColorScale *scale;
        int columns;
    };
    int groupColumn = 0;
    auto addGroup = [&](const QString &scaleLabel, double stretch) {
        auto *g = new QCPLayoutGrid;
        outer->addElement(0, groupColumn, g);
        outer->setColumnStretchFactor(groupColumn, stretch);
        ++groupColumn;
        Group out { new QCPLayoutGrid, new QCPColorScale(plot), 0 };
        g->addElement(0, 0, out.maps);
        g->addElement(1, 0, out.scale);
        g->setRowStretchFactor(1, 0.001);
        out.maps->addElement(1, 0, new QCPLayoutElement(plot));
        out.maps->setColumnStretchFactor(0, 0.001);
        out.scale->setType(QCPAxis::atBottom);
        out.scale->setBarWidth(qRound((style.slide ? 14 : 10) * m.scale));
        out.scale->setProperty("symbol", scaleLabel); // the title carries the symbol
        out.scale->axis()->setLabelFont(font(m.font));
        out.scale->axis()->setTickLabelFont(font(m.font * 0.92));
        out.scale->axis()->ticker()->setTickCount(3);
        out.scale->axis()->setNumberFormat("g");
        out.scale->axis()->setNumberPrecision(2);
        return out;
    };
    auto closeGroup = [&](Group &g) {
        g.maps->addElement(1, g.columns + 1, new QCPLayoutElement(plot));
        g.maps->setColumnStretchFactor(g.columns + 1, 0.001);
        g.maps->setRowStretchFactor(0, 0.001);
    };
    std::vector<QCPLayoutElement *> aligned;
    auto addMap = [&](Group &g, const Eigen::MatrixXd &values, const std::vector<double> &t, int n,
                      const QString &name) {
        const int column = ++g.columns;
        auto *rect = new QCPAxisRect(plot);
        g.maps->addElement(1, column, rect);
        g.maps->addElement(0, column, new QCPTextElement(plot, name, font(m.font, true)));
        aligned.push_back(rect);
        QCPColorMap *map = addHeatmap(rect, values, t, n, style);
        map->setColorScale(g.scale);
        map->setProperty("symbol", g.scale->property("symbol"));
        return map;
    };

    Group shared = addGroup(symbol, (haveT ? 1 : 0) + (haveS ? 1 : 0));
    std::vector<QCPColorMap *> maps;
    if (haveT)
        maps.push_back(addMap(shared, A, theory->t, nT,
            engineLabel(theory->engine)
                + (style.unconverged.count(theory->engine)
                        // three short lines: one long line widened this map's column and
                        // squeezed its neighbours (the grid honours each title's width)
                        ? "\n" + style.unconverged.at(theory->engine) + ",\nnot converged"
                        : QString(theory->continuousTime ? " (d = ∞, dt → 0)" : " (d = ∞)"))));
    if (haveS)
        maps.push_back(addMap(shared, B, simulation->t, nS,
            engineLabel(simulation->engine)
                + (simulation->continuousTime ? " (finite d, dt → 0)" : " (finite d)")));
    // One colour scale for both maps: same colour = same value.
    QCPRange range;
    bool init = false;
    for (QCPColorMap *map : maps) {
        map->setGradient(sequentialGradient());
        map->data()->recalculateDataBounds();
        const QCPRange b = map->data()->dataBounds();
        range = init ? QCPRange(std::min(range.lower, b.lower), std::max(range.upper, b.upper)) : b;
        init = true;
    }
    if (range.size() <= 0)
        range = QCPRange(range.lower - 0.5, range.upper + 0.5);
    shared.scale->setDataRange(range);
    shared.scale->setGradient(sequentialGradient());
    closeGroup(shared);

    if (nDiff > 0) {
        const Eigen::MatrixXd D = A.topLeftCorner(nDiff, nDiff) - B.topLeftCorner(nDiff, nDiff);
        Group diff = addGroup("Δ " + symbol, 1);
        QCPColorMap *map = addMap(diff, D, theory->t, nDiff,
            "Δ = " + engineLabel(theory->engine) + " − " + engineLabel(simulation->engine));
        map->setGradient(divergingGradient());
        diff.scale->setGradient(divergingGradient());
        const double mx = std::max(D.cwiseAbs().maxCoeff(), 1e-12);
        diff.scale->setDataRange(QCPRange(-mx, mx));
        closeGroup(diff);
    }
    alignMargins(plot, aligned);
    if (!haveT || !haveS) {
        const QString reason = !missingReason.isEmpty() ? missingReason
            : !haveT                                    ? QString("no DMFT kernel")
                                                        : QString("no simulation kernel");
        auto *text = new QCPTextElement(plot, wrapped(reason, 110), font(m.font));
        text->setTextColor(QColor(90, 90, 90));
        top->addElement(4, 0, text);
        top->setRowStretchFactor(4, 0.001);
    }
    addStamp(plot, style);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace dmftlab::figures
