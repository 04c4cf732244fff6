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
    if (entry.area == Qt::BottomDockWidgetArea)
        capBottomDockHeight(window, dock);
    return dock;
}

void capBottomDockHeight(QMainWindow *window, QDockWidget *dock)
{
    QObject::connect(dock, &QDockWidget::visibilityChanged, window, [window, dock](bool visible) {
        const int most = window->height() * 55 / 100;
        if (visible && !dock->isFloating() && window->dockWidgetArea(dock) == Qt::BottomDockWidgetArea
            && dock->height() > most)
            window->resizeDocks({ dock }, { most }, Qt::Vertical);
    });
}

} // namespace dmftlab
