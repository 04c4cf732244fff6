// The main window only wires: the parameter dock, the plot area, the run controller,
// the export service and the session store, plus menus, shortcuts and QSettings layout.
#pragma once

#include "exportservice.h"
#include "plotpanel.h"
#include "runcontroller.h"
#include "sessionstore.h"

#include <QMainWindow>
#include <map>

class QAction;
class QLabel;
class QShortcut;
class QMenu;

namespace dmftlab
{

class DistributionsPanel;
class ExportDialog;
class HelpWindow;
class ParameterPanel;
class PinPanel;
class PlotArea;
class RunStatus;
class SweepPanel;
class TheoryView;
class EffectivePathsPanel;
class IterateScrubber;
class PresentationMode;
class TourBar;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    ParameterPanel *parameters() const { return m_params; }
    PlotArea *plotArea() const { return m_area; }
    RunController *controller() const { return m_controller; }
    RunStatus *runStatus() const { return m_status; }
    DistributionsPanel *distributions() const { return m_distributions; }
    PinPanel *pins() const { return m_pins; }
    TheoryView *theory() const { return m_theory; }
    EffectivePathsPanel *effectivePaths() const { return m_effectivePaths; }
    IterateScrubber *iterates() const { return m_iterates; }
    PresentationMode *presentation() const { return m_presentation; }
    TourBar *tour() const { return m_tour; }
    /// Shows and raises the Theory dock (View ▸ Theory, Help ▸ The DMFT equations).
    void showTheory();
    QAction *runAction() const { return m_run; }
    QAction *stopAction() const { return m_stop; }
    QAction *helpAction() const { return m_help; }
    /// The help window, null until help was first shown.
    HelpWindow *helpWindow() const { return m_helpWindow; }
    /// Shows the (non-modal) help window at `topic` and `anchor` (ui/helpcontent.h).
    void showHelp(const QString &topic = QString(), const QString &anchor = QString());

    /// Shrinks and moves the window into the available area of its screen (never larger
    /// than the screen; the plot grid scrolls when the panels need more room).
    void fitToScreen();

    bool loadPreset(const QString &name);
    /// Starts the engines the parameter panel selects (restarts a run in progress). An
    /// engine whose settings are unchanged since one of the last runs shows that result at
    /// once unless `reuse` is Nothing (Run ▸ Recompute all). False (with the reason in the
    /// panel) when the parameters are invalid.
    bool run(RunController::Reuse reuse = RunController::Reuse::Unchanged);
    void stop();

    Session currentSession() const;
    /// Empty on success, else the message shown to the user.
    QString saveSession(const QString &path);
    QString loadSession(const QString &path);

signals:
    /// Every engine of a run returned and the panels show its final pictures (drawn one
    /// panel per event loop turn after the engines return; whoever reads or grabs the
    /// panels on this signal sees them).
    void runFinished();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildActions();
    /// The teaching views of issue 12 (Theory, …) and their entries in `view`.
    void setupTeaching(QMenu *view);
    void refresh();
    /// refresh() with the panels redrawn as `how` says (the run's end: PlotPanel::Redraw::Final).
    void showResults(PlotPanel::Redraw how);
    void onEngineFinished(const QString &engine);
    void updateActions();
    void rebuildRecentMenu();
    void exportPanel(PlotPanel *panel);
    void exportAll();
    void exportSlide();
    /// The dialog's choices plus what only the window knows (stamp text, epoch length).
    FigureSettings figureSettings(const ExportDialog &dialog) const;
    /// "<stem>-<preset>" for export file names.
    QString proposedName(const QString &stem) const;
    void exportData();

    ParameterPanel *m_params;
    PlotArea *m_area;
    RunController *m_controller;
    RunStatus *m_status;
    PinPanel *m_pins = nullptr; ///< pinned runs (saved in sessions)
    SweepPanel *m_explore = nullptr; ///< the Explore dock (its family is overlaid in the panels)
    QAction *m_run = nullptr, *m_stop = nullptr, *m_help = nullptr;
    // Why Run is disabled: next to the Run button, and F5 says it in the status bar
    // (the disabled action's own shortcut is dead).
    QLabel *m_runReasons = nullptr;
    QShortcut *m_blockedRun = nullptr;
    HelpWindow *m_helpWindow = nullptr;
    DistributionsPanel *m_distributions = nullptr; // in a dock, View ▸ Distributions
    TheoryView *m_theory = nullptr; // in a dock, View ▸ Theory
    EffectivePathsPanel *m_effectivePaths = nullptr; // in a dock, View ▸ Effective processes
    IterateScrubber *m_iterates = nullptr; // in a toolbar, View ▸ DMFT iterates
    PresentationMode *m_presentation = nullptr; // View ▸ Presentation mode (F11)
    TourBar *m_tour = nullptr; // View ▸ Guided tours
    QMenu *m_recent = nullptr;
    /// Config and engines of the run the panels show.
    RunConfig m_shownConfig;
    EngineSelection m_shownEngines;
    QStringList m_errors;
    /// Emits runFinished once the final pictures are drawn (connected while they are pending).
    QMetaObject::Connection m_finalDrawn;
};

} // namespace dmftlab
