// The plot grid: loss, overlaps and DMFT convergence on top; C_θ (theory vs simulation
// and their difference) and the DMFT kernels below. A panel can be maximised; errors
// of the run (divergence, failures) show in a banner above the grid, never swallowed.
#pragma once

#include "plotpanel.h"

#include <QTimer>
#include <QWidget>
#include <vector>

class QGridLayout;
class QLabel;

namespace dmftlab
{

class LossPanel;
class OverlapsPanel;
class KernelComparisonPanel;
class DmftKernelPanel;
class ConvergencePanel;

class PlotArea : public QWidget
{
    Q_OBJECT
public:
    explicit PlotArea(QWidget *parent = nullptr);

    /// Hands `view` to every panel. Now: the panels that changed are redrawn at once. Live
    /// (a run in progress) and Final (its end, antialiased): they are redrawn one per event
    /// loop turn, never all in one go, so input and timers are served in between (a run's
    /// final pictures of every panel took 54-70 ms in one turn); redrawsDone() follows.
    void setView(
        const std::shared_ptr<const ResultView> &view, PlotPanel::Redraw how = PlotPanel::Redraw::Now);
    /// Whether a visible panel still waits for its staggered redraw (see redrawsDone()).
    bool redrawsPending() const;
    const std::vector<PlotPanel *> &panels() const { return m_panels; }
    PlotPanel *panel(const QString &fileStem) const;
    /// Shows only `shown`, side by side in one row, in that order (presentation mode's chosen
    /// pair); an empty list puts every panel back in the grid.
    void showOnly(const std::vector<PlotPanel *> &shown);
    const std::vector<PlotPanel *> &shownOnly() const { return m_shownOnly; }

    /// Shows `message` in the banner (empty hides it). Errors are red, notes amber.
    void setBanner(const QString &message, bool error);
    QString banner() const;
    /// Hands the banner label to the caller's layout (the window puts it above the
    /// scrolling grid, so a long message wraps to the visible width instead of running
    /// off past the edge). PlotArea still sets its text.
    QLabel *takeBanner();

signals:
    void exportRequested(PlotPanel *panel);
    /// The staggered redraws are done: every visible panel shows the latest view (a panel
    /// hidden behind a maximised one is redrawn when it shows again).
    void redrawsDone();

private:
    void maximise(PlotPanel *panel, bool on);
    /// The standard grid: loss, overlaps, convergence over the C_θ comparison and DMFT kernels.
    void placeGrid();
    void redrawNextDirty();
    /// A panel hidden on purpose (maximise, presentation mode) waits: it is redrawn when shown.
    static bool waitsHidden(const PlotPanel *panel);

    QLabel *m_banner;
    QGridLayout *m_grid;
    std::vector<PlotPanel *> m_panels;
    std::vector<PlotPanel *> m_shownOnly;
    QTimer *m_stagger;
    std::size_t m_next = 0;
};

} // namespace dmftlab
