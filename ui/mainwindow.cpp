#include "mainwindow.h"

#include "distributionspanel.h"

#include "config/presets.h"
#include "dockutil.h"
#include "engine/registry.h"
#include "exploredock.h"
#include "exportdialog.h"
#include "exportservice.h"
#include "helpcontent.h"
#include "helpwindow.h"
#include "iteratescrubber.h"
#include "parameterpanel.h"
#include "pinpanel.h"
#include "pinstore.h"
#include "plotarea.h"
#include "presentationmode.h"
#include "runcontroller.h"
#include "runstatus.h"
#include "sweeppanel.h"
#include "theorydock.h"
#include "tourbar.h"
#include "wheelguard.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QShortcut>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

#include <algorithm>

namespace dmftlab
{

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_params(new ParameterPanel)
    , m_area(new PlotArea)
    , m_controller(new RunController(this))
    , m_status(new RunStatus)
{
    setWindowTitle("DMFT Lab — SGD/SGF in high dimension, simulation vs DMFT");
    // On a small screen the panels keep a readable size and the plot grid scrolls,
    // rather than the window growing past the screen's edges.
    auto *plots = new QScrollArea;
    plots->setObjectName("plotScroll");
    plots->setWidget(m_area);
    plots->setWidgetResizable(true);
    plots->setFrameShape(QFrame::NoFrame);
    auto *central = new QWidget;
    auto *column = new QVBoxLayout(central);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);
    column->addWidget(m_area->takeBanner()); // outside the scroll area: wraps to what is visible
    column->addWidget(plots, 1);
    setCentralWidget(central);
    qApp->installEventFilter(new WheelGuard(this));

    auto *scroll = new QScrollArea;
    scroll->setWidget(m_params);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // The dock starts at the panel's preferred width (the scroll area's size hint) where there
    // is room, and may yield down to the panel's minimum: at its preferred width as a minimum
    // (~530 px) the plot grid (~855 px at least) did not fit a 1366 px screen and scrolled.
    scroll->setMinimumWidth(m_params->minimumSizeHint().width() + 24);
    auto *dock = new QDockWidget("Parameters");
    dock->setObjectName("parametersDock");
    dock->setWidget(scroll);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::LeftDockWidgetArea, dock);

    // The laws of θ_i(t) and r_μ(t) (issue 12), hidden until asked for (View menu).
    m_distributions = new DistributionsPanel;
    auto *lawDock = new QDockWidget("Distributions");
    lawDock->setObjectName("distributionsDock");
    lawDock->setWidget(m_distributions);
    addDockWidget(Qt::BottomDockWidgetArea, lawDock);
    lawDock->hide();
    capBottomDockHeight(this, lawDock);

    statusBar()->addWidget(m_status, 1);
    buildActions();
    QMenu *view = menuBar()->addMenu("&View");
    QAction *showLaws = lawDock->toggleViewAction();
    showLaws->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    showLaws->setToolTip(
        "The laws of the coordinates θ_i(t) and pre-activations r_μ(t): simulation vs DMFT.");
    view->addAction(showLaws);
    setupTeaching(view);
    menuBar()->insertMenu(menuBar()->actions().last(), view); // before Help

    connect(m_params, &ParameterPanel::changed, this, &MainWindow::updateActions);
    connect(m_controller, &RunController::updated, this, &MainWindow::refresh);
    connect(m_controller, &RunController::engineFinished, this, &MainWindow::onEngineFinished);
    connect(m_controller, &RunController::finished, this, [this] {
        std::shared_ptr<const DistributionRecord> sim, dmft;
        for (const auto &st : m_controller->states()) {
            if (!st.distributions)
                continue;
            if (st.engine == engineName(EngineId::Dmft))
                dmft = st.distributions;
            else if (!sim)
                sim = st.distributions; // the first simulation engine
        }
        if (sim || dmft)
            m_distributions->setLaws(sim, dmft, m_shownConfig.teacherPrior, m_shownConfig.problem.width,
                m_shownConfig.problem.teacherWidth);
        showResults(PlotPanel::Redraw::Final);
        updateActions();
        // The final pictures are drawn one panel per event loop turn (PlotArea), never all in
        // one; runFinished waits for them, so whoever reads or grabs the panels sees them.
        if (m_area->redrawsPending())
            m_finalDrawn = connect(
                m_area, &PlotArea::redrawsDone, this, &MainWindow::runFinished, Qt::SingleShotConnection);
        else
            emit runFinished();
    });
    connect(m_area, &PlotArea::exportRequested, this, &MainWindow::exportPanel);
    connect(m_params, &ParameterPanel::helpRequested, this, &MainWindow::showHelp);

    QSettings settings;
    restoreGeometry(settings.value("window/geometry").toByteArray());
    restoreState(settings.value("window/state").toByteArray());
    if (!settings.contains("window/geometry"))
        resize(1600, 1000);
    fitToScreen();
    m_shownEngines = m_params->engines();
    updateActions();
    refresh();
}

MainWindow::~MainWindow() = default; // RunController (a child) cancels and waits

void MainWindow::fitToScreen()
{
    const QScreen *s = screen() ? screen() : QGuiApplication::primaryScreen();
    if (!s)
        return;
    const QRect available = s->availableGeometry();
    // The frame (title bar, borders) needs room too.
    const QSize frame = frameGeometry().size() - geometry().size();
    const QSize room = available.size() - frame;
    const QSize size = this->size().boundedTo(room).expandedTo(minimumSizeHint().boundedTo(room));
    resize(size);
    QRect g = frameGeometry();
    if (!available.contains(g)) {
        g.moveLeft(std::clamp(
            g.left(), available.left(), std::max(available.left(), available.right() - g.width())));
        g.moveTop(
            std::clamp(g.top(), available.top(), std::max(available.top(), available.bottom() - g.height())));
        move(g.topLeft());
    }
}

void MainWindow::buildActions()
{
    QMenu *file = menuBar()->addMenu("&File");
    file->addAction("&Open session…", QKeySequence::Open, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, "Open session", QString(), "DMFT Lab session or config (*.json)");
        if (path.isEmpty())
            return;
        if (const QString err = loadSession(path); !err.isEmpty())
            QMessageBox::warning(this, "Could not open the session", err);
    });
    m_recent = file->addMenu("Open &recent");
    rebuildRecentMenu();
    file->addAction("&Save session…", QKeySequence::Save, this, [this] {
        const QString path
            = QFileDialog::getSaveFileName(this, "Save session", "session.json", "JSON (*.json)");
        if (path.isEmpty())
            return;
        if (const QString err = saveSession(path); !err.isEmpty())
            QMessageBox::warning(this, "Could not save the session", err);
    });
    file->addSeparator();
    file->addAction("Export all &figures…", this, &MainWindow::exportAll);
    file->addAction("Export &slide (16:9, chosen panels)…", this, &MainWindow::exportSlide);
    file->addAction("Export &data (CSV, JSON)…", this, &MainWindow::exportData);
    file->addSeparator();
    file->addAction("&Quit", QKeySequence::Quit, this, &QWidget::close);

    QMenu *runMenu = menuBar()->addMenu("&Run");
    m_run = runMenu->addAction("&Run", QKeySequence(Qt::Key_F5), this, [this] { run(); });
    m_run->setToolTip("Start the selected engines (F5); restarts a run in progress. An engine whose settings "
                      "are those of one of the last runs shows that result at once (reused).");
    QAction *recompute = runMenu->addAction("Recompute &all", QKeySequence(Qt::SHIFT | Qt::Key_F5), this,
        [this] { run(RunController::Reuse::Nothing); });
    recompute->setToolTip("Start the selected engines and compute every one anew, none reused (Shift+F5).");
    m_stop = runMenu->addAction("&Stop", QKeySequence(Qt::Key_Escape), this, &MainWindow::stop);
    m_stop->setToolTip("Cancel every engine of the run (Esc).");
    runMenu->addSeparator();
    m_explore = addExploreDock(this, m_params, runMenu, [this](const RunConfig &config) {
        m_params->setConfig(config);
        run();
    });
    connect(m_explore, &SweepPanel::familyChanged, this, &MainWindow::refresh); // family in the main panels
    m_pins = addPinsDock(this, runMenu, [this] { return currentSession(); });
    connect(m_controller, &RunController::finished, m_pins, &PinPanel::refresh);
    connect(m_pins->store(), &PinStore::changed, this, &MainWindow::refresh); // pins in the main panels
    connect(m_params, &ParameterPanel::changed, m_pins, &PinPanel::refresh);

    QMenu *presetsMenu = menuBar()->addMenu("&Presets");
    for (const Preset &p : presets()) {
        const QString name = QString::fromStdString(p.name);
        QAction *a = presetsMenu->addAction(name + " — " + QString::fromStdString(p.title));
        a->setToolTip(QString::fromStdString(p.description));
        connect(a, &QAction::triggered, this, [this, name] { loadPreset(name); });
    }

    QMenu *help = menuBar()->addMenu("&Help");
    m_help = help->addAction("DMFT Lab &help", QKeySequence::HelpContents, this, [this] { showHelp(); });
    m_help->setToolTip("Quick start, the panels, every parameter, the engines (F1).");
    for (const help::Topic &t : help::topics()) {
        if (t.id == help::topics().front().id)
            continue;
        const QString id = t.id;
        help->addAction(t.title, this, [this, id] { showHelp(id); });
    }
    help->addAction("The DMFT &equations (Theory view)", this, &MainWindow::showTheory);
    help->addAction("&Keyboard shortcuts", this, [this] { showHelp("files", "shortcuts"); });
    help->addSeparator();
    help->addAction("&About DMFT Lab", this, [this] {
        QMessageBox::about(this, "DMFT Lab",
            "<b>DMFT Lab</b><p>Multi-pass SGD and stochastic gradient flow at finite d, next to "
            "the exact d → ∞ dynamical mean-field theory.</p><p>Simulations are markers with "
            "±1 SE error bars; theory curves are lines with bands (the 68 % Student-t interval of "
            "the SE plus the time-step error estimate). Hover over a plot to "
            "read values; drag and wheel to pan and zoom; double-click to reset.</p>"
            "<p>Licensed GPL-3.0-or-later.</p>");
    });

    QToolBar *bar = addToolBar("Run");
    bar->setObjectName("runToolbar");
    bar->addAction(m_run);
    bar->addAction(m_stop);
    m_runReasons = new QLabel;
    m_runReasons->setObjectName("runReasons");
    m_runReasons->setStyleSheet("color: #b00020; font-weight: bold; padding-left: 8px;");
    bar->addWidget(m_runReasons);
    m_blockedRun = new QShortcut(QKeySequence(Qt::Key_F5), this);
    connect(m_blockedRun, &QShortcut::activated, this,
        [this] { statusBar()->showMessage("Cannot run: " + m_params->errors().join("; "), 10000); });
}

void MainWindow::rebuildRecentMenu()
{
    m_recent->clear();
    const QStringList files = SessionStore::recentFiles();
    for (const QString &path : files) {
        m_recent
            ->addAction(QFileInfo(path).fileName(), this,
                [this, path] {
                    if (const QString err = loadSession(path); !err.isEmpty())
                        QMessageBox::warning(this, "Could not open the session", err);
                })
            ->setToolTip(path);
    }
    m_recent->setEnabled(!files.isEmpty());
}

void MainWindow::setupTeaching(QMenu *view)
{
    // Issue 12: the DMFT equations of this model, each symbol linked to its panel.
    m_theory = addTheoryDock(this, view, m_params, m_area);
    m_effectivePaths = addEffectivePathsDock(this, view, m_controller, [this] { return m_shownConfig; });
    m_iterates = addIterateScrubber(this, view, m_controller);
    connect(m_iterates, &IterateScrubber::changed, this, &MainWindow::refresh);
    view->addSeparator();
    QAction *present = view->addAction("&Presentation mode (full screen, one panel)");
    present->setShortcut(QKeySequence(Qt::Key_F11));
    present->setToolTip("Full screen, large fonts, docks hidden; Page Down/Up (→/←) move between panels, "
                        "P shows a chosen pair, Home shows the grid, F11 leaves (F11).");
    addAction(present); // a window action: F11 works wherever the focus is
    m_presentation = new PresentationMode(this, m_area, present);
    m_tour = addTourBar(
        this, view, m_area, m_presentation,
        [this] {
            const auto c = m_params->config();
            return QString::fromStdString(c ? c->preset : m_shownConfig.preset);
        },
        [this](const QString &preset) { return loadPreset(preset) && run(); });
}

void MainWindow::showTheory()
{
    if (auto *dock = findChild<QDockWidget *>("theoryDock")) {
        dock->show();
        dock->raise();
    }
}

void MainWindow::showHelp(const QString &topic, const QString &anchor)
{
    if (!m_helpWindow) {
        m_helpWindow = new HelpWindow(this); // a child window: closed with the main window
        connect(m_helpWindow, &HelpWindow::commandRequested, this, [this](const QString &command) {
            if (command == "theory")
                showTheory();
        });
    }
    m_helpWindow->showTopic(topic.isEmpty() ? help::topics().front().id : topic, anchor);
    m_helpWindow->show();
    m_helpWindow->raise();
    m_helpWindow->activateWindow();
}

bool MainWindow::loadPreset(const QString &name)
{
    return m_params->loadPreset(name);
}

bool MainWindow::run(RunController::Reuse reuse)
{
    if (!m_params->isValid())
        return false;
    // The last run's final pictures were still being drawn: it ended all the same.
    if (disconnect(m_finalDrawn))
        emit runFinished();
    m_shownConfig = *m_params->config();
    m_shownEngines = m_params->engines();
    m_errors.clear();
    m_area->setBanner({}, false);
    // Record the laws at every grid time for the Distributions panel (thinned to its budget).
    RunConfig runConfig = m_shownConfig;
    if (runConfig.output.distributionTimes.empty())
        runConfig.output.distributionTimes = runConfig.grid();
    m_distributions->clear();
    m_controller->start(runConfig, m_shownEngines.engines(), reuse);
    refresh();
    updateActions();
    return true;
}

void MainWindow::stop()
{
    m_controller->stop();
}

void MainWindow::refresh()
{
    showResults(m_controller->isRunning() ? PlotPanel::Redraw::Live : PlotPanel::Redraw::Now);
}

void MainWindow::showResults(PlotPanel::Redraw how)
{
    QElapsedTimer timer;
    timer.start();
    auto view = std::make_shared<ResultView>();
    for (const auto &s : m_controller->states()) {
        const QString status = QString::fromStdString(toString(s.status));
        const bool theory = figures::isTheoryEngine(s.engine);
        const bool theoryFailed = theory && s.finished
            && (s.status == Status::Diverged || s.status == Status::InvalidInput
                || s.status == Status::InternalError || s.status == Status::NumericalFailure);
        if (!s.curves || (s.curves->validPoints == 0 && s.curves->residuals.empty())) {
            view->withoutCurves[s.engine] = !s.finished ? QString("starting… (nothing computed yet)")
                : s.status == Status::Cancelled
                ? QString("cancelled before its first result")
                : status + (s.message.isEmpty() ? QString() : " — " + s.message);
            // a DMFT that failed before its first iterate (e.g. while marching) is named under
            // the panels too, as one that failed later is
            if (theoryFailed)
                view->warnings[s.engine] = view->withoutCurves[s.engine];
            continue;
        }
        if (theoryFailed) {
            // A diverged fixed-point iterate is no answer: say so instead of drawing it.
            view->failed.push_back(s.curves);
            view->warnings[s.engine] = status + (s.message.isEmpty() ? QString() : " — " + s.message);
            continue;
        }
        view->curves.push_back(s.curves);
        if (theory && s.finished && (s.status == Status::MaxIterations || s.status == Status::Cancelled)) {
            view->warnings[s.engine] = "not converged (" + status + "): the curves are its last iterate";
            if (s.curves->iterations > 0)
                view->unconverged[s.engine] = QString("last iteration %1").arg(s.curves->iterations);
        }
    }
    if (m_pins)
        for (const Pin &pin : m_pins->store()->pins())
            if (pin.visible)
                for (const auto &r : pin.run.results)
                    if (r.curves && r.curves->validPoints > 0)
                        view->pinned.emplace_back(pin.name, r.curves);
    if (m_explore)
        view->family = m_explore->familyOverlay();
    m_iterates->apply(*view); // a chosen DMFT iterate instead of the latest, marked unconverged
    view->dmftTolerance = m_shownConfig.dmft.tolerance;
    view->dmftNoiseFraction = m_shownConfig.dmft.noiseFraction;
    view->timePerEpoch = figures::timePerEpoch(m_shownConfig);
    m_area->setView(view, how);
    m_status->update(m_controller->states(), m_controller->isRunning());
    if (qEnvironmentVariableIsSet("DMFTLAB_PROFILE"))
        qInfo("refresh %lld ms", timer.elapsed());
}

void MainWindow::onEngineFinished(const QString &engine)
{
    const auto *s = m_controller->state(engine.toStdString());
    if (!s)
        return;
    const QString name = figures::engineLabel(s->engine);
    // Engine messages often begin with the engine's own name ("dmft diverged at ...",
    // "SGF diverged at t = 3.2 — lower ..."): say it once, as users know it.
    const QString key = QString::fromStdString(s->engine);
    const bool named = s->message.startsWith(key + " ", Qt::CaseInsensitive);
    const QString rest = named ? s->message.mid(key.size() + 1) : s->message;
    QString line;
    switch (s->status) {
    case Status::Diverged:
        line = named && rest.startsWith("diverged") ? name + " " + rest : name + " diverged: " + s->message;
        break;
    case Status::InvalidInput:
        line = name + " did not run: " + s->message;
        break;
    case Status::InternalError:
        line = name + " failed: " + s->message;
        break;
    case Status::NumericalFailure:
        line = name + " failed numerically: " + s->message;
        break;
    case Status::MaxIterations:
        line = name + " did not converge: " + s->message;
        break;
    default:
        break;
    }
    if (!line.isEmpty()) {
        m_errors << line;
        m_area->setBanner(m_errors.join("\n"), true);
    }
}

void MainWindow::updateActions()
{
    const bool valid = m_params->isValid();
    m_run->setEnabled(valid);
    m_run->setToolTip(
        valid ? "Start the selected engines (F5)" : "Fix the parameters first: " + m_params->error());
    const QStringList reasons = m_params->errors();
    const QString more = reasons.size() > 1 ? QString(" (and %1 more)").arg(reasons.size() - 1) : QString();
    const QFontMetrics metrics(m_runReasons->font());
    m_runReasons->setText(reasons.isEmpty() ? QString()
                                            : "⚠ " + metrics.elidedText(reasons.first(), Qt::ElideRight, 480)
                + more); // the toolbar stays narrow
    m_runReasons->setToolTip(reasons.join("\n"));
    m_status->setBlocked(reasons); // the status line says why too, not "Ready"
    m_blockedRun->setEnabled(!valid);
    if (valid && statusBar()->currentMessage().startsWith("Cannot run: "))
        statusBar()->clearMessage();
    m_stop->setEnabled(m_controller->isRunning());
}

Session MainWindow::currentSession() const
{
    Session s;
    s.config = m_params->config() ? *m_params->config() : m_shownConfig;
    s.engines = m_params->engines();
    for (const auto &st : m_controller->states())
        if (st.finished)
            s.results.push_back(st);
    return s;
}

QString MainWindow::saveSession(const QString &path)
{
    if (!m_params->isValid())
        return "the parameters are invalid: " + m_params->error();
    Session session = currentSession();
    session.pins = m_pins->store()->toJson();
    const QString err = SessionStore::save(session, path);
    if (err.isEmpty()) {
        SessionStore::addRecentFile(path);
        rebuildRecentMenu();
    }
    return err;
}

QString MainWindow::loadSession(const QString &path)
{
    Session s;
    if (const QString err = SessionStore::load(path, &s); !err.isEmpty()) {
        m_area->setBanner("Could not open " + path + ": " + err, true);
        return err;
    }
    if (const QString err = m_pins->store()->fromJson(s.pins); !err.isEmpty()) {
        m_area->setBanner("Could not open " + path + ": " + err, true);
        return err;
    }
    m_controller->stop();
    m_params->setConfig(s.config);
    m_params->setEngines(s.engines);
    m_shownConfig = s.config;
    m_shownEngines = s.engines;
    m_errors.clear();
    m_controller->setResults(s.results);
    m_area->setBanner({}, false);
    SessionStore::addRecentFile(path);
    rebuildRecentMenu();
    updateActions();
    return {};
}

FigureSettings MainWindow::figureSettings(const ExportDialog &dialog) const
{
    FigureSettings settings = dialog.settings();
    if (dialog.stampWanted())
        settings.stamp = figures::parameterStamp(m_shownConfig, m_shownEngines.engines());
    settings.timePerEpoch = figures::timePerEpoch(m_shownConfig);
    return settings;
}

QString MainWindow::proposedName(const QString &stem) const
{
    const std::string preset = m_shownConfig.preset.empty()
        ? m_params->config() ? m_params->config()->preset : ""
        : m_shownConfig.preset;
    return preset.empty() ? stem : stem + "-" + QString::fromStdString(preset);
}

void MainWindow::exportPanel(PlotPanel *panel)
{
    ExportDialog dialog(
        QDir(ExportDialog::lastFolder()).filePath(proposedName(panel->fileStem()) + ".png"), false, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    if (const QString err = ExportService::exportFigure(*panel, dialog.path(), figureSettings(dialog));
        !err.isEmpty())
        QMessageBox::warning(this, "Export failed", err);
    else
        statusBar()->showMessage("Wrote " + dialog.path(), 5000);
}

void MainWindow::exportSlide()
{
    ExportDialog dialog(
        QDir(ExportDialog::lastFolder()).filePath(proposedName("slide") + ".pdf"), false, this);
    QStringList titles;
    for (const PlotPanel *panel : m_area->panels())
        titles << panel->title();
    dialog.setSlidePanels(titles);
    if (dialog.exec() != QDialog::Accepted)
        return;
    std::vector<const PlotPanel *> chosen;
    for (int i : dialog.chosenPanels())
        chosen.push_back(m_area->panels()[static_cast<std::size_t>(i)]);
    if (const QString err = ExportService::exportSlide(chosen, dialog.path(), figureSettings(dialog));
        !err.isEmpty())
        QMessageBox::warning(this, "Export failed", err);
    else
        statusBar()->showMessage("Wrote " + dialog.path(), 5000);
}

void MainWindow::exportAll()
{
    ExportDialog dialog(
        QDir(ExportDialog::lastFolder()).filePath(proposedName("dmftlab-figures")), true, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    std::vector<const PlotPanel *> panels(m_area->panels().begin(), m_area->panels().end());
    QStringList written;
    if (const QString err = ExportService::exportAllFigures(
            panels, dialog.path(), dialog.formats(), figureSettings(dialog), &written);
        !err.isEmpty())
        QMessageBox::warning(this, "Export failed", err);
    else
        statusBar()->showMessage(
            QString("Wrote %1 files to %2").arg(written.size()).arg(dialog.path()), 5000);
}

void MainWindow::exportData()
{
    const QString dir = QFileDialog::getExistingDirectory(this, "Export data into folder");
    if (dir.isEmpty())
        return;
    QStringList written;
    std::vector<RunController::EngineState> results;
    for (const auto &s : m_controller->states())
        if (s.curves)
            results.push_back(s);
    QString err = ExportService::exportData(m_shownConfig, results, dir, { "csv", "json" }, &written);
    if (err.isEmpty()) // the pinned runs like the live one, under pins/
        err = m_pins->store()->exportData(dir, { "csv", "json" }, &written);
    if (!err.isEmpty())
        QMessageBox::warning(this, "Export failed", err);
    else
        statusBar()->showMessage(QString("Wrote %1 files to %2").arg(written.size()).arg(dir), 5000);
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue("window/geometry", saveGeometry());
    settings.setValue("window/state", saveState());
    m_controller->stop();
    event->accept();
}

} // namespace dmftlab
