#include "sweepfigures.h"

#include "figurestyle.h"

#include "sweep/contour.h"

#include <qcustomplot.h>

#include <cmath>

namespace dmftlab::figures
{

namespace
{

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The figures' font (figurestyle.h) at `factor` times the style's text size.
QFont fontOf(const Style &style, double factor = 1.0)
{
    return font(metricsFor(style).font * factor);
}

/// Clears the plot, puts a title row on top and returns the single axis rect.
QCPAxisRect *reset(QCustomPlot *plot, const Style &style, const QString &title)
{
    plot->clearPlottables();
    plot->clearItems();
    plot->plotLayout()->clear();
    plot->setBackground(Qt::white);
    QFont titleFont = fontOf(style, 11.0 / 9.0);
    titleFont.setBold(true);
    plot->plotLayout()->addElement(0, 0, new QCPTextElement(plot, title, titleFont));
    auto *rect = new QCPAxisRect(plot);
    plot->plotLayout()->addElement(1, 0, rect);
    plot->plotLayout()->setRowStretchFactor(0, 0.001);
    plot->xAxis = rect->axis(QCPAxis::atBottom);
    plot->yAxis = rect->axis(QCPAxis::atLeft);
    plot->xAxis2 = rect->axis(QCPAxis::atTop);
    plot->yAxis2 = rect->axis(QCPAxis::atRight);
    return rect;
}

QCPColorScale *addScale(QCustomPlot *plot, const QString &label, const Style &style, QCPRange range, bool log)
{
    auto *scale = new QCPColorScale(plot);
    plot->plotLayout()->addElement(1, 1, scale);
    scale->setType(QCPAxis::atRight);
    scale->setBarWidth(style.slide ? 16 : 11);
    scale->setGradient(sequentialGradient());
    scale->axis()->setLabel(label);
    scale->axis()->setLabelFont(fontOf(style));
    scale->axis()->setTickLabelFont(fontOf(style, 0.92));
    if (log) {
        scale->setDataScaleType(QCPAxis::stLogarithmic);
        scale->axis()->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    }
    scale->setDataRange(range);
    auto *group = new QCPMarginGroup(plot);
    plot->axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    scale->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    return scale;
}

QString axisLabel(const SweepAxis &axis)
{
    return QString::fromStdString(axis.label());
}

void valueTicks(QCPAxis *axis, const SweepAxis &sa, int maxTicks)
{
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    const int stride = std::max(1, (sa.size() + maxTicks - 1) / maxTicks);
    for (int i = 0; i < sa.size(); i += stride)
        ticker->addTick(i, QString::fromStdString(sa.valueLabel(i)));
    axis->setTicker(ticker);
}

const Estimate &estimateOf(const Curves &c, FamilyQuantity q)
{
    return q == FamilyQuantity::TrainLoss ? c.trainLoss
        : q == FamilyQuantity::TestLoss   ? c.testLoss
                                          : c.testError;
}

QString quantityLabel(FamilyQuantity q)
{
    return q == FamilyQuantity::TrainLoss ? "train loss"
        : q == FamilyQuantity::TestLoss   ? "test loss"
                                          : "test error";
}

} // namespace

QColor familyColor(double f)
{
    return sequentialGradient().color(std::clamp(f, 0.0, 1.0), QCPRange(0.0, 1.0));
}

double familyPosition(const SweepAxis &axis, int i)
{
    const int n = axis.size();
    if (n <= 1)
        return 0.5;
    double lo = axis.number(0), hi = axis.number(n - 1), x = axis.number(i);
    if (!std::isfinite(lo) || !std::isfinite(hi) || !std::isfinite(x) || lo == hi)
        return double(i) / (n - 1);
    if (axis.spacing == SweepSpacing::Log && lo > 0 && hi > 0 && x > 0) {
        lo = std::log(lo);
        hi = std::log(hi);
        x = std::log(x);
    }
    return (x - lo) / (hi - lo);
}

void plotFamilyCurves(QCustomPlot *plot, const SweepPlan &plan, const std::vector<SweepPointResult> &results,
    const std::string &engine, FamilyQuantity quantity, const Style &style)
{
    const SweepAxis &axis = plan.spec.axes[0];
    reset(plot, style,
        quantityLabel(quantity) + " — family of " + axisLabel(axis) + " (" + engineLabel(engine) + ")");
    styleAxis(plot->xAxis, style, "t");
    styleAxis(plot->yAxis, style, quantityLabel(quantity));
    const double pen = style.slide ? 2.6 : 1.4;
    for (std::size_t p = 0; p < results.size() && p < plan.points.size(); ++p) {
        const auto &r = results[p];
        if (!r.done() || !r.results.count(engine))
            continue;
        const Curves &c = r.results.at(engine)->curves;
        const Estimate &e = estimateOf(c, quantity);
        const int n = std::min<int>(c.validPoints, int(c.t.size()));
        QVector<double> x(n), y(n);
        for (int k = 0; k < n; ++k) {
            x[k] = c.t[k];
            y[k] = e.mean[k];
        }
        QCPGraph *g = plot->addGraph();
        g->setPen(QPen(familyColor(familyPosition(axis, plan.points[p].i)), pen));
        g->setData(x, y, true);
    }
    plot->rescaleAxes();
    const bool numeric = std::isfinite(axis.number(0));
    const bool log = axis.spacing == SweepSpacing::Log;
    QCPRange range
        = numeric ? QCPRange(axis.number(0), axis.number(axis.size() - 1)) : QCPRange(0, axis.size() - 1);
    if (range.lower > range.upper)
        std::swap(range.lower, range.upper);
    if (range.lower == range.upper)
        range = QCPRange(range.lower - 0.5, range.upper + 0.5);
    addScale(plot, axisLabel(axis), style, range, log);
}

void plotFamilyScalar(QCustomPlot *plot, const SweepPlan &plan, const std::vector<SweepPointResult> &results,
    int scalar, const Style &style)
{
    const SweepAxis &axis = plan.spec.axes[0];
    const QString label = QString::fromStdString(plan.scalars[scalar].label());
    reset(plot, style, label + " against " + axisLabel(axis));
    styleAxis(plot->xAxis, style, axisLabel(axis));
    styleAxis(plot->yAxis, style, label);
    const bool numeric = std::isfinite(axis.number(0));
    QVector<double> x, y, se;
    for (int i = 0; i < axis.size(); ++i) {
        const auto &r = results[plan.pointIndex(i, 0)];
        if (!r.done())
            continue;
        x.push_back(numeric ? axis.number(i) : i);
        y.push_back(r.scalars[scalar].value);
        se.push_back(std::isfinite(r.scalars[scalar].se) ? r.scalars[scalar].se : 0.0);
    }
    if (!numeric)
        valueTicks(plot->xAxis, axis, 12);
    else if (axis.spacing == SweepSpacing::Log) {
        plot->xAxis->setScaleType(QCPAxis::stLogarithmic);
        plot->xAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    }
    QCPGraph *g = plot->addGraph();
    const QColor colour(0x1f, 0x77, 0xb4);
    g->setPen(QPen(colour, style.slide ? 2.6 : 1.4));
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, colour, Qt::white, style.slide ? 9 : 5.5));
    g->setData(x, y); // sorts by x
    auto *bars = new QCPErrorBars(plot->xAxis, plot->yAxis);
    bars->setDataPlottable(g);
    // setData sorted the graph by x; error bars follow the graph's (sorted) order.
    std::vector<int> idx(x.size());
    for (int k = 0; k < x.size(); ++k)
        idx[k] = k;
    std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return x[a] < x[b]; });
    QVector<double> sortedSe;
    for (int k : idx)
        sortedSe.push_back(se[k]);
    bars->setData(sortedSe);
    bars->setPen(QPen(colour, 1.0));
    plot->rescaleAxes();
    const QCPRange yr = plot->yAxis->range();
    const double pad = std::max(1e-12, 0.08 * yr.size());
    plot->yAxis->setRange(yr.lower - pad, yr.upper + pad);
    if (axis.spacing != SweepSpacing::Log) {
        const QCPRange xr = plot->xAxis->range();
        const double xpad = std::max(1e-12, 0.04 * xr.size());
        plot->xAxis->setRange(xr.lower - xpad, xr.upper + xpad);
    }
}

QCPColorMap *plotPhaseDiagram(QCustomPlot *plot, const SweepPlan &plan,
    const std::vector<SweepPointResult> &results, int scalar, const Style &style,
    const std::vector<double> &contourLevels)
{
    const SweepAxis &ax = plan.spec.axes[0], &ay = plan.spec.axes[1];
    const QString label = QString::fromStdString(plan.scalars[scalar].label());
    reset(plot, style, label + " over " + axisLabel(ax) + " and " + axisLabel(ay));
    styleAxis(plot->xAxis, style, axisLabel(ax));
    styleAxis(plot->yAxis, style, axisLabel(ay));
    plot->xAxis->grid()->setVisible(false);
    plot->yAxis->grid()->setVisible(false);
    const int nx = ax.size(), ny = ay.size();
    auto *map = new QCPColorMap(plot->xAxis, plot->yAxis);
    map->setInterpolate(false);
    map->setTightBoundary(false);
    map->data()->setSize(nx, ny);
    map->data()->setRange(QCPRange(0, nx - 1), QCPRange(0, ny - 1));
    Eigen::MatrixXd values = Eigen::MatrixXd::Constant(nx, ny, kNaN);
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (int i = 0; i < nx; ++i)
        for (int j = 0; j < ny; ++j) {
            const auto &r = results[plan.pointIndex(i, j)];
            const double v = r.done() ? r.scalars[scalar].value : kNaN;
            values(i, j) = v;
            map->data()->setCell(i, j, v);
            if (std::isfinite(v)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        }
    auto *scale = addScale(plot, label, style,
        std::isfinite(lo) ? QCPRange(lo, hi == lo ? lo + 1e-12 : hi) : QCPRange(0, 1), false);
    map->setColorScale(scale);
    map->setGradient(sequentialGradient());
    valueTicks(plot->xAxis, ax, 10);
    valueTicks(plot->yAxis, ay, 10);
    plot->xAxis->setRange(-0.5, nx - 0.5);
    plot->yAxis->setRange(-0.5, ny - 0.5);
    // Contours (marching squares in index space) as white lines.
    for (double level : contourLevels) {
        for (const auto &seg : contourSegments(values, level)) {
            auto *line = new QCPItemLine(plot);
            line->start->setCoords(seg.x0, seg.y0);
            line->end->setCoords(seg.x1, seg.y1);
            line->setPen(QPen(Qt::white, style.slide ? 2.4 : 1.4));
        }
    }
    return map;
}

void plotPinnedLoss(QCustomPlot *plot, const std::vector<const Curves *> &live,
    const std::vector<PinnedCurves> &pinned, const Style &style)
{
    QCPAxisRect *rect = reset(plot, style, "Test loss: live and pinned");
    styleAxis(plot->xAxis, style, "t");
    styleAxis(plot->yAxis, style, "test loss");
    auto *legend = new QCPLegend;
    rect->insetLayout()->addElement(legend, Qt::AlignTop | Qt::AlignRight);
    legend->setLayer("legend");
    legend->setFont(fontOf(style, 0.9));
    plot->legend = legend;
    const double pen = style.slide ? 2.6 : 1.5;
    auto add = [&](const Curves &c, const QString &name, QColor colour, bool faded) {
        const int n = std::min<int>(c.validPoints, int(c.t.size()));
        QVector<double> x(n), y(n);
        for (int k = 0; k < n; ++k) {
            x[k] = c.t[k];
            y[k] = c.testLoss.mean[k];
        }
        QCPGraph *g = plot->addGraph(plot->xAxis, plot->yAxis);
        if (faded)
            colour.setAlpha(110);
        g->setPen(QPen(colour, faded ? pen * 0.8 : pen, faded ? Qt::DashLine : Qt::SolidLine));
        g->setData(x, y, true);
        g->setName(name);
    };
    // Tableau colours by position; faded pins keep theirs so a pin reads the same in
    // every redraw.
    const QColor colours[] = { QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28), QColor(0x2c, 0xa0, 0x2c),
        QColor(0xff, 0x7f, 0x0e), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b),
        QColor(0xe3, 0x77, 0xc2), QColor(0x17, 0xbe, 0xcf), QColor(0xbc, 0xbd, 0x22),
        QColor(0x7f, 0x7f, 0x7f) };
    for (const Curves *c : live)
        add(*c, "live (" + engineLabel(c->engine) + ")", Qt::black, false);
    QString last;
    int colour = -1;
    for (const auto &p : pinned) {
        if (p.name != last)
            ++colour;
        last = p.name;
        add(*p.curves, p.name + " (" + engineLabel(p.curves->engine) + ")", colours[colour % 10], true);
    }
    plot->rescaleAxes();
    if (plot->graphCount() == 0)
        legend->setVisible(false);
}

} // namespace dmftlab::figures
