// Installs the Theory view (theoryview.h) in a main window: a right-hand dock, hidden
// until View ▸ Theory (Ctrl+T) or the help's link opens it, whose page follows the
// parameter dock; a clicked symbol raises and highlights the panel that plots it
// (revealTheoryTarget). Also the Effective processes dock (effectivepathspanel.h), which
// the Theory view links to, and the DMFT iterate scrubber (iteratescrubber.h). Kept out of MainWindow so that
// it stays short.
#pragma once

#include "config/config.h"

#include <QString>
#include <functional>

class QMainWindow;
class QMenu;
class QWidget;

namespace dmftlab
{

class ParameterPanel;
class PlotArea;
class TheoryView;
class EffectivePathsPanel;
class IterateScrubber;
class RunController;

TheoryView *addTheoryDock(QMainWindow *window, QMenu *menu, ParameterPanel *parameters, PlotArea *area);

/// A bottom dock with the effective-process sample paths (View ▸ Effective processes),
/// hidden until asked for, filled from the DMFT engine of every finished run of `controller`
/// (`shownConfig()`: the shown run's configuration — teacher prior, M_0, λ).
EffectivePathsPanel *addEffectivePathsDock(
    QMainWindow *window, QMenu *menu, RunController *controller, std::function<RunConfig()> shownConfig);

/// The DMFT iterate scrubber in a bottom toolbar (View ▸ DMFT iterates, Ctrl+I), hidden until
/// asked for, fed with the DMFT engine's iterates of `controller` as they come.
IterateScrubber *addIterateScrubber(QMainWindow *window, QMenu *menu, RunController *controller);

/// Shows the panel or dock of `target` (one of theoryLinkTargets()): un-maximises other
/// panels, scrolls it into view, picks the kernel of the DMFT kernel panel, raises a dock,
/// and frames it for a moment (HighlightOverlay). The widget shown, or null when `target`
/// names nothing in `window`.
QWidget *revealTheoryTarget(QMainWindow *window, PlotArea *area, const QString &target);
/// The object name of the dock `target` names ("theoryDock", …), empty for a panel.
QString theoryTargetDock(const QString &target);

} // namespace dmftlab
