#include "exploredock.h"

#include "dockutil.h"
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
    addHiddenDock(window, menu, panel,
        { "Explore: families and phase diagrams", "exploreDock", "&Explore (families, phase diagrams)",
            "Run the engines over a range of one or two parameters (Ctrl+E).",
            QKeySequence(Qt::CTRL | Qt::Key_E) });
    return panel;
}

PinPanel *addPinsDock(QMainWindow *window, QMenu *menu, std::function<Session()> live)
{
    auto *panel = new PinPanel(std::move(live));
    addHiddenDock(window, menu, panel,
        { "Pinned runs", "pinsDock", "&Pinned runs", "Keep runs as faded references and compare (Ctrl+P).",
            QKeySequence(Qt::CTRL | Qt::Key_P) });
    return panel;
}

} // namespace dmftlab
