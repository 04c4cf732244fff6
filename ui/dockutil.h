// One way to add an optional dock: hidden until its entry in a menu is checked, the entry
// carrying the text, shortcut and tooltip (the Explore, Pins, Theory and Effective
// processes docks). Returns the dock.
#pragma once

#include <QKeySequence>
#include <QString>
#include <Qt>

class QDockWidget;
class QMainWindow;
class QMenu;
class QWidget;

namespace dmftlab
{

struct DockEntry {
    QString title; ///< the dock's title bar
    QString objectName; ///< for saveState() and tests
    QString menuText; ///< the menu entry, with its & accelerator
    QString toolTip;
    QKeySequence shortcut = {};
    Qt::DockWidgetArea area = Qt::RightDockWidgetArea;
};

QDockWidget *addHiddenDock(QMainWindow *window, QMenu *menu, QWidget *content, const DockEntry &entry);

/// A dock in the bottom area, whenever it is shown docked, takes at most 55 % of the window's
/// height: at its contents' size hint the Distributions dock left the plots about 80 px of a
/// 1366×768 window. (addHiddenDock does this for its bottom docks.)
void capBottomDockHeight(QMainWindow *window, QDockWidget *dock);

} // namespace dmftlab
