// Installs the Theory view (theoryview.h) in a main window: a right-hand dock, hidden
// until View ▸ Theory (Ctrl+T) or the help's link opens it, whose page follows the
// parameter dock; a clicked symbol raises and highlights the panel that plots it
// (revealTheoryTarget). Kept out of MainWindow so that it stays short.
#pragma once

#include <QString>

class QMainWindow;
class QMenu;
class QWidget;

namespace dmftlab
{

class ParameterPanel;
class PlotArea;
class TheoryView;

TheoryView *addTheoryDock(QMainWindow *window, QMenu *menu, ParameterPanel *parameters, PlotArea *area);

/// Shows the panel or dock of `target` (one of theoryLinkTargets()): un-maximises other
/// panels, scrolls it into view, picks the kernel of the DMFT kernel panel, raises a dock,
/// and frames it for a moment (HighlightOverlay). The widget shown, or null when `target`
/// names nothing in `window`.
QWidget *revealTheoryTarget(QMainWindow *window, PlotArea *area, const QString &target);

} // namespace dmftlab
