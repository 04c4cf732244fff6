// Line figures: loss, overlaps, DMFT convergence, and the message panel.
#include "figures.h"

#include "figuredata.h"
#include "figurelayout.h"
#include "figurestyle.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace dmftlab::figures
{

namespace
{

/// One quantity of one engine: a line with a band (theory) or markers with error bars
/// (simulation). Returns the graph holding the means (named for hover read-out).
QCPGraph *addSeries(QCPAxisRect *rect, const Curves &c, const Estimate &e, const QColor &color,
    const QString &quantity, const Style &style, bool logY)
{
    const Metrics m = metricsFor(style);
    const int n = std::min<int>({ validCount(c), static_cast<int>(e.mean.size()) });
    QVector<double> keys, values, errors;
    keys.reserve(n);
    values.reserve(n);
    errors.reserve(n);
    for (int i = 0; i < n; ++i) {
        const double v = e.mean[i];
        if (!std::isfinite(v) || (logY && v <= 0.0))
            continue;
        const double se = i < static_cast<int>(e.se.size()) && std::isfinite(e.se[i]) ? e.se[i] : 0.0;
        keys.push_back(c.t[i]);
        values.push_back(v);
        errors.push_back(se);
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
        const bool band = std::any_of(errors.begin(), errors.end(), [](double s) { return s > 0.0; });
        if (band) {
            QVector<double> lo(values.size()), hi(values.size());
            for (int i = 0; i < values.size(); ++i) {
                hi[i] = values[i] + errors[i];
                lo[i] = values[i] - errors[i];
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

} // namespace dmftlab::figures
