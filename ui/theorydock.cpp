#include "theorydock.h"

#include "dockutil.h"
#include "effectivepathspanel.h"
#include "engine/registry.h"
#include "highlightoverlay.h"
#include "iteratescrubber.h"
#include "parameterpanel.h"
#include "plotarea.h"
#include "plotpanels.h"
#include "runcontroller.h"
#include "theoryview.h"

#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>
#include <QScrollArea>
#include <QToolBar>

#include <map>

namespace dmftlab
{

TheoryView *addTheoryDock(QMainWindow *window, QMenu *menu, ParameterPanel *parameters, PlotArea *area)
{
    auto *view = new TheoryView;
    QDockWidget *dock = addHiddenDock(window, menu, view,
        { "Theory: the DMFT of this model", "theoryDock", "&Theory (the DMFT equations)",
            "The SGF, the r- and θ-processes and their closure with this run's parameters (Ctrl+T).",
            QKeySequence(Qt::CTRL | Qt::Key_T) });
    // The equations need room: a dock opened narrower than 40 % of a wide window (30 % below
    // 1600 px, where 40 % left the plots too little: 1366×768 laptops and projectors) widens.
    QObject::connect(dock, &QDockWidget::visibilityChanged, window, [window, dock](bool visible) {
        const int wanted = window->width() * (window->width() < 1600 ? 3 : 4) / 10;
        if (visible && !dock->isFloating() && dock->width() < wanted)
            window->resizeDocks({ dock }, { wanted }, Qt::Horizontal);
    });

    auto update = [view, parameters] {
        if (parameters->isValid())
            view->setConfig(*parameters->config());
    };
    QObject::connect(parameters, &ParameterPanel::changed, view, update);
    update();
    QObject::connect(view, &TheoryView::targetRequested, window,
        [window, area](const QString &target) { revealTheoryTarget(window, area, target); });
    return view;
}

EffectivePathsPanel *addEffectivePathsDock(
    QMainWindow *window, QMenu *menu, RunController *controller, std::function<RunConfig()> shownConfig)
{
    auto *panel = new EffectivePathsPanel;
    addHiddenDock(window, menu, panel,
        { "Effective processes: sample paths", "effectivePathsDock", "Effective &processes (sample paths)",
            "A few r-process and θ-process paths of the DMFT over their mean ± sd, and the teacher drift "
            "μ(t).",
            {}, Qt::BottomDockWidgetArea });
    QObject::connect(controller, &RunController::started, panel, &EffectivePathsPanel::clear);
    QObject::connect(controller, &RunController::finished, panel,
        [panel, controller, shownConfig = std::move(shownConfig)] {
            const auto *dmft = controller->state(engineInfo(EngineId::Dmft).name);
            if (dmft && dmft->finished)
                panel->setResult(dmft->curves, dmft->distributions, shownConfig());
        });
    return panel;
}

IterateScrubber *addIterateScrubber(QMainWindow *window, QMenu *menu, RunController *controller)
{
    auto *scrubber = new IterateScrubber;
    auto *bar = new QToolBar("DMFT iterates");
    bar->setObjectName("iteratesToolbar");
    bar->addWidget(scrubber);
    window->addToolBar(Qt::BottomToolBarArea, bar);
    bar->hide();
    QAction *toggle = bar->toggleViewAction();
    toggle->setText("DMFT &iterates (the fixed point, step by step)");
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    toggle->setToolTip("Step or play through every DMFT iterate; the panels show the chosen one (Ctrl+I).");
    menu->addAction(toggle);
    auto update = [scrubber, controller] {
        const std::string &engine = engineInfo(EngineId::Dmft).name;
        const auto *s = controller->state(engine);
        scrubber->setHistory(engine, s ? s->iterates : nullptr, s && s->finished);
    };
    QObject::connect(controller, &RunController::started, scrubber, update);
    QObject::connect(controller, &RunController::updated, scrubber, update);
    QObject::connect(controller, &RunController::finished, scrubber, update);
    return scrubber;
}

QString theoryTargetDock(const QString &target)
{
    static const std::map<QString, QString> docks = {
        { "distributions", "distributionsDock" }, { "effective_paths", "effectivePathsDock" },
        { "theory", "theoryDock" }, // guided tours (tours.h) open the Theory view too
    };
    const auto d = docks.find(target);
    return d == docks.end() ? QString() : d->second;
}

QWidget *revealTheoryTarget(QMainWindow *window, PlotArea *area, const QString &target)
{
    if (const QString name = theoryTargetDock(target); !name.isEmpty()) {
        auto *dock = window->findChild<QDockWidget *>(name);
        if (!dock)
            return nullptr;
        dock->show();
        dock->raise();
        HighlightOverlay::flash(dock->widget());
        return dock->widget();
    }
    const QString stem = target.section('/', 0, 0), kind = target.section('/', 1);
    PlotPanel *panel = area->panel(stem);
    if (!panel)
        return nullptr;
    if (!kind.isEmpty()) {
        static const std::map<QString, figures::KernelKind> kinds = { { "R", figures::KernelKind::Rtheta },
            { "Cu", figures::KernelKind::Cu }, { "K", figures::KernelKind::K } };
        auto *kernels = qobject_cast<DmftKernelPanel *>(panel);
        const auto k = kinds.find(kind);
        if (!kernels || k == kinds.end() || !kernels->setKind(k->second))
            return nullptr;
    }
    // Another maximised panel hides this one.
    for (PlotPanel *p : area->panels())
        if (p != panel && p->isMaximised())
            p->setMaximised(false);
    if (auto *scroll = window->findChild<QScrollArea *>("plotScroll"))
        scroll->ensureWidgetVisible(panel);
    HighlightOverlay::flash(panel);
    return panel;
}

} // namespace dmftlab
