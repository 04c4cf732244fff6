// A plot panel: a QCustomPlot with a small toolbar (options, maximise, export) that draws
// one figure of the current results through ui/figures. Panels keep the user's zoom and
// pan across live updates (double-click returns to automatic ranges) and show values
// under the mouse. Subclasses only say what to draw (`draw`), so the same code paints
// the screen and the exports (in the slide style when asked).
#pragma once

#include "figures.h"
#include "observables/curves.h"

#include <QFrame>
#include <QString>

#include <map>
#include <memory>
#include <string>
#include <vector>

class QCustomPlot;
class QHBoxLayout;
class QLabel;
class QMouseEvent;
class QToolButton;

namespace dmftlab
{

class QueuedPlot;

/// What the panels show: the latest curves of every engine of the run, and why a
/// theory engine's curves are no answer (diverged, not converged).
struct ResultView {
    std::vector<std::shared_ptr<const Curves>> curves;
    /// Theory results that are no answer (diverged): only the convergence panel shows
    /// them; the data panels say why instead of drawing the last iterate.
    std::vector<std::shared_ptr<const Curves>> failed;
    std::map<std::string, QString> warnings; ///< engine → e.g. "not converged: last iterate"
    /// Theory engines showing an unconverged iterate (engine → "iteration k of n"): drawn
    /// faded and dotted (figures::Style::unconverged).
    std::map<std::string, QString> unconverged;
    double dmftTolerance = 0.0; ///< the run's dmft.tolerance (drawn in the convergence panel)
    double dmftNoiseFraction = 0.0; ///< the run's dmft.noise_fraction (named in its legend)
    double timePerEpoch = 0.0; ///< α τ of the run: the epoch axis over the time axes
    /// Engines of the run without curves, and why: "starting…" (queued, or before the
    /// DMFT's first iterate), or how they ended first — their panels say so, not "not run".
    std::map<std::string, QString> withoutCurves;
    /// Visible pinned runs (name, one engine's curves each), drawn faded in the loss and
    /// overlap panels; the shared pointers keep them alive if the pin is removed meanwhile.
    std::vector<std::pair<QString, std::shared_ptr<const Curves>>> pinned;
    std::vector<figures::PinnedCurves> pinnedCurves() const;
    /// The Explore dock's family, overlaid in the loss and overlap panels (null: none).
    std::shared_ptr<const figures::FamilyOverlay> family;

    /// False before the first run (no engine computed, failed or started anything).
    bool hasRun() const;
    const Curves *findFailed(const std::string &engine) const;
    /// Why `engine` has no usable curves (failed, starting, ended first), empty if it has them.
    QString reasonFor(const std::string &engine) const;

    const Curves *find(const std::string &engine) const;
    const Curves *firstSimulation() const;
    const Curves *firstTheory() const;
    std::vector<const Curves *> all() const;
    /// Short notes for the panel headers ("DMFT: not converged ...").
    QString notes() const;
};

class PlotPanel : public QFrame
{
    Q_OBJECT
public:
    PlotPanel(const QString &title, const QString &fileStem, QWidget *parent = nullptr);

    QString title() const { return m_title; }
    QString fileStem() const { return m_fileStem; } ///< "loss", "overlaps", ...
    QCustomPlot *plot() const;

    /// How new results reach the screen. Now: the figure is redrawn at once, antialiased.
    /// Live (a run in progress) and Final (the run's end) only mark the panel dirty for its
    /// owner to redraw when it chooses (PlotArea spreads those redraws over event loop turns):
    /// Live without antialiasing (the costliest part of a replot), Final with it.
    enum class Redraw { Now, Live, Final };
    void setView(std::shared_ptr<const ResultView> view, Redraw how = Redraw::Now);
    bool isDirty() const { return m_dirty; }
    const ResultView *view() const { return m_view.get(); }

    /// Draws this panel's figure into `plot` (the screen, or an offscreen export plot).
    virtual void draw(QCustomPlot *plot, const figures::Style &style) const = 0;
    /// Redraws on screen, keeping a user zoom. The replot (painting) is queued, so several
    /// redraws in one event loop turn paint once, unless paintNow: PlotArea's staggered
    /// redraws paint in the same turn, so each turn carries one panel's whole work (queued,
    /// the paintings of all staggered panels landed in one turn).
    void redraw(bool paintNow = false);
    /// Renders offscreen and writes `path` (format from the suffix).
    bool exportTo(const QString &path, int width, int height, double scale, const figures::Style &style,
        QString *error) const;

    bool isMaximised() const { return m_maximised; }
    void setMaximised(bool on);
    /// Every panel draws on screen in the slide style (presentation mode) from its next redraw.
    static void setSlideStyleOnScreen(bool on);
    static bool slideStyleOnScreen() { return s_slideOnScreen; }

signals:
    void maximiseToggled(bool on);
    void exportRequested();

protected:
    /// Adds an option widget to the toolbar (before Export and Maximise).
    void addOption(QWidget *widget);
    /// Called when a new view arrives, before the redraw (e.g. to list k×k* entries).
    virtual void viewChanged() { }
    /// Whether the figure depends on `engine`'s curves: a new snapshot of an engine the
    /// panel does not show causes no redraw (live runs update at ~30 Hz).
    virtual bool uses(const std::string &engine) const
    {
        (void)engine;
        return true;
    }

private:
    void showHover(QMouseEvent *event);
    /// Marks the panel (not) owing a redraw; its plot's resizes wait for that redraw meanwhile.
    void setDirty(bool dirty);

    QString m_title, m_fileStem;
    QueuedPlot *m_plot = nullptr; ///< resizes replot one plot per turn (queuedplot.h)
    QHBoxLayout *m_toolbar = nullptr;
    QLabel *m_note = nullptr;
    QToolButton *m_maximise = nullptr;
    std::shared_ptr<const ResultView> m_view;
    std::vector<const void *> m_signature; ///< curves this panel last drew
    bool m_userRange = false;
    bool m_dirty = false;
    bool m_live = false; ///< the last view came from a run in progress
    bool m_maximised = false;
    static bool s_slideOnScreen;
};

} // namespace dmftlab
