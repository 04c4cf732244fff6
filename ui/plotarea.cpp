#include "plotarea.h"

#include "plotpanels.h"

#include <QGridLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>

namespace dmftlab
{

PlotArea::PlotArea(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    m_banner = new QLabel;
    m_banner->setObjectName("banner");
    m_banner->setWordWrap(true);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->hide();
    layout->addWidget(m_banner);
    m_grid = new QGridLayout;
    m_grid->setSpacing(4);
    layout->addLayout(m_grid, 1);

    auto *loss = new LossPanel;
    auto *overlaps = new OverlapsPanel;
    auto *convergence = new ConvergencePanel;
    auto *kernel = new KernelComparisonPanel;
    auto *dmftKernels = new DmftKernelPanel;
    m_panels = { loss, overlaps, kernel, dmftKernels, convergence };
    placeGrid();
    m_stagger = new QTimer(this);
    connect(m_stagger, &QTimer::timeout, this, &PlotArea::redrawNextDirty);
    for (PlotPanel *p : m_panels) {
        connect(p, &PlotPanel::maximiseToggled, this, [this, p](bool on) { maximise(p, on); });
        connect(p, &PlotPanel::exportRequested, this, [this, p] { emit exportRequested(p); });
    }
}

void PlotArea::placeGrid()
{
    for (PlotPanel *p : m_panels)
        m_grid->removeWidget(p);
    m_grid->addWidget(m_panels[0], 0, 0);
    m_grid->addWidget(m_panels[1], 0, 1);
    m_grid->addWidget(m_panels[4], 0, 2);
    m_grid->addWidget(m_panels[2], 1, 0, 1, 2);
    m_grid->addWidget(m_panels[3], 1, 2);
    for (int c = 0; c < m_grid->columnCount(); ++c)
        m_grid->setColumnStretch(c, c < 3 ? 1 : 0);
}

void PlotArea::showOnly(const std::vector<PlotPanel *> &shown)
{
    m_shownOnly = shown;
    if (shown.empty()) {
        placeGrid();
        for (PlotPanel *p : m_panels) {
            p->show();
            if (p->isDirty())
                p->redraw();
        }
        return;
    }
    // Un-maximise first: that shows every other panel again, which the loop below then hides.
    for (PlotPanel *p : m_panels)
        if (p->isMaximised())
            p->setMaximised(false);
    for (PlotPanel *p : m_panels) {
        m_grid->removeWidget(p);
        p->hide();
    }
    for (int c = 0; c < m_grid->columnCount(); ++c)
        m_grid->setColumnStretch(c, 0);
    for (std::size_t i = 0; i < shown.size(); ++i) {
        m_grid->addWidget(shown[i], 0, static_cast<int>(i));
        m_grid->setColumnStretch(static_cast<int>(i), 1);
        shown[i]->show();
    }
}

PlotPanel *PlotArea::panel(const QString &fileStem) const
{
    for (PlotPanel *p : m_panels)
        if (p->fileStem() == fileStem)
            return p;
    return nullptr;
}

void PlotArea::setView(const std::shared_ptr<const ResultView> &view, PlotPanel::Redraw how)
{
    for (PlotPanel *p : m_panels)
        p->setView(view, how);
    if (how == PlotPanel::Redraw::Now)
        return;
    // Live updates leave 4 ms between panels (snapshots keep coming); the final pictures follow
    // each other at once, one per event loop turn, so that a stopped run is idle as soon as
    // without the staggering (Stop's latency includes them).
    const int interval = how == PlotPanel::Redraw::Live ? 4 : 0;
    if (m_stagger->interval() != interval)
        m_stagger->setInterval(interval); // restarts an active timer
    if (!m_stagger->isActive())
        m_stagger->start();
}

bool PlotArea::waitsHidden(const PlotPanel *panel)
{
    // Hidden by hide() (behind a maximised panel, or by presentation mode), not merely inside a
    // window that has not been shown yet: that one still gets its picture.
    return panel->isHidden() && panel->testAttribute(Qt::WA_WState_ExplicitShowHide);
}

bool PlotArea::redrawsPending() const
{
    return std::any_of(
        m_panels.begin(), m_panels.end(), [](const PlotPanel *p) { return p->isDirty() && !waitsHidden(p); });
}

void PlotArea::redrawNextDirty()
{
    // Visible panels first, round robin; a panel hidden behind a maximised one waits.
    for (std::size_t i = 0; i < m_panels.size(); ++i) {
        PlotPanel *p = m_panels[(m_next + i) % m_panels.size()];
        if (p->isDirty() && !waitsHidden(p)) {
            p->redraw(/*paintNow=*/true);
            m_next = (m_next + i + 1) % m_panels.size();
            return;
        }
    }
    m_stagger->stop();
    emit redrawsDone();
}

void PlotArea::setBanner(const QString &message, bool error)
{
    m_banner->setText(message);
    m_banner->setStyleSheet(error
            ? "background: #fde2e2; color: #8b0000; padding: 4px; border: 1px solid #d99;"
            : "background: #fff4d6; color: #6b4e00; padding: 4px; border: 1px solid #e0c070;");
    m_banner->setVisible(!message.isEmpty());
}

QLabel *PlotArea::takeBanner()
{
    layout()->removeWidget(m_banner);
    return m_banner;
}

QString PlotArea::banner() const
{
    return m_banner->isHidden() ? QString() : m_banner->text();
}

void PlotArea::maximise(PlotPanel *panel, bool on)
{
    // The grid's stretch factors would keep the hidden panels' columns: let the
    // maximised panel have every column while it is alone.
    for (int c = 0; c < m_grid->columnCount(); ++c)
        m_grid->setColumnStretch(c, on ? 0 : 1);
    for (PlotPanel *p : m_panels) {
        if (p == panel)
            continue;
        p->setVisible(!on);
        if (!on && p->isDirty())
            p->redraw();
    }
}

} // namespace dmftlab
