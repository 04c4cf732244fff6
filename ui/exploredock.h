// Installs the Pins dock and the Explore dock (SweepPanel: families and phase diagrams) in a main window:
// a right-hand dock, hidden until its entry in `menu` is checked, whose base
// configuration is the parameter dock's, and whose chosen points are handed to `load`
// (the main window loads and runs them). Kept out of MainWindow so it stays short.
#pragma once

#include "sessionstore.h"

#include <functional>

class QMainWindow;
class QMenu;

namespace dmftlab
{

class ParameterPanel;
class PinPanel;
class SweepPanel;

SweepPanel *addExploreDock(QMainWindow *window, ParameterPanel *parameters, QMenu *menu,
    std::function<void(const RunConfig &)> load);

/// The Pins dock (PinPanel) below the Explore dock, hidden until its entry in `menu` is
/// checked; `live` returns the live run (MainWindow::currentSession).
PinPanel *addPinsDock(QMainWindow *window, QMenu *menu, std::function<Session()> live);

} // namespace dmftlab
