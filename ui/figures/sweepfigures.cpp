#include "sweepfigures.h"

#include "figurelayout.h"
#include "figurestyle.h"

#include "config/schema.h"
#include "engine/constants.h"
#include "sweep/contour.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <functional>

namespace dmftlab::figures
{

namespace
{

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

/// A colour bar of the sequential map in cell (row, column) of `grid`, titled `label`,
/// its top and bottom aligned with `rect`.
QCPColorScale *addScale(QCustomPlot *plot, QCPLayoutGrid *grid, int row, int column, QCPAxisRect *rect,
    const QString &label, const Style &style, QCPRange range, bool log)
{
    auto *scale = new QCPColorScale(plot);
    grid->addElement(row, column, scale);
    scale->setType(QCPAxis::atRight);
    scale->setBarWidth(qRound((style.slide ? 16 : 11) * metricsFor(style).scale));
    scale->setGradient(sequentialGradient());
    scale->axis()->setLabel(label);
    scale->axis()->setLabelFont(fontOf(style));
    scale->axis()->setTickLabelFont(fontOf(style, 0.92));
    if (log) {
        scale->setDataScaleType(QCPAxis::stLogarithmic);
        setLogScale(scale->axis(), true);
    }
    scale->setDataRange(range);
    auto *group = new QCPMarginGroup(plot);
    rect->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    scale->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    return scale;
}

QString axisLabel(const SweepAxis &axis)
{
    return QString::fromStdString(axis.label());
}

/// Ticks labelled with the axis values, at `position(i)` (the index by default).
void valueTicks(
    QCPAxis *axis, const SweepAxis &sa, int maxTicks,
    const std::function<double(int)> &position = [](int i) { return double(i); })
{
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    const int stride = std::max(1, (sa.size() + maxTicks - 1) / maxTicks);
    for (int i = 0; i < sa.size(); i += stride)
        ticker->addTick(position(i), QString::fromStdString(sa.valueLabel(i)));
    axis->setTicker(ticker);
}

/// The axis title of a swept parameter: what it is and its symbol ("sample ratio α = n/d",
/// the schema's FieldInfo::title), else the key.
QString axisTitle(const SweepAxis &axis)
{
    const FieldInfo *f = findField(axis.key);
    return f && !f->title.empty() ? QString::fromStdString(f->title) : QString::fromStdString(axis.key);
}

/// One axis of a phase diagram. Numeric values are drawn at their own positions (a log
/// scale for log spacing, or for a list of three or more values in geometric but not
/// arithmetic progression), each cell reaching halfway to its neighbours (geometric
/// midpoints on a log axis); string values by index. The cell coordinate u is the value,
/// its log10 on a log axis, or the index for strings. The colour map has one column per
/// cell when the cells are equally wide in u, else a fine grid of columns, each showing
/// the cell it falls in.
class CellAxis
{
public:
    explicit CellAxis(const SweepAxis &axis)
    {
        const int n = axis.size();
        std::vector<double> v(n);
        m_numeric = n > 0;
        for (int i = 0; i < n; ++i) {
            v[i] = axis.number(i);
            m_numeric = m_numeric && std::isfinite(v[i]);
        }
        for (int i = 1; m_numeric && i < n; ++i)
            m_numeric = (v[i] - v[i - 1]) * (v[1] - v[0]) > 0; // strictly monotone
        bool positive = m_numeric;
        for (int i = 0; positive && i < n; ++i)
            positive = v[i] > 0;
        if (positive && axis.spacing == SweepSpacing::Log)
            m_log = true;
        else if (positive && axis.spacing == SweepSpacing::List && n >= 3) {
            std::vector<double> logs(n);
            for (int i = 0; i < n; ++i)
                logs[i] = std::log10(v[i]);
            m_log = equallySpaced(logs) && !equallySpaced(v);
        }
        m_u.resize(n);
        for (int i = 0; i < n; ++i)
            m_u[i] = !m_numeric ? double(i) : m_log ? std::log10(v[i]) : v[i];
        m_edges.resize(n + 1);
        if (n == 1) {
            m_edges = { m_u[0] - 0.5, m_u[0] + 0.5 };
        } else if (n > 1) {
            m_edges[0] = m_u[0] - 0.5 * (m_u[1] - m_u[0]);
            for (int i = 1; i < n; ++i)
                m_edges[i] = 0.5 * (m_u[i - 1] + m_u[i]);
            m_edges[n] = m_u[n - 1] + 0.5 * (m_u[n - 1] - m_u[n - 2]);
        }
        // QCustomPlot draws a one-column map with no width: a single value gets two columns.
        m_columns = n == 1 ? 2 : equallySpaced(m_u) ? n : std::clamp(8 * n, 400, 4000);
    }

    double lower() const { return std::min(m_edges.front(), m_edges.back()); }
    double upper() const { return std::max(m_edges.front(), m_edges.back()); }
    int columns() const { return m_columns; }
    /// Centre of colour-map column a (columns run from lower() to upper()).
    double centre(int a) const { return lower() + (a + 0.5) * (upper() - lower()) / m_columns; }
    int cellOfColumn(int a) const { return std::max(0, cellAt(centre(a))); }
    /// The cell whose span holds u, -1 outside the grid.
    int cellAt(double u) const
    {
        for (int i = 0; i + 1 < int(m_edges.size()); ++i)
            if (std::min(m_edges[i], m_edges[i + 1]) <= u && u <= std::max(m_edges[i], m_edges[i + 1]))
                return i;
        return -1;
    }
    /// The data coordinate of fractional cell index x (contour points between centres).
    double dataAt(double x) const
    {
        const int n = int(m_u.size());
        if (n == 1)
            return toData(m_u[0]);
        const int k = std::clamp(int(std::floor(x)), 0, n - 2);
        return toData(m_u[k] + (x - k) * (m_u[k + 1] - m_u[k]));
    }
    /// Scales, ticks and ranges the visible axis over the cells. Up to 12 values get a
    /// tick each at the value itself (a log axis over 1.5 decades has few round ticks);
    /// longer numeric ranges the usual ticks.
    void showOn(QCPAxis *axis, const SweepAxis &sweepAxis) const
    {
        if (m_numeric)
            setLogScale(axis, m_log);
        if (!m_numeric || sweepAxis.size() <= 12)
            valueTicks(axis, sweepAxis, 12, [this](int i) { return toData(m_u[i]); });
        axis->setRange(toData(lower()), toData(upper()));
    }

private:
    static bool equallySpaced(const std::vector<double> &x)
    {
        for (std::size_t i = 2; i < x.size(); ++i)
            if (std::fabs((x[i] - x[i - 1]) - (x[1] - x[0])) > 1e-9 * std::fabs(x[1] - x[0]))
                return false;
        return true;
    }
    double toData(double u) const { return m_log ? std::pow(10.0, u) : u; }

    bool m_numeric = false, m_log = false;
    std::vector<double> m_u, m_edges;
    int m_columns = 0;
};

/// The curve of quantity q, null when the run has none (no overlaps).
const Estimate *estimateOf(const Curves &c, FamilyQuantity q)
{
    switch (q) {
    case FamilyQuantity::TrainLoss:
        return &c.trainLoss;
    case FamilyQuantity::TestLoss:
        return &c.testLoss;
    case FamilyQuantity::TestError:
        return &c.testError;
    case FamilyQuantity::M11:
        return c.M.empty() ? nullptr : &c.M[0];
    case FamilyQuantity::Q11:
        return c.Q.empty() ? nullptr : &c.Q[0];
    }
    return nullptr;
}

} // namespace

QString familyQuantityLabel(FamilyQuantity q)
{
    switch (q) {
    case FamilyQuantity::TrainLoss:
        return "train loss";
    case FamilyQuantity::TestLoss:
        return "test loss";
    case FamilyQuantity::TestError:
        return "test error";
    case FamilyQuantity::M11:
        return "M₁₁";
    case FamilyQuantity::Q11:
        return "Q₁₁";
    }
    return {};
}

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

FamilyOverlay familyOverlay(
    const SweepPlan &plan, const std::vector<SweepPointResult> &results, const std::string &engine)
{
    FamilyOverlay family;
    if (plan.spec.axes.empty())
        return family;
    const SweepAxis &axis = plan.spec.axes[0];
    const int n = axis.size();
    family.parameter = axisTitle(axis);
    const bool numeric = std::isfinite(axis.number(0));
    family.log = numeric && axis.spacing == SweepSpacing::Log;
    family.lower = numeric ? axis.number(0) : 0.0;
    family.upper = numeric ? axis.number(n - 1) : n - 1.0;
    if (family.lower > family.upper)
        std::swap(family.lower, family.upper);
    if (family.lower == family.upper) {
        family.lower -= 0.5;
        family.upper += 0.5;
    }
    // A tick at each member of the family (a log bar over 1.3 decades has only 0.2 ... 0.8).
    if (!numeric || n <= 12)
        for (int i = 0; i < n; ++i)
            family.ticks.emplace_back(
                numeric ? axis.number(i) : i, QString::fromStdString(axis.valueLabel(i)));
    for (int i = 0; i < n; ++i) {
        const int p = plan.pointIndex(i, 0);
        if (p >= int(results.size()) || !results[p].done() || !results[p].results.count(engine))
            continue;
        family.members.push_back({ familyPosition(axis, i), QString::fromStdString(plan.describe(p)),
            std::shared_ptr<const Curves>(
                results[p].results.at(engine), &results[p].results.at(engine)->curves) });
    }
    return family;
}

QCPColorScale *addFamilyColorBar(QCustomPlot *plot, QCPLayoutGrid *grid, int row, int column,
    QCPAxisRect *rect, const FamilyOverlay &family, const Style &style)
{
    QCPColorScale *scale = addScale(plot, grid, row, column, rect, family.parameter, style,
        QCPRange(family.lower, family.upper), family.log);
    if (!family.ticks.empty()) {
        QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
        for (const auto &[value, label] : family.ticks)
            ticker->addTick(value, label);
        scale->axis()->setTicker(ticker);
    }
    return scale;
}

void plotFamilyCurves(QCustomPlot *plot, const SweepPlan &plan, const std::vector<SweepPointResult> &results,
    const std::string &engine, FamilyQuantity quantity, const Style &style)
{
    const SweepAxis &axis = plan.spec.axes[0];
    QCPAxisRect *rect = reset(plot, style,
        familyQuantityLabel(quantity) + " — family of " + axisLabel(axis) + " (" + engineLabel(engine) + ")");
    styleAxis(plot->xAxis, style, "training time t");
    styleAxis(plot->yAxis, style, familyQuantityLabel(quantity));
    const double pen = metricsFor(style).pen;
    const FamilyOverlay family = familyOverlay(plan, results, engine);
    for (const FamilyOverlay::Member &member : family.members) {
        const Curves &c = *member.curves;
        const Estimate *e = estimateOf(c, quantity);
        if (!e)
            continue;
        const int n = std::min<int>(c.validPoints, int(c.t.size()));
        QVector<double> x(n), y(n);
        for (int k = 0; k < n; ++k) {
            x[k] = c.t[k];
            y[k] = e->mean[k];
        }
        QCPGraph *g = plot->addGraph();
        g->setPen(QPen(familyColor(member.position), pen));
        g->setData(x, y, true);
    }
    plot->rescaleAxes();
    addFamilyColorBar(plot, plot->plotLayout(), 1, 1, rect, family, style);
    addStamp(plot, style);
}

void plotFamilyScalar(QCustomPlot *plot, const SweepPlan &plan, const std::vector<SweepPointResult> &results,
    int scalar, const Style &style)
{
    const SweepAxis &axis = plan.spec.axes[0];
    const QString label = QString::fromStdString(plan.scalars[scalar].label());
    reset(plot, style, label + " against " + axisLabel(axis));
    styleAxis(plot->xAxis, style, axisTitle(axis));
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
    if (numeric)
        setLogScale(plot->xAxis, axis.spacing == SweepSpacing::Log);
    if (!numeric || axis.size() <= 12) // a tick at each parameter value
        valueTicks(plot->xAxis, axis, 12, [&](int i) { return numeric ? axis.number(i) : double(i); });
    QCPGraph *g = plot->addGraph();
    const QColor colour = quantityColor(style, 0); // the style's palette (--palette)
    const Metrics m = metricsFor(style);
    g->setPen(QPen(colour, m.pen));
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, colour, Qt::white, m.marker * 1.2));
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
    // Room for the end markers and their error bars (a factor on a log axis).
    const QCPRange xr = plot->xAxis->range();
    if (axis.spacing == SweepSpacing::Log && xr.lower > 0) {
        const double factor = std::pow(xr.upper / xr.lower, 0.04);
        plot->xAxis->setRange(xr.lower / factor, xr.upper * factor);
    } else {
        const double xpad = std::max(1e-12, 0.04 * xr.size());
        plot->xAxis->setRange(xr.lower - xpad, xr.upper + xpad);
    }
    addStamp(plot, style);
}

QCPColorMap *plotPhaseDiagram(QCustomPlot *plot, const SweepPlan &plan,
    const std::vector<SweepPointResult> &results, int scalar, const Style &style,
    const std::vector<double> &contourLevels)
{
    const SweepAxis &ax = plan.spec.axes[0], &ay = plan.spec.axes[1];
    const CellAxis cx = CellAxis(ax), cy = CellAxis(ay);
    const QString label = QString::fromStdString(plan.scalars[scalar].label());
    QCPAxisRect *rect = reset(plot, style, label + " over " + axisLabel(ax) + " and " + axisLabel(ay));
    styleAxis(plot->xAxis, style, axisTitle(ax));
    styleAxis(plot->yAxis, style, axisTitle(ay));
    plot->xAxis->grid()->setVisible(false);
    plot->yAxis->grid()->setVisible(false);
    const int nx = ax.size(), ny = ay.size();
    Eigen::MatrixXd values = Eigen::MatrixXd::Constant(nx, ny, kNaN);
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (int i = 0; i < nx; ++i)
        for (int j = 0; j < ny; ++j) {
            const auto &r = results[plan.pointIndex(i, j)];
            const double v = r.done() ? r.scalars[scalar].value : kNaN;
            values(i, j) = v;
            if (std::isfinite(v)) {
                lo = std::min(lo, v);
                hi = std::max(hi, v);
            }
        }
    // The map lives on the rect's hidden top/right axes in the cell coordinate u (log10 of
    // the value on a log axis); the visible axes show the values themselves over the same
    // pixels, so cells sit where their parameters are and ticks are the data's own.
    QCPAxis *ux = rect->axis(QCPAxis::atTop), *uy = rect->axis(QCPAxis::atRight);
    auto *map = new QCPColorMap(ux, uy);
    map->setInterpolate(false);
    map->setTightBoundary(false);
    const int mx = cx.columns(), my = cy.columns();
    map->data()->setSize(mx, my);
    map->data()->setRange(
        QCPRange(cx.centre(0), cx.centre(mx - 1)), QCPRange(cy.centre(0), cy.centre(my - 1)));
    for (int a = 0; a < mx; ++a)
        for (int b = 0; b < my; ++b)
            map->data()->setCell(a, b, values(cx.cellOfColumn(a), cy.cellOfColumn(b)));
    auto *scale = addScale(plot, plot->plotLayout(), 1, 1, rect, label, style,
        std::isfinite(lo) ? QCPRange(lo, hi == lo ? lo + 1e-12 : hi) : QCPRange(0, 1), false);
    map->setColorScale(scale);
    map->setGradient(sequentialGradient());
    ux->setRange(cx.lower(), cx.upper());
    uy->setRange(cy.lower(), cy.upper());
    cx.showOn(plot->xAxis, ax);
    cy.showOn(plot->yAxis, ay);
    // Contours (marching squares over the cell centres) as white lines in data coordinates.
    const Metrics m = metricsFor(style);
    for (double level : contourLevels) {
        for (const auto &seg : contourSegments(values, level)) {
            auto *line = new QCPItemLine(plot);
            line->setClipAxisRect(rect);
            line->start->setCoords(cx.dataAt(seg.x0), cy.dataAt(seg.y0));
            line->end->setCoords(cx.dataAt(seg.x1), cy.dataAt(seg.y1));
            line->setPen(QPen(Qt::white, m.pen * 0.9));
        }
    }
    addStamp(plot, style);
    return map;
}

bool phaseDiagramCell(const QCPColorMap *map, const SweepPlan &plan, const QPointF &pos, int *i, int *j)
{
    if (!map || plan.spec.axes.size() < 2)
        return false;
    *i = CellAxis(plan.spec.axes[0]).cellAt(map->keyAxis()->pixelToCoord(pos.x()));
    *j = CellAxis(plan.spec.axes[1]).cellAt(map->valueAxis()->pixelToCoord(pos.y()));
    return *i >= 0 && *j >= 0;
}

void plotPinnedLoss(QCustomPlot *plot, const std::vector<const Curves *> &live,
    const std::vector<PinnedCurves> &pinned, const Style &style)
{
    QCPAxisRect *rect = reset(plot, style, "Test loss: live and pinned");
    styleAxis(plot->xAxis, style, "training time t");
    styleAxis(plot->yAxis, style, "test loss");
    auto *legend = new QCPLegend;
    rect->insetLayout()->addElement(legend, Qt::AlignTop | Qt::AlignRight);
    legend->setLayer("legend");
    legend->setFont(fontOf(style, 0.9));
    plot->legend = legend;
    const double pen = metricsFor(style).pen;
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
