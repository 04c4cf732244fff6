#include "figures.h"

#include "engine/registry.h"
#include "observables/statistics.h"

#include <QFileInfo>
#include <QSvgGenerator>
#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace dmftlab::figures
{

namespace
{

// Quantity colours (Tableau 10): colour names the quantity, style names the engine.
const QColor kPalette[] = { QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28), QColor(0x2c, 0xa0, 0x2c),
    QColor(0xff, 0x7f, 0x0e), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b), QColor(0xe3, 0x77, 0xc2),
    QColor(0x17, 0xbe, 0xcf), QColor(0xbc, 0xbd, 0x22), QColor(0x7f, 0x7f, 0x7f) };
constexpr int kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);

struct Metrics {
    double font, titleFont, pen, marker;
};

Metrics metricsFor(const Style &style)
{
    return style.slide ? Metrics { 15.0, 18.0, 3.0, 9.0 } : Metrics { 9.0, 11.0, 1.6, 5.5 };
}

QFont font(double pointSize, bool bold = false)
{
    QFont f;
    f.setPointSizeF(pointSize);
    f.setBold(bold);
    return f;
}

QString subscript(int i)
{
    static const QChar digits[] = { QChar(0x2080), QChar(0x2081), QChar(0x2082), QChar(0x2083), QChar(0x2084),
        QChar(0x2085), QChar(0x2086), QChar(0x2087), QChar(0x2088), QChar(0x2089) };
    QString s;
    for (QChar c : QString::number(i))
        s += digits[c.digitValue()];
    return s;
}

QCPScatterStyle::ScatterShape markerOf(const std::string &engine)
{
    if (const EngineInfo *e = findEngine(engine)) {
        switch (e->id) {
        case EngineId::Sgd:
            return QCPScatterStyle::ssSquare;
        case EngineId::Online:
            return QCPScatterStyle::ssTriangle;
        default:
            break;
        }
    }
    return QCPScatterStyle::ssCircle; // sgf and anything unknown
}

Qt::PenStyle lineOf(const std::string &engine)
{
    const EngineInfo *e = findEngine(engine);
    return e && e->id == EngineId::Ode ? Qt::DashLine : Qt::SolidLine;
}

void styleAxis(QCPAxis *axis, const Style &style, const QString &label)
{
    const Metrics m = metricsFor(style);
    axis->setLabel(label);
    axis->setLabelFont(font(m.font));
    axis->setTickLabelFont(font(m.font * 0.92));
    axis->grid()->setSubGridVisible(false);
    axis->grid()->setPen(QPen(QColor(220, 220, 220), 1, Qt::DotLine));
    axis->setSubTicks(!style.slide);
    const QPen axisPen(Qt::black, style.slide ? 1.5 : 1.0);
    axis->setBasePen(axisPen);
    axis->setTickPen(axisPen);
    axis->setSubTickPen(axisPen);
}

void setLogScale(QCPAxis *axis, bool log)
{
    if (log) {
        axis->setScaleType(QCPAxis::stLogarithmic);
        axis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
        axis->setNumberFormat("eb");
        axis->setNumberPrecision(0);
    } else {
        axis->setScaleType(QCPAxis::stLinear);
        axis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        axis->setNumberFormat("gb");
        axis->setNumberPrecision(6);
    }
}

/// Clears `plot` and lays out a title row above a grid holding `columns` axis rects.
/// plot->xAxis/yAxis and plot->legend point into the first rect afterwards.
struct Layout {
    QCPLayoutGrid *grid = nullptr;
    std::vector<QCPAxisRect *> rects;
};

Layout resetPlot(QCustomPlot *plot, const Style &style, const QString &title, int columns, bool legend)
{
    const Metrics m = metricsFor(style);
    plot->clearPlottables();
    plot->clearItems();
    plot->plotLayout()->clear(); // deletes axes and legend; QCustomPlot nulls xAxis/legend
    plot->plotLayout()->setRowSpacing(0);
    plot->setBackground(Qt::white);

    Layout out;
    int row = 0;
    if (!title.isEmpty()) {
        auto *text = new QCPTextElement(plot, title, font(m.titleFont, true));
        plot->plotLayout()->addElement(row++, 0, text);
    }
    out.grid = new QCPLayoutGrid;
    plot->plotLayout()->addElement(row, 0, out.grid);
    if (row == 1)
        plot->plotLayout()->setRowStretchFactor(0, 0.001);
    for (int c = 0; c < columns; ++c) {
        auto *rect = new QCPAxisRect(plot);
        out.grid->addElement(0, c, rect);
        out.rects.push_back(rect);
        for (QCPAxis *axis : rect->axes())
            axis->setLayer("axes");
        for (QCPAxis *axis : { rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft) })
            axis->grid()->setLayer("grid");
    }
    if (columns > 0) {
        plot->xAxis = out.rects[0]->axis(QCPAxis::atBottom);
        plot->yAxis = out.rects[0]->axis(QCPAxis::atLeft);
        plot->xAxis2 = out.rects[0]->axis(QCPAxis::atTop);
        plot->yAxis2 = out.rects[0]->axis(QCPAxis::atRight);
    }
    if (legend && columns > 0) {
        auto *lg = new QCPLegend;
        out.rects[0]->insetLayout()->addElement(lg, Qt::AlignTop | Qt::AlignRight);
        lg->setLayer("legend");
        lg->setFont(font(m.font * 0.92));
        lg->setBrush(QColor(255, 255, 255, 220));
        lg->setBorderPen(style.slide ? Qt::NoPen : QPen(QColor(180, 180, 180)));
        lg->setIconSize(style.slide ? QSize(36, 16) : QSize(26, 12));
        lg->setRowSpacing(0);
        lg->setVisible(true);
        plot->legend = lg;
    }
    return out;
}

int validCount(const Curves &c)
{
    return std::clamp(c.validPoints, 0, static_cast<int>(c.t.size()));
}

bool hasFinite(const std::vector<double> &v, int n)
{
    for (int i = 0; i < n && i < static_cast<int>(v.size()); ++i)
        if (std::isfinite(v[i]))
            return true;
    return false;
}

/// One quantity of one engine: a line with a band (theory) or markers with error bars
/// (simulation). Returns the graph holding the means (named for hover read-out).
QCPGraph *addSeries(QCPAxisRect *rect, const Curves &c, const Estimate &e, const QColor &color,
    const QString &quantity, const Style &style, bool logY)
{
    const Metrics m = metricsFor(style);
    const int n = std::min<int>({ validCount(c), static_cast<int>(e.mean.size()) });
    QVector<double> keys, values, errors, halfWidths;
    keys.reserve(n);
    values.reserve(n);
    errors.reserve(n);
    // A theory band is the 68 % Student-t interval of its SE (R − 1 degrees of freedom; 1 SE
    // when unknown) plus its time-step error estimate where the engine made one (theory §8).
    const double tq = studentTQuantile(kOneSigmaCoverage, c.seDegreesOfFreedom);
    for (int i = 0; i < n; ++i) {
        const double v = e.mean[i];
        if (!std::isfinite(v) || (logY && v <= 0.0))
            continue;
        const double se = i < static_cast<int>(e.se.size()) && std::isfinite(e.se[i]) ? e.se[i] : 0.0;
        const double disc = i < static_cast<int>(e.discretisation.size()) && std::isfinite(e.discretisation[i])
            ? e.discretisation[i]
            : 0.0;
        keys.push_back(c.t[i]);
        values.push_back(v);
        errors.push_back(se);
        halfWidths.push_back(tq * se + disc);
    }
    QCPAxis *x = rect->axis(QCPAxis::atBottom), *y = rect->axis(QCPAxis::atLeft);
    auto *graph = new QCPGraph(x, y);
    graph->setName(quantity + " · " + engineLabel(c.engine));
    graph->setProperty("se", QVariant::fromValue(errors));
    graph->removeFromLegend();
    const bool theory = isTheoryEngine(c.engine);
    if (theory) {
        graph->setPen(QPen(color, m.pen, lineOf(c.engine)));
        graph->setLineStyle(QCPGraph::lsLine);
        const bool band = std::any_of(halfWidths.begin(), halfWidths.end(), [](double s) { return s > 0.0; });
        if (band) {
            QVector<double> lo(values.size()), hi(values.size());
            for (int i = 0; i < values.size(); ++i) {
                hi[i] = values[i] + halfWidths[i];
                lo[i] = values[i] - halfWidths[i];
                if (logY)
                    lo[i] = std::max(lo[i], values[i] * 1e-3);
            }
            auto *lower = new QCPGraph(x, y);
            auto *upper = new QCPGraph(x, y);
            for (QCPGraph *g : { lower, upper }) {
                g->setPen(Qt::NoPen);
                g->removeFromLegend();
                g->setSelectable(QCP::stNone);
            }
            lower->setData(keys, lo, true);
            upper->setData(keys, hi, true);
            QColor fill = color;
            fill.setAlpha(60);
            upper->setBrush(fill);
            upper->setChannelFillGraph(lower);
        }
        graph->setData(keys, values, true); // drawn above its band
    } else {
        graph->setLineStyle(QCPGraph::lsNone);
        graph->setPen(QPen(color, m.pen * 0.8));
        graph->setScatterStyle(QCPScatterStyle(markerOf(c.engine), color, Qt::white, m.marker));
        graph->setData(keys, values, true);
        auto *bars = new QCPErrorBars(x, y);
        bars->removeFromLegend();
        bars->setSelectable(QCP::stNone);
        bars->setDataPlottable(graph);
        bars->setData(errors);
        bars->setPen(QPen(color, std::max(1.0, m.pen * 0.6)));
        bars->setWhiskerWidth(style.slide ? 0 : 4);
        bars->setSymbolGap(m.marker);
    }
    return graph;
}

/// Legend keys: one entry per quantity (its colour) and one per engine (its style, grey).
void addQuantityKey(QCPAxisRect *rect, const QString &name, const QColor &color, const Style &style)
{
    auto *g = new QCPGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    g->setName(name);
    g->setPen(QPen(color, metricsFor(style).pen * 1.5));
    g->setSelectable(QCP::stNone);
}

void addEngineKeys(QCPAxisRect *rect, const std::vector<const Curves *> &curves, const Style &style)
{
    const Metrics m = metricsFor(style);
    std::vector<std::string> seen;
    for (const Curves *c : curves) {
        if (validCount(*c) == 0 || std::find(seen.begin(), seen.end(), c->engine) != seen.end())
            continue;
        seen.push_back(c->engine);
        auto *g = new QCPGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        g->setName(engineLabel(c->engine) + (isTheoryEngine(c->engine) ? " (d = ∞)" : ""));
        g->setSelectable(QCP::stNone);
        const QColor grey(70, 70, 70);
        if (isTheoryEngine(c->engine)) {
            g->setPen(QPen(grey, m.pen, lineOf(c->engine)));
        } else {
            g->setLineStyle(QCPGraph::lsNone);
            g->setPen(QPen(grey, m.pen * 0.8));
            g->setScatterStyle(QCPScatterStyle(markerOf(c->engine), grey, Qt::white, m.marker));
        }
    }
}

void finishAxes(QCPAxisRect *rect, bool logY)
{
    QCPAxis *x = rect->axis(QCPAxis::atBottom), *y = rect->axis(QCPAxis::atLeft);
    bool any = false;
    QCPRange kr, vr;
    for (QCPAbstractPlottable *p : rect->plottables()) {
        bool ok = false;
        const QCPRange k = p->getKeyRange(ok);
        if (!ok)
            continue;
        bool okV = false;
        const QCPRange v = p->getValueRange(okV, QCP::sdBoth);
        if (!okV)
            continue;
        kr = any ? QCPRange(std::min(kr.lower, k.lower), std::max(kr.upper, k.upper)) : k;
        vr = any ? QCPRange(std::min(vr.lower, v.lower), std::max(vr.upper, v.upper)) : v;
        any = true;
    }
    if (!any) {
        x->setRange(0, 1);
        y->setRange(logY ? 0.1 : 0.0, 1.0);
        return;
    }
    if (x->scaleType() == QCPAxis::stLogarithmic && kr.lower <= 0.0)
        kr.lower = std::max(kr.upper * 1e-3, 1e-12);
    if (x->scaleType() == QCPAxis::stLinear) {
        // A little room at both ends, so the first and last markers are not cut in half.
        const double pad = 0.02 * std::max(kr.size(), 1e-12);
        kr = QCPRange(kr.lower - pad, kr.upper + pad);
    } else {
        kr = QCPRange(kr.lower / 1.05, kr.upper * 1.05);
    }
    x->setRange(kr);
    if (logY) {
        vr.lower = std::max(vr.lower, vr.upper * 1e-8);
        if (vr.upper < 10.0 * vr.lower) { // at least one decade, or the log ticker repeats labels
            const double mid = std::sqrt(vr.lower * vr.upper);
            vr = QCPRange(mid / std::sqrt(10.0), mid * std::sqrt(10.0));
        }
        y->setRange(vr.lower / 1.25, vr.upper * 1.25);
    } else {
        const double pad = 0.05 * std::max(vr.size(), 1e-12);
        y->setRange(vr.lower - pad, vr.upper + pad);
    }
}

/// Lays `plot` out now (what a replot does first), so element rects and axis-to-pixel
/// conversions are valid before drawing. Returns false when the plot has no usable size.
bool layoutNow(QCustomPlot *plot)
{
    const QRect viewport = plot->viewport();
    if (viewport.width() < 50 || viewport.height() < 50)
        return false;
    QCPLayoutGrid *layout = plot->plotLayout();
    layout->setOuterRect(viewport);
    layout->update(QCPLayoutElement::upPreparation);
    layout->update(QCPLayoutElement::upMargins);
    layout->update(QCPLayoutElement::upLayout);
    return true;
}

/// Heatmaps of C(t, s) have the same quantity on both axes: their axis rects are kept
/// square. Marked rects share one side (the largest square every one of them fits), set
/// as a maximum size right before each layout, so resizes and exports keep the aspect.
void applySquareAspect(QCustomPlot *plot)
{
    std::vector<QCPAxisRect *> rects;
    for (QCPAxisRect *r : plot->axisRects())
        if (r->property("dmftlabSquare").toBool())
            rects.push_back(r);
    if (rects.empty())
        return;
    for (QCPAxisRect *r : rects)
        r->setMaximumSize(QWIDGETSIZE_MAX, QWIDGETSIZE_MAX);
    if (!layoutNow(plot))
        return;
    int side = std::numeric_limits<int>::max();
    for (QCPAxisRect *r : rects)
        side = std::min({ side, r->rect().width(), r->rect().height() });
    if (side < 40)
        return;
    for (QCPAxisRect *r : rects)
        r->setMaximumSize(side, side);
}

void keepSquare(QCustomPlot *plot, QCPAxisRect *rect)
{
    rect->setProperty("dmftlabSquare", true);
    if (!plot->property("dmftlabSquareHook").toBool()) {
        plot->setProperty("dmftlabSquareHook", true);
        QObject::connect(plot, &QCustomPlot::beforeReplot, plot, [plot] { applySquareAspect(plot); });
    }
}

/// Data points (means and band edges) of the graphs in `rect` that fall inside `area`.
int pointsInside(QCPAxisRect *rect, const QRectF &area)
{
    int n = 0;
    for (QCPGraph *g : rect->graphs()) {
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
            if (area.contains(g->coordsToPixels(it->key, it->value)))
                ++n;
        // The line between two points may cross the area too: sample the midpoints.
        if (g->lineStyle() != QCPGraph::lsNone && g->data()->size() > 1) {
            for (auto it = g->data()->constBegin(); it + 1 != g->data()->constEnd(); ++it)
                if (area.contains(g->coordsToPixels(
                        0.5 * (it->key + (it + 1)->key), 0.5 * (it->value + (it + 1)->value))))
                    ++n;
        }
    }
    return n;
}

/// Legends never cover data. A short legend goes into the corner of the axes where it
/// hides no data point; when every corner would hide some (or for long legends, or in
/// the slide style) it moves to the right of the axes.
void placeLegend(QCustomPlot *plot, const Layout &layout, const Style &style)
{
    QCPLegend *lg = plot->legend;
    if (!lg || layout.rects.empty())
        return;
    QCPAxisRect *rect = layout.rects[0];
    bool outside = style.slide || lg->itemCount() > 5;
    if (!outside && layoutNow(plot)) {
        const QSize size = lg->minimumOuterSizeHint();
        const QRect area = rect->rect();
        const int pad = 7; // the inset layout's margin around the legend
        const Qt::Alignment corners[] = { Qt::AlignTop | Qt::AlignRight, Qt::AlignTop | Qt::AlignLeft,
            Qt::AlignBottom | Qt::AlignRight, Qt::AlignBottom | Qt::AlignLeft };
        int best = -1, bestCount = 0;
        for (int i = 0; i < 4; ++i) {
            const int x
                = (corners[i] & Qt::AlignRight) ? area.right() - pad - size.width() : area.left() + pad;
            const int y
                = (corners[i] & Qt::AlignTop) ? area.top() + pad : area.bottom() - pad - size.height();
            const int count
                = pointsInside(rect, QRectF(x, y, size.width(), size.height()).adjusted(-3, -3, 3, 3));
            if (best < 0 || count < bestCount) {
                best = i;
                bestCount = count;
            }
        }
        if (bestCount == 0)
            rect->insetLayout()->setInsetAlignment(0, corners[best]);
        else
            outside = true;
    }
    if (!outside)
        return;
    if (!style.slide && rect->insetLayout()->take(lg)) {
        // On screen a panel is narrow: a long legend goes under the axes, in as many
        // columns as fit, rather than taking half the width beside them.
        rect->insetLayout()->simplify();
        // The most columns whose widest items (row-major order) fit the plot's width.
        const int count = lg->itemCount();
        const int available = std::max(1, plot->viewport().width() - 16);
        int columns = 1;
        for (int c = count; c > 1; --c) {
            int total = (c - 1) * lg->columnSpacing();
            for (int j = 0; j < c; ++j) {
                int widest = 0;
                for (int i = j; i < count; i += c)
                    widest = std::max(widest, lg->item(i)->minimumOuterSizeHint().width());
                total += widest;
            }
            if (total <= available) {
                columns = c;
                break;
            }
        }
        lg->setFillOrder(QCPLayoutGrid::foColumnsFirst, false);
        lg->setWrap(columns);
        lg->setFillOrder(QCPLayoutGrid::foColumnsFirst, true); // rearrange into the new wrap
        layout.grid->addElement(1, 0, lg);
        layout.grid->setRowStretchFactor(1, 0.001);
        lg->setBorderPen(Qt::NoPen);
        lg->setBrush(Qt::NoBrush);
        lg->setMargins(QMargins(8, 0, 8, 2));
        return;
    }
    if (rect->insetLayout()->take(lg)) {
        rect->insetLayout()->simplify();
        // A legend given a whole grid cell spreads its rows over the full height; stack it
        // above an empty element that takes the spare height instead.
        auto *side = new QCPLayoutGrid;
        layout.grid->addElement(0, layout.grid->columnCount(), side);
        layout.grid->setColumnStretchFactor(layout.grid->columnCount() - 1, 0.001);
        side->addElement(0, 0, lg);
        side->addElement(1, 0, new QCPLayoutElement(plot));
        side->setRowStretchFactor(0, 0.001);
        lg->setBorderPen(Qt::NoPen);
        lg->setBrush(Qt::NoBrush);
        lg->setMargins(QMargins(4, 4, 8, 4));
    }
}

/// Breaks a long message into lines of about `width` characters (text elements of
/// QCustomPlot do not wrap).
QString wrapped(const QString &text, int width = 60)
{
    QStringList lines;
    QString line;
    for (const QString &word : text.split(' ', Qt::SkipEmptyParts)) {
        if (!line.isEmpty() && line.size() + 1 + word.size() > width) {
            lines << line;
            line.clear();
        }
        line += (line.isEmpty() ? "" : " ") + word;
    }
    if (!line.isEmpty())
        lines << line;
    return lines.join('\n');
}

// Perceptually uniform sequential map (matplotlib's viridis, 5 stops).
QCPColorGradient sequentialGradient()
{
    QCPColorGradient g;
    g.clearColorStops();
    g.setColorStopAt(0.0, QColor(0x44, 0x01, 0x54));
    g.setColorStopAt(0.25, QColor(0x3b, 0x52, 0x8b));
    g.setColorStopAt(0.5, QColor(0x21, 0x91, 0x8c));
    g.setColorStopAt(0.75, QColor(0x5e, 0xc9, 0x62));
    g.setColorStopAt(1.0, QColor(0xfd, 0xe7, 0x25));
    g.setNanHandling(QCPColorGradient::nhTransparent);
    return g;
}

QCPColorGradient divergingGradient()
{
    QCPColorGradient g;
    g.clearColorStops();
    g.setColorStopAt(0.0, QColor(0x3b, 0x4c, 0xc0));
    g.setColorStopAt(0.5, QColor(0xf7, 0xf7, 0xf7));
    g.setColorStopAt(1.0, QColor(0xb4, 0x04, 0x26));
    g.setNanHandling(QCPColorGradient::nhTransparent);
    return g;
}

Eigen::MatrixXd kernelMatrix(const Kernel &k)
{
    if (k.empty())
        return {};
    if (k.rowsPerBlock == 1 && k.colsPerBlock == 1)
        return k.mean[0];
    return k.trace();
}

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
    const double half = n > 1 ? 0.5 * (t[n - 1] - t[0]) / (n - 1) : 0.5;
    x->setRange(t[0] - half, t[n - 1] + half);
    y->setRange(t[0] - half, t[n - 1] + half);
    return map;
}

QCPColorScale *addColorScale(
    QCustomPlot *plot, QCPLayoutGrid *grid, int column, const QString &label, const Style &style)
{
    const Metrics m = metricsFor(style);
    auto *scale = new QCPColorScale(plot);
    grid->addElement(0, column, scale);
    scale->setType(QCPAxis::atRight);
    scale->setBarWidth(style.slide ? 16 : 11);
    scale->axis()->setLabel(label);
    scale->axis()->setLabelFont(font(m.font));
    scale->axis()->setTickLabelFont(font(m.font * 0.92));
    return scale;
}

void alignMargins(QCustomPlot *plot, const std::vector<QCPLayoutElement *> &elements)
{
    auto *group = new QCPMarginGroup(plot);
    for (QCPLayoutElement *e : elements)
        e->setMarginGroup(QCP::msTop | QCP::msBottom, group);
}

std::vector<const Curves *> nonNull(const std::vector<const Curves *> &curves)
{
    std::vector<const Curves *> out;
    for (const Curves *c : curves)
        if (c)
            out.push_back(c);
    return out;
}

} // namespace

// ---- engines --------------------------------------------------------------------------

QString engineLabel(const std::string &engine)
{
    return QString::fromStdString(dmftlab::engineLabel(engine));
}

bool isTheoryEngine(const std::string &engine)
{
    const EngineInfo *e = findEngine(engine);
    return e && e->isTheory();
}

// ---- loss ---------------------------------------------------------------------------

void plotLoss(QCustomPlot *plot, const std::vector<const Curves *> &curves, const Style &style)
{
    plotLoss(plot, curves, style, LossOptions {});
}

void plotLoss(
    QCustomPlot *plot, const std::vector<const Curves *> &all, const Style &style, const LossOptions &options)
{
    const auto curves = nonNull(all);
    Layout layout = resetPlot(plot, style, "Loss", 1, true);
    QCPAxisRect *rect = layout.rects[0];
    styleAxis(rect->axis(QCPAxis::atBottom), style, "t");
    styleAxis(rect->axis(QCPAxis::atLeft), style, "loss, error");
    setLogScale(rect->axis(QCPAxis::atBottom), options.logX);
    setLogScale(rect->axis(QCPAxis::atLeft), options.logY);

    struct Quantity {
        bool on;
        QString name;
        const Estimate Curves::*member;
        QColor color;
    };
    // Without label noise and with the square loss the test loss is the test error
    // (½E(f − f*)²): one curve, named for both, instead of one hidden under the other.
    bool errorIsLoss = options.test && options.error;
    bool anyPoint = false;
    for (const Curves *c : curves) {
        const int n = std::min({ validCount(*c), static_cast<int>(c->testLoss.mean.size()),
            static_cast<int>(c->testError.mean.size()) });
        for (int i = 0; i < n && errorIsLoss; ++i) {
            const double a = c->testLoss.mean[i], b = c->testError.mean[i];
            if (std::isfinite(a) || std::isfinite(b)) {
                anyPoint = true;
                errorIsLoss = std::fabs(a - b) <= 1e-12 * std::max({ 1.0, std::fabs(a), std::fabs(b) });
            }
        }
    }
    errorIsLoss = errorIsLoss && anyPoint;
    const Quantity quantities[] = {
        { options.train, "train loss", &Curves::trainLoss, kPalette[0] },
        { options.test, errorIsLoss ? "test loss = test error" : "test loss", &Curves::testLoss,
            kPalette[1] },
        { options.error && !errorIsLoss, "test error", &Curves::testError, kPalette[2] },
    };
    for (const Quantity &q : quantities) {
        if (!q.on)
            continue;
        bool drawn = false;
        for (const Curves *c : curves) {
            const Estimate &e = c->*q.member;
            if (!hasFinite(e.mean, validCount(*c)))
                continue;
            addSeries(rect, *c, e, q.color, q.name, style, options.logY);
            drawn = true;
        }
        if (drawn)
            addQuantityKey(rect, q.name, q.color, style);
    }
    addEngineKeys(rect, curves, style);
    finishAxes(rect, options.logY);
    placeLegend(plot, layout, style);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

// ---- overlaps -----------------------------------------------------------------------

std::vector<QString> overlapEntryNames(int k, int kStar)
{
    std::vector<QString> names;
    for (int a = 0; a < k; ++a)
        for (int m = 0; m < kStar; ++m)
            names.push_back(QString("M_%1_%2").arg(a + 1).arg(m + 1));
    for (int a = 0; a < k; ++a)
        for (int b = a; b < k; ++b)
            names.push_back(QString("Q_%1_%2").arg(a + 1).arg(b + 1));
    return names;
}

void plotOverlaps(QCustomPlot *plot, const std::vector<const Curves *> &curves, const Style &style)
{
    plotOverlaps(plot, curves, style, OverlapOptions {});
}

void plotOverlaps(QCustomPlot *plot, const std::vector<const Curves *> &all, const Style &style,
    const OverlapOptions &options)
{
    const auto curves = nonNull(all);
    Layout layout = resetPlot(plot, style, "Overlaps", 1, true);
    QCPAxisRect *rect = layout.rects[0];
    styleAxis(rect->axis(QCPAxis::atBottom), style, "t");
    styleAxis(rect->axis(QCPAxis::atLeft), style, "M(t) = θᵀθ*/d,  Q(t) = θᵀθ/d");
    setLogScale(rect->axis(QCPAxis::atBottom), options.logX);
    setLogScale(rect->axis(QCPAxis::atLeft), false);

    int k = 1, kStar = 1;
    for (const Curves *c : curves) {
        k = std::max(k, c->k);
        kStar = std::max(kStar, c->kStar);
    }
    const auto wanted = [&](const QString &name) {
        return options.entries.empty()
            || std::find(options.entries.begin(), options.entries.end(), name) != options.entries.end();
    };
    int colour = 0;
    for (const QString &name : overlapEntryNames(k, kStar)) {
        const bool isM = name.startsWith('M');
        const QStringList parts = name.split('_');
        const int a = parts[1].toInt() - 1, b = parts[2].toInt() - 1;
        const QColor color = kPalette[colour++ % kPaletteSize];
        if ((isM && !options.showM) || (!isM && !options.showQ) || !wanted(name))
            continue;
        const QString label = (k == 1 && kStar == 1)
            ? QString(isM ? "M" : "Q")
            : QString(isM ? "M" : "Q") + subscript(a + 1) + subscript(b + 1);
        bool drawn = false;
        for (const Curves *c : curves) {
            const int cols = isM ? c->kStar : c->k;
            const auto &list = isM ? c->M : c->Q;
            if (a >= c->k || b >= cols || a * cols + b >= static_cast<int>(list.size()))
                continue;
            const Estimate &e = list[a * cols + b];
            if (!hasFinite(e.mean, validCount(*c)))
                continue;
            addSeries(rect, *c, e, color, label, style, false);
            drawn = true;
        }
        if (drawn)
            addQuantityKey(rect, label, color, style);
    }
    addEngineKeys(rect, curves, style);
    finishAxes(rect, false);
    placeLegend(plot, layout, style);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

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

void plotKernel(QCustomPlot *plot, const Curves &curves, KernelKind kind, const Style &style)
{
    const Kernel &kernel = kernelOf(curves, kind);
    const bool trace = kernel.rowsPerBlock > 1;
    const QString symbol = kernelSymbol(kind, trace);
    const QString title = symbol + " — " + engineLabel(curves.engine);
    if (kernel.empty()) {
        plotMessage(plot, title, engineLabel(curves.engine) + " provides no " + symbol, style);
        return;
    }
    Layout layout = resetPlot(plot, style, title, 1, false);
    QCPColorMap *map = addHeatmap(layout.rects[0], kernelMatrix(kernel), curves.t, validCount(curves), style);
    QCPColorScale *scale = addColorScale(plot, layout.grid, 1, symbol, style);
    map->setColorScale(scale);
    map->setGradient(kind == KernelKind::Ctheta || kind == KernelKind::Cu || kind == KernelKind::Cg
            ? sequentialGradient()
            : divergingGradient());
    map->rescaleDataRange(true);
    if (kind == KernelKind::Rtheta || kind == KernelKind::K) {
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
    plot->replot(QCustomPlot::rpQueuedReplot);
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
        plotMessage(
            plot, symbol, missingReason.isEmpty() ? "no kernel yet — press Run" : missingReason, style);
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
    // Rows: title, maps, spacer (square maps stay under the title; spare height goes below).
    QCPLayoutGrid *top = plot->plotLayout();
    top->addElement(0, 0, new QCPTextElement(plot, symbol, font(m.titleFont, true)));
    auto *outer = new QCPLayoutGrid;
    top->addElement(1, 0, outer);
    top->addElement(2, 0, new QCPLayoutElement(plot));
    for (int row : { 0, 2 })
        top->setRowStretchFactor(row, 0.001);

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
        out.scale->setBarWidth(style.slide ? 14 : 10);
        out.scale->axis()->setLabel(scaleLabel);
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
        return map;
    };

    Group shared = addGroup(symbol, (haveT ? 1 : 0) + (haveS ? 1 : 0));
    std::vector<QCPColorMap *> maps;
    if (haveT)
        maps.push_back(addMap(shared, A, theory->t, nT, engineLabel(theory->engine) + " (d = ∞)"));
    if (haveS)
        maps.push_back(addMap(shared, B, simulation->t, nS, engineLabel(simulation->engine) + " (finite d)"));
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
        QCPColorMap *map = addMap(
            diff, D, theory->t, nDiff, engineLabel(theory->engine) + " − " + engineLabel(simulation->engine));
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
        top->addElement(3, 0, text);
        top->setRowStretchFactor(3, 0.001);
    }
    plot->replot(QCustomPlot::rpQueuedReplot);
}

// ---- convergence --------------------------------------------------------------------

void plotConvergence(
    QCustomPlot *plot, const std::vector<const Curves *> &all, const Style &style, double tolerance)
{
    const auto curves = nonNull(all);
    bool any = false;
    for (const Curves *c : curves)
        any = any || !c->residuals.empty();
    if (!any) {
        plotMessage(plot, "DMFT convergence", "no fixed-point residuals yet", style);
        return;
    }
    const Metrics m = metricsFor(style);
    Layout layout = resetPlot(plot, style, "DMFT convergence", 1, true);
    QCPAxisRect *rect = layout.rects[0];
    styleAxis(rect->axis(QCPAxis::atBottom), style, "iteration");
    {
        // Iterations are whole numbers: ticks at integer multiples only.
        QSharedPointer<QCPAxisTickerFixed> integer(new QCPAxisTickerFixed);
        integer->setTickStep(1.0);
        integer->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
        rect->axis(QCPAxis::atBottom)->setTicker(integer);
    }
    styleAxis(rect->axis(QCPAxis::atLeft), style, "residual (max relative change)");
    setLogScale(rect->axis(QCPAxis::atLeft), true);
    int colour = 0;
    double last = 1.0;
    for (const Curves *c : curves) {
        if (c->residuals.empty())
            continue;
        QVector<double> keys, values;
        for (std::size_t i = 0; i < c->residuals.size(); ++i) {
            if (std::isfinite(c->residuals[i]) && c->residuals[i] > 0.0) {
                keys.push_back(static_cast<double>(i + 1));
                values.push_back(c->residuals[i]);
            }
        }
        auto *g = new QCPGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        g->setName(engineLabel(c->engine));
        const QColor color = kPalette[colour++ % kPaletteSize];
        g->setPen(QPen(color, m.pen));
        g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, color, color, m.marker * 0.8));
        g->setData(keys, values, true);
        last = std::max(last, static_cast<double>(c->residuals.size()));
    }
    if (tolerance > 0.0 && std::isfinite(tolerance)) {
        // The stopping level, drawn across the iterations so far (part of the y range).
        auto *g = new QCPGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        g->setName(QString("tolerance %1").arg(tolerance, 0, 'g', 3));
        g->setPen(QPen(QColor(90, 90, 90), std::max(1.0, m.pen * 0.7), Qt::DashLine));
        g->setSelectable(QCP::stNone);
        g->setData(QVector<double> { 0.5, std::max(1.0, last) + 0.5 },
            QVector<double> { tolerance, tolerance }, true);
    }
    finishAxes(rect, true);
    rect->axis(QCPAxis::atBottom)->setRange(0.5, std::max(1.0, last) + 0.5);
    placeLegend(plot, layout, style);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

// ---- message ------------------------------------------------------------------------

void plotMessage(QCustomPlot *plot, const QString &title, const QString &message, const Style &style)
{
    const Metrics m = metricsFor(style);
    plot->clearPlottables();
    plot->clearItems();
    plot->plotLayout()->clear();
    plot->setBackground(Qt::white);
    plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, title, font(m.titleFont, true)));
    auto *text = new QCPTextElement(plot, wrapped(message), font(m.font * 1.1));
    text->setTextColor(QColor(90, 90, 90));
    plot->plotLayout()->addElement(1, 0, text);
    plot->plotLayout()->setRowStretchFactor(0, 0.001);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

// ---- export -------------------------------------------------------------------------

bool exportPlot(QCustomPlot *plot, const QString &path, int width, int height, double scale, QString *error)
{
    auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (!plot)
        return fail("no plot to export");
    if (width <= 0)
        width = plot->width();
    if (height <= 0)
        height = plot->height();
    if (width <= 0 || height <= 0 || width > 20000 || height > 20000)
        return fail(QString("invalid export size %1 x %2").arg(width).arg(height));
    if (!(scale > 0.0) || scale > 10.0)
        return fail(QString("invalid export scale %1 (allowed: (0, 10])").arg(scale));
    const QFileInfo info(path);
    if (!info.absoluteDir().exists())
        return fail("cannot write " + path + ": folder does not exist");
    const QString suffix = info.suffix().toLower();
    // Lay out at the export size first (square heatmaps depend on it).
    plot->setViewport(QRect(0, 0, width, height));
    applySquareAspect(plot);
    bool ok = false;
    if (suffix == "png") {
        ok = plot->savePng(path, width, height, scale);
    } else if (suffix == "pdf") {
        ok = plot->savePdf(path, width, height);
    } else if (suffix == "svg") {
        QSvgGenerator generator;
        generator.setFileName(path);
        generator.setSize(QSize(width, height));
        generator.setViewBox(QRect(0, 0, width, height));
        generator.setResolution(plot->logicalDpiX());
        generator.setTitle("DMFT Lab figure");
        QCPPainter painter;
        if (painter.begin(&generator)) {
            plot->toPainter(&painter, width, height);
            ok = painter.end();
        }
    } else {
        return fail("unknown figure format '" + suffix + "' in " + path + " (use .png, .pdf or .svg)");
    }
    if (!ok || !QFileInfo(path).exists() || QFileInfo(path).size() == 0)
        return fail("could not write " + path);
    return true;
}

} // namespace dmftlab::figures
