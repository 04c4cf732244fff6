// Layout of every figure: title over axes, legend placement, square heatmaps.
#include "figurelayout.h"

#include "figurestyle.h"
#include "richtextelement.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace dmftlab::figures
{

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
        auto *text = new RichTextElement(plot, title, font(m.titleFont, true));
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
        lg->setIconSize((style.slide ? QSize(36, 16) : QSize(26, 12)) * m.scale);
        lg->setIconTextPadding(qRound(7 * m.scale));
        lg->setRowSpacing(0);
        lg->setVisible(true);
        plot->legend = lg;
    }
    return out;
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
        // A marker covers its size, not only its centre.
        const double half = g->scatterStyle().isNone() ? 0.0 : 0.5 * g->scatterStyle().size();
        const QRectF grown = area.adjusted(-half, -half, half, half);
        for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
            if (grown.contains(g->coordsToPixels(it->key, it->value)))
                ++n;
        // The line between two points may cross the area too: sample the midpoints.
        if (g->lineStyle() != QCPGraph::lsNone && g->data()->size() > 1) {
            for (auto it = g->data()->constBegin(); it + 1 != g->data()->constEnd(); ++it)
                if (area.contains(g->coordsToPixels(
                        0.5 * (it->key + (it + 1)->key), 0.5 * (it->value + (it + 1)->value))))
                    ++n;
        }
    }
    // Error bars too: the large ones of a diverging run reach far from their markers.
    for (QCPAbstractPlottable *p : rect->plottables()) {
        auto *bars = qobject_cast<QCPErrorBars *>(p);
        auto *graph = bars ? qobject_cast<QCPGraph *>(bars->dataPlottable()) : nullptr;
        if (!graph || bars->errorType() != QCPErrorBars::etValueError)
            continue;
        const int count = std::min(graph->dataCount(), bars->dataCount());
        for (int i = 0; i < count; ++i) {
            const double key = graph->dataMainKey(i), value = graph->dataMainValue(i);
            const double minus = bars->data()->at(i).errorMinus, plus = bars->data()->at(i).errorPlus;
            if (!std::isfinite(minus) || !std::isfinite(plus) || (minus == 0.0 && plus == 0.0))
                continue;
            const QPointF lo = graph->coordsToPixels(key, value - minus),
                          hi = graph->coordsToPixels(key, value + plus);
            if (QRectF(QPointF(lo.x() - 1.0, std::min(lo.y(), hi.y())),
                    QPointF(lo.x() + 1.0, std::max(lo.y(), hi.y())))
                    .intersects(area))
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
    lg->setVisible(lg->itemCount() > 0); // no empty box before the first data
    bool outside = style.slide || lg->itemCount() > 5;
    if (!outside && layoutNow(plot)) {
        const QSize size = lg->minimumOuterSizeHint();
        const QRect area = rect->rect();
        const int pad = 7; // the inset layout's margin around the legend
        const Qt::Alignment corners[] = { Qt::AlignTop | Qt::AlignRight, Qt::AlignTop | Qt::AlignLeft,
            Qt::AlignBottom | Qt::AlignRight, Qt::AlignBottom | Qt::AlignLeft };
        // Live frames keep the corner of the previous frame while it stays free, so the
        // legend does not jump about as the curves grow (the property lives on the plot).
        const int previous
            = plot->property("legendCorner").isValid() ? plot->property("legendCorner").toInt() : -1;
        int best = -1, bestCount = 0;
        for (int j = -1; j < 4; ++j) {
            const int i = j < 0 ? previous : j;
            if (i < 0 || i > 3)
                continue;
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
        if (bestCount == 0) {
            rect->insetLayout()->setInsetAlignment(0, corners[best]);
            plot->setProperty("legendCorner", best);
        } else {
            outside = true;
        }
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
QString wrapped(const QString &text, int width)
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

void alignMargins(QCustomPlot *plot, const std::vector<QCPLayoutElement *> &elements)
{
    auto *group = new QCPMarginGroup(plot);
    for (QCPLayoutElement *e : elements)
        e->setMarginGroup(QCP::msTop | QCP::msBottom, group);
}

void addStamp(QCustomPlot *plot, const Style &style)
{
    if (style.stamp.isEmpty())
        return;
    const Metrics m = metricsFor(style);
    auto *text = new QCPTextElement(plot, style.stamp, font(m.font * 0.8));
    text->setTextColor(QColor(100, 100, 100));
    text->setTextFlags(Qt::AlignRight | Qt::AlignVCenter);
    text->setMargins(QMargins(0, 0, qRound(8 * m.scale), qRound(4 * m.scale)));
    QCPLayoutGrid *top = plot->plotLayout();
    const int row = top->rowCount();
    top->addElement(row, 0, text);
    top->setRowStretchFactor(row, 0.001);
}

} // namespace dmftlab::figures
