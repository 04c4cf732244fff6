#include "dockutil.h"

#include <QAction>
#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>

namespace dmftlab
{

QDockWidget *addHiddenDock(QMainWindow *window, QMenu *menu, QWidget *content, const DockEntry &entry)
{
    auto *dock = new QDockWidget(entry.title);
    dock->setObjectName(entry.objectName);
    dock->setWidget(content);
    window->addDockWidget(entry.area, dock);
    dock->hide();
    QAction *toggle = dock->toggleViewAction();
    toggle->setText(entry.menuText);
    if (!entry.shortcut.isEmpty())
        toggle->setShortcut(entry.shortcut);
    toggle->setToolTip(entry.toolTip);
    menu->addAction(toggle);
    return dock;
}

} // namespace dmftlab
