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

} // namespace dmftlab
