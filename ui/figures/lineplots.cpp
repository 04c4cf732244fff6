// Line figures: loss, overlaps, DMFT convergence, and the message panel.
#include "figures.h"

#include "figuredata.h"
#include "figurelayout.h"
#include "figurestyle.h"
#include "observables/statistics.h"
#include "richtextelement.h"
#include "sweepfigures.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace dmftlab::figures
{

namespace
{

const QString kTimeLabel = QStringLiteral("training time t");

/// How one quantity is drawn: its colour and marker shape (two cues), its name.
struct Cue {
    QString name;
    QColor color;
    QCPScatterStyle::ScatterShape shape;
    /// A quantity that cannot be negative (a loss, the test error, a diagonal Q_aa): its band
    /// stops at 0 (a time-step estimate at a coarse dt can exceed the value itself)
    bool nonNegative = false;
};

/// The most markers a simulation series shows: dense grids are thinned to about one
/// marker per 2.5 marker widths of the canvas, so error bars stay visible between them.
int markerBudget(const QCustomPlot *plot, const Style &style)
{
    const Metrics m = metricsFor(style);
    const int width = style.canvas.isEmpty() ? plot->width() : style.canvas.width();
    return std::clamp(static_cast<int>(width / (2.5 * m.marker)), 12, 400);
}

/// One quantity of one engine: a line with a band and a few markers of the quantity's
/// shape (theory), or markers with error bars (simulation). Returns the graph holding
/// the means (named for hover read-out).
QCPGraph *addSeries(QCPAxisRect *rect, const Curves &c, const Estimate &e, const Cue &cue, const Style &style,
    bool logY, int budget)
{
    const Metrics m = metricsFor(style);
    const int n = std::min<int>({ validCount(c), static_cast<int>(e.mean.size()) });
    QVector<double> keys, values, errors, halfWidths, bars;
    keys.reserve(n);
    values.reserve(n);
    errors.reserve(n);
    // A theory band is the 68 % Student-t interval of its SE (R − 1 degrees of freedom; 1 SE
    // when unknown) plus its time-step error estimate where the engine made one (theory §8).
    const double tq = studentTQuantile(kOneSigmaCoverage, c.seDegreesOfFreedom);
    // t = 0 has no place on a log time axis (a line from it would run to the left edge).
    const bool logX = rect->axis(QCPAxis::atBottom)->scaleType() == QCPAxis::stLogarithmic;
    for (int i = 0; i < n; ++i) {
        const double v = e.mean[i];
        if (!std::isfinite(v) || (logY && v <= 0.0) || (logX && !(c.t[i] > 0.0)))
            continue;
        const double se = i < static_cast<int>(e.se.size()) && std::isfinite(e.se[i]) ? e.se[i] : 0.0;
        const double disc
            = i < static_cast<int>(e.discretisation.size()) && std::isfinite(e.discretisation[i])
            ? e.discretisation[i]
            : 0.0;
        keys.push_back(c.t[i]);
        values.push_back(v);
        errors.push_back(se);
        halfWidths.push_back(tq * se + disc);
        bars.push_back(se + disc); // a simulation's error bar: 1 SE plus its time-step error estimate
    }
    QCPAxis *x = rect->axis(QCPAxis::atBottom), *y = rect->axis(QCPAxis::atLeft);
    auto *graph = new QCPGraph(x, y);
    graph->setName(cue.name + " · " + engineLabel(c.engine));
    graph->removeFromLegend();
    const QColor color = cue.color;
    const bool theory = isTheoryEngine(c.engine);
    // An unconverged iterate: faded and dotted (the ODE is dashed), its band fainter.
    const bool iterate = theory && style.unconverged.count(c.engine) > 0;
    if (theory) {
        graph->setProperty("se", QVariant::fromValue(errors));
        QColor lineColor = color;
        if (iterate)
            lineColor.setAlpha(150);
        graph->setPen(QPen(lineColor, m.pen, iterate ? Qt::DotLine : lineOf(c.engine)));
        graph->setLineStyle(QCPGraph::lsLine);
        const bool band = std::any_of(halfWidths.begin(), halfWidths.end(), [](double s) { return s > 0.0; });
        if (band) {
            QVector<double> lo(values.size()), hi(values.size());
            for (int i = 0; i < values.size(); ++i) {
                hi[i] = values[i] + halfWidths[i];
                lo[i] = values[i] - halfWidths[i];
                if (cue.nonNegative)
                    lo[i] = std::max(lo[i], 0.0);
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
            fill.setAlpha(iterate ? 25 : 60);
            upper->setBrush(fill);
            upper->setChannelFillGraph(lower);
        }
        graph->setData(keys, values, true); // drawn above its band
        // The quantity's shape on the line too, a few times (staggered between quantities
        // so that lines which meet do not stack their markers).
        if (keys.size() > 1) {
            QVector<double> mk, mv;
            constexpr int kLineMarkers = 7;
            const double phase = 0.5 + 0.3 * std::sin(1.7 * static_cast<int>(cue.shape));
            for (int j = 0; j < kLineMarkers; ++j) {
                const int i = std::clamp(static_cast<int>((j + phase) * keys.size() / kLineMarkers), 0,
                    static_cast<int>(keys.size()) - 1);
                mk.push_back(keys[i]);
                mv.push_back(values[i]);
            }
            auto *marks = new QCPGraph(x, y);
            marks->removeFromLegend();
            marks->setSelectable(QCP::stNone);
            marks->setLineStyle(QCPGraph::lsNone);
            marks->setScatterStyle(QCPScatterStyle(cue.shape, QPen(lineColor, m.pen * 0.6),
                iterate ? QBrush(Qt::white) : QBrush(color), m.marker * 0.85));
            marks->setData(mk, mv, true);
        }
    } else {
        // Thin dense grids to the marker budget, always keeping the last point.
        const int stride
            = std::max(1, static_cast<int>(std::ceil(static_cast<double>(keys.size()) / budget)));
        if (stride > 1) {
            QVector<double> k2, v2, e2, b2;
            for (int i = 0; i < keys.size(); ++i) {
                if (i % stride == 0 || i == keys.size() - 1) {
                    k2.push_back(keys[i]);
                    v2.push_back(values[i]);
                    e2.push_back(errors[i]);
                    b2.push_back(bars[i]);
                }
            }
            keys.swap(k2);
            values.swap(v2);
            errors.swap(e2);
            bars.swap(b2);
        }
        graph->setProperty("se", QVariant::fromValue(errors));
        graph->setLineStyle(QCPGraph::lsNone);
        graph->setPen(QPen(color, m.pen * 0.8));
        graph->setScatterStyle(
            QCPScatterStyle(cue.shape, QPen(color, m.pen * 0.7), markerFill(c.engine, color), m.marker));
        graph->setData(keys, values, true);
        auto *errorBars = new QCPErrorBars(x, y);
        errorBars->removeFromLegend();
        errorBars->setSelectable(QCP::stNone);
        errorBars->setDataPlottable(graph);
        errorBars->setData(bars);
        errorBars->setPen(QPen(color, std::max(1.0, m.pen * 0.6)));
        errorBars->setWhiskerWidth(style.slide ? 0 : 4 * m.scale);
        errorBars->setSymbolGap(m.marker);
    }
    return graph;
}

/// Legend keys: one entry per quantity (its colour and shape) and one per engine (its
/// line style or marker fill, in grey).
void addQuantityKey(QCPAxisRect *rect, const Cue &cue, const Style &style)
{
    const Metrics m = metricsFor(style);
    auto *g = new QCPGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    g->setName(cue.name);
    g->setPen(QPen(cue.color, m.pen * 1.5));
    g->setScatterStyle(QCPScatterStyle(cue.shape, QPen(cue.color, m.pen * 0.7), cue.color, m.marker));
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
        const auto iterate = style.unconverged.find(c->engine);
        const bool unconverged = isTheoryEngine(c->engine) && iterate != style.unconverged.end();
        g->setName(engineLabel(c->engine)
            + (unconverged                      ? " " + iterate->second + ", not converged"
                    : isTheoryEngine(c->engine) ? QString(c->continuousTime ? " (d = ∞, dt → 0)" : " (d = ∞)")
                    : c->continuousTime         ? QString(" (dt → 0)")
                                                : QString()));
        g->setSelectable(QCP::stNone);
        const QColor grey(70, 70, 70);
        if (unconverged) {
            g->setPen(QPen(QColor(70, 70, 70, 150), m.pen, Qt::DotLine));
        } else if (isTheoryEngine(c->engine)) {
            g->setPen(QPen(grey, m.pen, lineOf(c->engine)));
        } else {
            g->setLineStyle(QCPGraph::lsNone);
            g->setPen(QPen(grey, m.pen * 0.8));
            g->setScatterStyle(QCPScatterStyle(
                QCPScatterStyle::ssCircle, QPen(grey, m.pen * 0.7), markerFill(c->engine, grey), m.marker));
        }
    }
}

/// A quantity to draw: its cue and where each Curves keeps it (null: not there).
struct Quantity {
    Cue cue;
    std::function<const Estimate *(const Curves &)> estimate;
};

/// Draws every quantity of every engine into `rect` with its legend keys.
void drawQuantities(QCustomPlot *plot, QCPAxisRect *rect, const std::vector<const Curves *> &curves,
    const std::vector<Quantity> &quantities, const Style &style, bool logY)
{
    const int budget = markerBudget(plot, style);
    for (const Quantity &q : quantities) {
        bool drawn = false;
        for (const Curves *c : curves) {
            const Estimate *e = q.estimate(*c);
            if (!e || !hasFinite(e->mean, validCount(*c)))
                continue;
            addSeries(rect, *c, *e, q.cue, style, logY, budget);
            drawn = true;
        }
        if (drawn)
            addQuantityKey(rect, q.cue, style);
    }
    addEngineKeys(rect, curves, style);
}

/// The finite points of `e` (of `c`) a line can show on the axes' scales.
void finitePoints(
    const Curves &c, const Estimate &e, bool logX, bool logY, QVector<double> *keys, QVector<double> *values)
{
    const int n = std::min<int>(validCount(c), static_cast<int>(e.mean.size()));
    for (int i = 0; i < n; ++i) {
        const double v = e.mean[i];
        if (std::isfinite(v) && !(logY && v <= 0.0) && !(logX && !(c.t[i] > 0.0))) {
            keys->push_back(c.t[i]);
            values->push_back(v);
        }
    }
}

/// A thin reference line (pinned run, family member): no markers, no bands, no legend
/// entry of its own, named for the hover read-out.
void addReferenceLine(QCPAxisRect *rect, const QVector<double> &keys, const QVector<double> &values,
    const QPen &pen, const QString &name)
{
    auto *g = new QCPGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
    g->setPen(pen);
    g->setName(name);
    g->removeFromLegend();
    g->setSelectable(QCP::stNone);
    g->setData(keys, values, true);
}

/// Pinned runs: every quantity of every pinned engine as a thin, faded, dashed line in the
/// quantity's colour (no markers, no bands: a reference, not a result to read off), and
/// one grey legend entry per pin.
void drawPinned(QCPAxisRect *rect, const std::vector<PinnedCurves> &pinned,
    const std::vector<Quantity> &quantities, const Style &style, bool logY)
{
    const Metrics m = metricsFor(style);
    const bool logX = rect->axis(QCPAxis::atBottom)->scaleType() == QCPAxis::stLogarithmic;
    std::vector<QString> named;
    for (const PinnedCurves &p : pinned) {
        if (!p.curves)
            continue;
        bool drawn = false;
        for (const Quantity &q : quantities) {
            const Estimate *e = q.estimate(*p.curves);
            if (!e)
                continue;
            QVector<double> keys, values;
            finitePoints(*p.curves, *e, logX, logY, &keys, &values);
            if (keys.isEmpty())
                continue;
            QColor faded = q.cue.color;
            faded.setAlpha(110);
            addReferenceLine(rect, keys, values, QPen(faded, m.pen * 0.8, Qt::DashLine),
                q.cue.name + " · pinned " + p.name + " (" + engineLabel(p.curves->engine) + ")");
            drawn = true;
        }
        if (drawn && std::find(named.begin(), named.end(), p.name) == named.end()) {
            named.push_back(p.name);
            auto *key = new QCPGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
            key->setName("pinned: " + p.name);
            key->setPen(QPen(QColor(70, 70, 70, 140), m.pen * 0.8, Qt::DashLine));
            key->setSelectable(QCP::stNone);
        }
    }
}

/// A family (issue 11): every member's quantities as thin faded lines in the member's
/// colour on the sequential map (the colour bar reads the parameter off), the quantities
/// told apart by their dash pattern (solid, dashed, dotted, ... in the legend's order).
/// Drawn before the live run, so the live curves lie on top.
void drawFamily(QCPAxisRect *rect, const FamilyOverlay &family, const std::vector<Quantity> &quantities,
    const Style &style, bool logY)
{
    const Metrics m = metricsFor(style);
    const bool logX = rect->axis(QCPAxis::atBottom)->scaleType() == QCPAxis::stLogarithmic;
    const Qt::PenStyle dashes[] = { Qt::SolidLine, Qt::DashLine, Qt::DotLine, Qt::DashDotLine };
    for (const FamilyOverlay::Member &member : family.members) {
        if (!member.curves)
            continue;
        QColor colour = familyColor(member.position);
        colour.setAlpha(kFamilyAlpha);
        for (std::size_t qi = 0; qi < quantities.size(); ++qi) {
            const Estimate *e = quantities[qi].estimate(*member.curves);
            if (!e)
                continue;
            QVector<double> keys, values;
            finitePoints(*member.curves, *e, logX, logY, &keys, &values);
            if (!keys.isEmpty())
                addReferenceLine(rect, keys, values, QPen(colour, m.pen * 0.8, dashes[qi % 4]),
                    quantities[qi].cue.name + " · family " + member.label);
        }
    }
}

/// (simulation − theory) / SE of every quantity, SE = √(SE_sim² + SE_theory²), on the
/// grid points both have; dashed lines at ±2. The theory is the first d = ∞ engine.
void drawDeviations(QCustomPlot *plot, QCPAxisRect *rect, const std::vector<const Curves *> &curves,
    const std::vector<Quantity> &quantities, const Style &style)
{
    const Metrics m = metricsFor(style);
    const Curves *theory = nullptr;
    for (const Curves *c : curves)
        if (!theory && isTheoryEngine(c->engine) && validCount(*c) > 0)
            theory = c;
    QCPAxis *x = rect->axis(QCPAxis::atBottom), *y = rect->axis(QCPAxis::atLeft);
    double tMax = 0.0;
    for (const Curves *c : curves)
        if (validCount(*c) > 0)
            tMax = std::max(tMax, c->t[validCount(*c) - 1]);
    for (double level : { -2.0, 0.0, 2.0 }) {
        auto *g = new QCPGraph(x, y);
        g->removeFromLegend();
        g->setSelectable(QCP::stNone);
        g->setPen(QPen(
            QColor(120, 120, 120), std::max(1.0, m.pen * 0.5), level == 0.0 ? Qt::SolidLine : Qt::DashLine));
        g->setData(QVector<double> { 0.0, std::max(tMax, 1e-9) }, QVector<double> { level, level }, true);
    }
    if (!theory)
        return;
    const int budget = markerBudget(plot, style);
    for (const Quantity &q : quantities) {
        const Estimate *et = q.estimate(*theory);
        if (!et)
            continue;
        bool drawn = false;
        for (const Curves *c : curves) {
            if (isTheoryEngine(c->engine) || c->t != theory->t)
                continue;
            const Estimate *es = q.estimate(*c);
            if (!es)
                continue;
            const int n = std::min({ validCount(*c), validCount(*theory), static_cast<int>(es->mean.size()),
                static_cast<int>(et->mean.size()) });
            Estimate z;
            z.resize(n);
            for (int i = 0; i < n; ++i) {
                const double sa
                    = i < static_cast<int>(es->se.size()) && std::isfinite(es->se[i]) ? es->se[i] : 0.0;
                const double sb
                    = i < static_cast<int>(et->se.size()) && std::isfinite(et->se[i]) ? et->se[i] : 0.0;
                const double se = std::sqrt(sa * sa + sb * sb);
                z.mean[i]
                    = se > 0.0 ? (es->mean[i] - et->mean[i]) / se : std::numeric_limits<double>::quiet_NaN();
                z.se[i] = 0.0;
            }
            if (!hasFinite(z.mean, n))
                continue;
            Cue cue = q.cue;
            cue.nonNegative = false; // a deviation has either sign
            addSeries(rect, *c, z, cue, style, false, budget);
            drawn = true;
        }
        if (drawn)
            addQuantityKey(rect, q.cue, style);
    }
    std::vector<const Curves *> simulations;
    for (const Curves *c : curves)
        if (!isTheoryEngine(c->engine))
            simulations.push_back(c);
    addEngineKeys(rect, simulations, style);
}

/// An epoch axis on top (epochs = t / (α τ)), following the time axis when zoomed.
void addEpochAxis(QCPAxisRect *rect, const Style &style)
{
    QCPAxis *x = rect->axis(QCPAxis::atBottom), *top = rect->axis(QCPAxis::atTop);
    if (!(style.timePerEpoch > 0.0) || x->scaleType() != QCPAxis::stLinear)
        return;
    styleAxis(top, style, "epochs");
    // Epoch labels (0.25, 1.25) are wider than the time axis's: fewer of them on a narrow
    // panel, or they run into each other.
    const int width = style.canvas.isEmpty() ? rect->parentPlot()->width() : style.canvas.width();
    top->ticker()->setTickCount(std::clamp(width / 110, 2, 5));
    top->grid()->setVisible(false);
    top->setVisible(true);
    const double perEpoch = style.timePerEpoch;
    top->setRange(x->range().lower / perEpoch, x->range().upper / perEpoch);
    QObject::connect(x, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), top,
        [top, perEpoch](const QCPRange &r) { top->setRange(r.lower / perEpoch, r.upper / perEpoch); });
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

/// The data and furniture of a time-series panel (losses, overlaps): the quantities (or their
/// (simulation − theory)/SE deviations), the pinned runs, axes, epoch axis, legend and stamp.
void drawTimeSeries(QCustomPlot *plot, const Layout &layout, const std::vector<const Curves *> &curves,
    const std::vector<Quantity> &quantities, const std::vector<PinnedCurves> &pinned,
    const FamilyOverlay *family, bool deviation, bool logY, const Style &style)
{
    QCPAxisRect *rect = layout.rects[0];
    if (deviation) {
        drawDeviations(plot, rect, curves, quantities, style);
    } else {
        if (family)
            drawFamily(rect, *family, quantities, style, logY);
        drawQuantities(plot, rect, curves, quantities, style, logY);
        drawPinned(rect, pinned, quantities, style, logY);
    }
    finishAxes(rect, logY);
    if (family && !deviation)
        addFamilyColorBar(plot, layout.grid, 0, layout.grid->columnCount(), rect, *family, style);
    addEpochAxis(rect, style);
    placeLegend(plot, layout, style);
    addStamp(plot, style);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace

// ---- loss ---------------------------------------------------------------------------

void plotLoss(QCustomPlot *plot, const std::vector<const Curves *> &curves, const Style &style)
{
    plotLoss(plot, curves, style, LossOptions {});
}

void plotLoss(
    QCustomPlot *plot, const std::vector<const Curves *> &all, const Style &style, const LossOptions &options)
{
    const auto curves = nonNull(all);
    Layout layout
        = resetPlot(plot, style, options.deviation ? "Loss: (simulation − DMFT) / SE" : "Loss", 1, true);
    QCPAxisRect *rect = layout.rects[0];
    styleAxis(rect->axis(QCPAxis::atBottom), style, kTimeLabel);
    styleAxis(
        rect->axis(QCPAxis::atLeft), style, options.deviation ? "(simulation − theory) / SE" : "loss, error");
    setLogScale(rect->axis(QCPAxis::atBottom), options.logX);
    setLogScale(rect->axis(QCPAxis::atLeft), options.logY && !options.deviation);

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
    std::vector<Quantity> quantities;
    const auto add = [&](bool on, const QString &name, int cue, const Estimate Curves::*member) {
        if (on)
            quantities.push_back({ { name, quantityColor(style, cue), quantityMarker(cue), true },
                [member](const Curves &c) { return &(c.*member); } });
    };
    add(options.train, "train loss", 0, &Curves::trainLoss);
    add(options.test, errorIsLoss ? "test loss = test error" : "test loss", 1, &Curves::testLoss);
    add(options.error && !errorIsLoss, "test error", 2, &Curves::testError);
    const bool logY = options.logY && !options.deviation;
    drawTimeSeries(
        plot, layout, curves, quantities, options.pinned, options.family, options.deviation, logY, style);
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
    Layout layout = resetPlot(
        plot, style, options.deviation ? "Overlaps: (simulation − DMFT) / SE" : "Overlaps", 1, true);
    QCPAxisRect *rect = layout.rects[0];
    styleAxis(rect->axis(QCPAxis::atBottom), style, kTimeLabel);
    styleAxis(rect->axis(QCPAxis::atLeft), style,
        options.deviation ? "(simulation − theory) / SE" : "M(t) = θᵀθ*/d,  Q(t) = θᵀθ/d");
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
    std::vector<Quantity> quantities;
    int cue = 0;
    for (const QString &name : overlapEntryNames(k, kStar)) {
        const bool isM = name.startsWith('M');
        const QStringList parts = name.split('_');
        const int a = parts[1].toInt() - 1, b = parts[2].toInt() - 1;
        const int index = cue++; // an entry keeps its colour and shape when others are hidden
        if ((isM && !options.showM) || (!isM && !options.showQ) || !wanted(name))
            continue;
        const QString label = (k == 1 && kStar == 1)
            ? QString(isM ? "M" : "Q")
            : QString(isM ? "M" : "Q") + subscript(a + 1) + subscript(b + 1);
        quantities.push_back({ { label, quantityColor(style, index), quantityMarker(index), !isM && a == b },
            [isM, a, b](const Curves &c) -> const Estimate * {
                const int cols = isM ? c.kStar : c.k;
                const auto &list = isM ? c.M : c.Q;
                if (a >= c.k || b >= cols || a * cols + b >= static_cast<int>(list.size()))
                    return nullptr;
                return &list[a * cols + b];
            } });
    }
    drawTimeSeries(plot, layout, curves, quantities, options.pinned, options.family, options.deviation,
        /*logY=*/false, style);
}

// ---- convergence --------------------------------------------------------------------

void plotConvergence(QCustomPlot *plot, const std::vector<const Curves *> &all, const Style &style,
    double tolerance, double noiseFraction)
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
        const QColor color = quantityColor(style, colour);
        g->setPen(QPen(color, m.pen));
        g->setScatterStyle(QCPScatterStyle(quantityMarker(colour++), color, color, m.marker * 0.8));
        g->setData(keys, values, true);
        last = std::max(last, static_cast<double>(c->residuals.size()));
    }
    if (tolerance > 0.0 && std::isfinite(tolerance)) {
        // The stopping level, drawn across the iterations so far (part of the y range).
        auto *g = new QCPGraph(rect->axis(QCPAxis::atBottom), rect->axis(QCPAxis::atLeft));
        QString name = QString("tolerance %1").arg(tolerance, 0, 'g', 3);
        if (noiseFraction > 0.0 && std::isfinite(noiseFraction))
            name += QString(",\nor truncation < %1 SE").arg(noiseFraction, 0, 'g', 3);
        g->setName(name);
        g->setPen(QPen(QColor(90, 90, 90), std::max(1.0, m.pen * 0.7), Qt::DashLine));
        g->setSelectable(QCP::stNone);
        g->setData(QVector<double> { 0.5, std::max(1.0, last) + 0.5 },
            QVector<double> { tolerance, tolerance }, true);
    }
    finishAxes(rect, true);
    // Every residual stays in view, also those more than 8 decades below the tolerance (a marched
    // solve's check, ~1e-13); when all are below the tolerance, its line gets room under the legend.
    double smallest = std::numeric_limits<double>::infinity(), largest = 0.0;
    for (const Curves *c : curves)
        for (double r : c->residuals)
            if (std::isfinite(r) && r > 0.0) {
                smallest = std::min(smallest, r);
                largest = std::max(largest, r);
            }
    QCPAxis *y = rect->axis(QCPAxis::atLeft);
    if (std::isfinite(smallest) && smallest < y->range().lower)
        y->setRangeLower(smallest / 2.0);
    if (tolerance > 0.0 && std::isfinite(tolerance) && largest > 0.0 && largest < tolerance)
        y->setRangeUpper(std::max(y->range().upper, tolerance * 1e3));
    rect->axis(QCPAxis::atBottom)->setRange(0.5, std::max(1.0, last) + 0.5);
    placeLegend(plot, layout, style);
    addStamp(plot, style);
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
    plot->plotLayout()->addElement(0, 0, new RichTextElement(plot, title, font(m.titleFont, true)));
    auto *text = new QCPTextElement(plot, wrapped(message), font(m.font * 1.1));
    text->setTextColor(QColor(90, 90, 90));
    plot->plotLayout()->addElement(1, 0, text);
    plot->plotLayout()->setRowStretchFactor(0, 0.001);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

} // namespace dmftlab::figures
