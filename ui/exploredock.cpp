#include "exploredock.h"

#include "parameterpanel.h"
#include "pinpanel.h"
#include "sweeppanel.h"

#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>

namespace dmftlab
{

SweepPanel *addExploreDock(
    QMainWindow *window, ParameterPanel *parameters, QMenu *menu, std::function<void(const RunConfig &)> load)
{
    auto *panel = new SweepPanel;
    panel->setBaseProvider([parameters]() -> std::optional<RunConfig> {
        return parameters->isValid() ? parameters->config() : std::nullopt;
    });
    QObject::connect(panel, &SweepPanel::configurationChosen, window,
        [load = std::move(load)](const RunConfig &config) { load(config); });
    auto *dock = new QDockWidget("Explore: families and phase diagrams");
    dock->setObjectName("exploreDock");
    dock->setWidget(panel);
    window->addDockWidget(Qt::RightDockWidgetArea, dock);
    dock->hide();
    QAction *toggle = dock->toggleViewAction();
    toggle->setText("&Explore (families, phase diagrams)");
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    toggle->setToolTip("Run the engines over a range of one or two parameters (Ctrl+E).");
    menu->addAction(toggle);
    return panel;
}

PinPanel *addPinsDock(QMainWindow *window, QMenu *menu, std::function<Session()> live)
{
    auto *panel = new PinPanel(std::move(live));
    auto *dock = new QDockWidget("Pinned runs");
    dock->setObjectName("pinsDock");
    dock->setWidget(panel);
    window->addDockWidget(Qt::RightDockWidgetArea, dock);
    dock->hide();
    QAction *toggle = dock->toggleViewAction();
    toggle->setText("&Pinned runs");
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    toggle->setToolTip("Keep runs as faded references and compare (Ctrl+P).");
    menu->addAction(toggle);
    return panel;
}

} // namespace dmftlab
