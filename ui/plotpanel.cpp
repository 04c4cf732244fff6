#include "plotpanel.h"

#include "engine/registry.h"
#include "queuedplot.h"

#include <QElapsedTimer>
#include <QHBoxLayout>
#include <QLabel>
#include <QStyle>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <cmath>

namespace dmftlab
{

// ---- ResultView ---------------------------------------------------------------------

const Curves *ResultView::find(const std::string &engine) const
{
    for (const auto &c : curves)
        if (c && c->engine == engine)
            return c.get();
    return nullptr;
}

const Curves *ResultView::firstSimulation() const
{
    for (const auto &c : curves)
        if (c && !figures::isTheoryEngine(c->engine))
            return c.get();
    return nullptr;
}

const Curves *ResultView::firstTheory() const
{
    // In registry order: the DMFT before the online ODE.
    for (const EngineInfo &e : engineRegistry())
        if (e.isTheory())
            if (const Curves *c = find(e.name))
                return c;
    return nullptr;
}

std::vector<const Curves *> ResultView::all() const
{
    std::vector<const Curves *> out;
    for (const auto &c : curves)
        if (c)
            out.push_back(c.get());
    return out;
}

QString ResultView::notes() const
{
    QStringList parts;
    for (const auto &[engine, warning] : warnings)
        parts << figures::engineLabel(engine) + ": " + warning;
    return parts.join("; ");
}

const Curves *ResultView::findFailed(const std::string &engine) const
{
    for (const auto &c : failed)
        if (c && c->engine == engine)
            return c.get();
    return nullptr;
}

std::vector<figures::PinnedCurves> ResultView::pinnedCurves() const
{
    std::vector<figures::PinnedCurves> out;
    for (const auto &[name, c] : pinned)
        out.push_back({ name, c.get() });
    return out;
}

bool ResultView::hasRun() const
{
    return !curves.empty() || !failed.empty() || !withoutCurves.empty();
}

QString ResultView::reasonFor(const std::string &engine) const
{
    if (const auto it = withoutCurves.find(engine); it != withoutCurves.end())
        return it->second;
    if (findFailed(engine))
        if (const auto it = warnings.find(engine); it != warnings.end())
            return it->second;
    return {};
}

// ---- PlotPanel ----------------------------------------------------------------------

PlotPanel::PlotPanel(const QString &title, const QString &fileStem, QWidget *parent)
    : QFrame(parent)
    , m_title(title)
    , m_fileStem(fileStem)
{
    setFrameShape(QFrame::StyledPanel);
    setObjectName("panel-" + fileStem);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    m_toolbar = new QHBoxLayout;
    m_toolbar->setSpacing(6);
    // The figure carries the title; the header holds the panel's options.
    // The note (e.g. "DMFT: not converged …") has a row of its own under the buttons and
    // wraps: beside them it was cut off on narrow panels.
    m_toolbar->addStretch(1);
    layout->addLayout(m_toolbar);
    m_note = new QLabel;
    m_note->setStyleSheet("color: #8a5a00;");
    m_note->setObjectName("note");
    m_note->setWordWrap(true);
    m_note->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Minimum);
    m_note->hide();
    layout->addWidget(m_note);

    m_plot = new QueuedPlot(this);
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setNoAntialiasingOnDrag(true);
    m_plot->setMinimumSize(220, 160);
    layout->addWidget(m_plot, 1);

    // Options added by subclasses go between the note and these buttons.
    auto *exportButton = new QToolButton;
    exportButton->setText("Export…");
    exportButton->setToolTip("Export this panel as PNG, PDF or SVG.");
    exportButton->setAutoRaise(true);
    connect(exportButton, &QToolButton::clicked, this, &PlotPanel::exportRequested);
    m_maximise = new QToolButton;
    m_maximise->setIcon(style()->standardIcon(QStyle::SP_TitleBarMaxButton));
    m_maximise->setCheckable(true);
    m_maximise->setAutoRaise(true);
    m_maximise->setToolTip("Maximise this panel (click again to restore the grid).");
    connect(m_maximise, &QToolButton::toggled, this, [this](bool on) {
        m_maximised = on;
        emit maximiseToggled(on);
    });
    m_toolbar->addWidget(exportButton);
    m_toolbar->addWidget(m_maximise);

    if (qEnvironmentVariableIsSet("DMFTLAB_PROFILE"))
        connect(m_plot, &QCustomPlot::afterReplot, this,
            [this] { qInfo("replot %s %.1f ms", qPrintable(m_fileStem), m_plot->replotTime()); });
    connect(m_plot, &QCustomPlot::mouseWheel, this, [this] { m_userRange = true; });
    connect(m_plot, &QCustomPlot::mouseMove, this, [this](QMouseEvent *e) {
        if (e->buttons() & Qt::LeftButton)
            m_userRange = true;
        else
            showHover(e);
    });
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this] {
        m_userRange = false;
        redraw();
    });
}

QCustomPlot *PlotPanel::plot() const
{
    return m_plot;
}

void PlotPanel::setDirty(bool dirty)
{
    m_dirty = dirty;
    m_plot->setRedrawPending(dirty);
}

void PlotPanel::addOption(QWidget *widget)
{
    m_toolbar->insertWidget(m_toolbar->count() - 2, widget);
}

bool PlotPanel::s_slideOnScreen = false;

void PlotPanel::setSlideStyleOnScreen(bool on)
{
    s_slideOnScreen = on;
}

void PlotPanel::setMaximised(bool on)
{
    m_maximise->setChecked(on);
}

void PlotPanel::setView(std::shared_ptr<const ResultView> view, Redraw how)
{
    std::vector<const void *> signature;
    if (view) {
        for (const auto &c : view->curves)
            if (c && uses(c->engine))
                signature.push_back(c.get());
        for (const auto &c : view->failed)
            if (c && uses(c->engine))
                signature.push_back(c.get());
        for (const auto &[name, c] : view->pinned) // a pin shown, hidden or renamed redraws
            signature.push_back(c.get());
        signature.push_back(view->family.get()); // a family point finished, or cleared
    }
    const auto pinNames = [](const ResultView &v) {
        QStringList names;
        for (const auto &p : v.pinned)
            names << p.first;
        return names;
    };
    const bool same = m_view && view && signature == m_signature && view->warnings == m_view->warnings
        && view->unconverged == m_view->unconverged && view->withoutCurves == m_view->withoutCurves
        && pinNames(*view) == pinNames(*m_view);
    m_view = std::move(view);
    m_signature = std::move(signature);
    if (same) {
        // Nothing new, but a run that just ended still owes its final picture: a live
        // update may have been queued for the staggered redraw, or drawn without
        // antialiasing, a moment before the run finished.
        if (how != Redraw::Live && (m_dirty || m_live)) {
            m_live = false;
            setDirty(true);
            if (how == Redraw::Now)
                redraw();
        }
        return;
    }
    m_note->setText(m_view ? m_view->notes() : QString());
    m_note->setToolTip(m_note->text());
    m_note->setVisible(!m_note->text().isEmpty());
    viewChanged();
    setDirty(true);
    m_live = how == Redraw::Live;
    if (how == Redraw::Now)
        redraw();
}

void PlotPanel::redraw(bool paintNow)
{
    QElapsedTimer timer;
    timer.start();
    setDirty(false);
    // Remember a user zoom: figures rebuild the axes on every draw.
    std::vector<std::pair<QCPRange, QCPRange>> ranges;
    if (m_userRange)
        for (QCPAxisRect *r : m_plot->axisRects())
            ranges.emplace_back(r->axis(QCPAxis::atBottom)->range(), r->axis(QCPAxis::atLeft)->range());
    // Live updates skip antialiasing (the costliest part of a replot); the final
    // picture of a run is drawn with it.
    if (m_live)
        m_plot->setNotAntialiasedElements(QCP::aeAll);
    else
        m_plot->setAntialiasedElements(
            QCP::aePlottables | QCP::aeItems | QCP::aeScatters | QCP::aeLegendItems | QCP::aeFills);
    figures::Style style;
    style.timePerEpoch = m_view ? m_view->timePerEpoch : 0.0;
    style.slide = s_slideOnScreen; // presentation mode: the slide style on screen
    if (m_view)
        style.unconverged = m_view->unconverged;
    draw(m_plot, style);
    const auto rects = m_plot->axisRects();
    if (m_userRange && static_cast<std::size_t>(rects.size()) == ranges.size()) {
        for (int i = 0; i < rects.size(); ++i) {
            rects[i]->axis(QCPAxis::atBottom)->setRange(ranges[i].first);
            rects[i]->axis(QCPAxis::atLeft)->setRange(ranges[i].second);
        }
    }
    m_plot->replot(paintNow ? QCustomPlot::rpRefreshHint : QCustomPlot::rpQueuedReplot);
    if (qEnvironmentVariableIsSet("DMFTLAB_PROFILE"))
        qInfo("draw %s %lld ms", qPrintable(m_fileStem), timer.elapsed());
}

bool PlotPanel::exportTo(const QString &path, int width, int height, double scale,
    const figures::Style &style, QString *error) const
{
    QCustomPlot offscreen; // never shown: exports do not disturb the screen's zoom
    offscreen.resize(width > 0 ? width : m_plot->width(), height > 0 ? height : m_plot->height());
    figures::Style canvasStyle = style;
    if (canvasStyle.canvas.isEmpty())
        canvasStyle.canvas = offscreen.size(); // fonts and pens scale with the export size
    draw(&offscreen, canvasStyle);
    return figures::exportPlot(&offscreen, path, width, height, scale, error);
}

void PlotPanel::showHover(QMouseEvent *event)
{
    const QPointF pos = event->position();
    QString text;
    double best = 14.0; // pixels
    for (int i = 0; i < m_plot->plottableCount(); ++i) {
        QCPAbstractPlottable *p = m_plot->plottable(i);
        if (!p->keyAxis() || !p->keyAxis()->axisRect()->rect().contains(pos.toPoint()))
            continue;
        if (auto *g = qobject_cast<QCPGraph *>(p)) {
            const QVariant seVar = g->property("se");
            if (!seVar.isValid() || g->data()->isEmpty())
                continue;
            const QVector<double> se = seVar.value<QVector<double>>();
            const double key = g->keyAxis()->pixelToCoord(pos.x());
            auto it = g->data()->findBegin(key, true);
            for (int step = 0; step < 3 && it != g->data()->constEnd(); ++step, ++it) {
                const QPointF px = g->coordsToPixels(it->key, it->value);
                const double dist = std::hypot(px.x() - pos.x(), px.y() - pos.y());
                if (dist < best) {
                    best = dist;
                    const int index = static_cast<int>(it - g->data()->constBegin());
                    const double s = index < se.size() ? se[index] : 0.0;
                    text = QString("%1\nt = %2\n%3%4")
                               .arg(g->name())
                               .arg(it->key, 0, 'g', 5)
                               .arg(it->value, 0, 'g', 6)
                               .arg(s > 0 ? QString(" ± %1").arg(s, 0, 'g', 3) : QString());
                }
            }
        } else if (auto *map = qobject_cast<QCPColorMap *>(p)) {
            if (!text.isEmpty())
                continue;
            const double t = map->keyAxis()->pixelToCoord(pos.x());
            const double s = map->valueAxis()->pixelToCoord(pos.y());
            int ki = -1, vi = -1;
            map->data()->coordToCell(t, s, &ki, &vi);
            if (ki < 0 || vi < 0 || ki >= map->data()->keySize() || vi >= map->data()->valueSize())
                continue;
            double ct = 0, cs = 0;
            map->data()->cellToCoord(ki, vi, &ct, &cs);
            const QString label = map->property("symbol").toString().isEmpty()
                ? QString("value")
                : map->property("symbol").toString();
            text = QString("%1\nt = %2, s = %3\n%4")
                       .arg(label)
                       .arg(ct, 0, 'g', 4)
                       .arg(cs, 0, 'g', 4)
                       .arg(map->data()->cell(ki, vi), 0, 'g', 6);
        }
    }
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), text, m_plot);
}

} // namespace dmftlab
