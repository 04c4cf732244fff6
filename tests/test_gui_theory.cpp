// The Theory view (issue 12), offscreen: its page follows the parameter dock (α, τ, λ, the
// loss and the activations), every linked symbol names a panel or dock of the window and
// clicking it shows that panel, and View ▸ Theory and the help's link open it. The Effective
// processes dock (a link target) fills with sample paths over the DMFT's band after a run.
// The DMFT iterate scrubber holds every iterate of a run, the last being the result; a chosen
// iterate replaces the DMFT curves in the panels and is marked unconverged; play steps on.
// Presentation mode (F11) goes full screen with larger fonts, no docks, one panel at a time
// (Page Down/Up), and leaving it restores the window.
#include "config/presets.h"
#include "effectivepathspanel.h"
#include "figures/figures.h"
#include "guitestutil.h"
#include "helpwindow.h"
#include "iteratescrubber.h"
#include "plotarea.h"
#include "plotpanel.h"
#include "plotpanels.h"
#include "presentationmode.h"
#include "runcontroller.h"
#include "testutil.h"
#include "theorydock.h"
#include "theorytext.h"
#include "theoryview.h"
#include "tourbar.h"
#include "tourmarker.h"

#include <QApplication>
#include <QCheckBox>
#include <QDockWidget>
#include <QMenuBar>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTextBrowser>
#include <QtTest>
#include <qcustomplot.h>

using namespace dmftlab;

class TestGuiTheory : public QObject
{
    Q_OBJECT
private slots:
    void textFollowsTheConfig();
    void textNamesTheModel_data();
    void textNamesTheModel();
    void everyLinkShowsAPanel();
    void reachableFromMenuAndHelp();
    void effectivePathsAfterRun();
    void scrubberStepsThroughIterates();
    void presentationMode();
    void presentationShowsAChosenPair();
    void liveIterateIsMarkedUnconverged();
    void everyTourStepShowsItsPlace();
    void tourMarksTimesAndFollowsKeys();
};

namespace
{
/// Pen styles of the loss panel's DMFT curves (graphs named "… · DMFT").
QList<Qt::PenStyle> dmftPens(PlotPanel *panel)
{
    QList<Qt::PenStyle> styles;
    for (int i = 0; i < panel->plot()->graphCount(); ++i)
        if (panel->plot()->graph(i)->name().endsWith("· DMFT"))
            styles << panel->plot()->graph(i)->pen().style();
    return styles;
}

bool anyGraphNamed(PlotPanel *panel, const QString &part)
{
    for (int i = 0; i < panel->plot()->graphCount(); ++i)
        if (panel->plot()->graph(i)->name().contains(part))
            return true;
    return false;
}

QStringList visiblePanels(PlotArea *area)
{
    QStringList v;
    for (PlotPanel *p : area->panels())
        if (p->isVisible())
            v << p->fileStem();
    return v;
}

QStringList linkTargets(const QString &html)
{
    QStringList targets;
    const QRegularExpression href("href=\"" + kTheoryLinkScheme + ":([^\"]+)\"");
    for (auto it = href.globalMatch(html); it.hasNext();)
        targets << it.next().captured(1);
    targets.removeDuplicates();
    return targets;
}
} // namespace

void TestGuiTheory::textFollowsTheConfig()
{
    MainWindow w;
    QVERIFY(w.loadPreset("linear-regression"));
    TheoryView *view = w.theory();
    QVERIFY(view);
    guitest::setField(w, "data.alpha", "2");
    guitest::setField(w, "optimizer.ridge", "0.05");
    const QString before = view->html();
    QVERIFY2(before.contains("α = n/d</td><td style=\"padding-right:18px;\"><b>2</b>"), qPrintable(before));
    QVERIFY(before.contains("λ = 0.05"));
    // α = 2: 1/α = 0.5 in the SGF and the r-process lines.
    QVERIFY(before.contains("1/α = 0.5"));

    guitest::setField(w, "data.alpha", "4");
    const QString after = view->html();
    QVERIFY(after != before);
    QVERIFY(after.contains("<b>4</b>"));
    QVERIFY(after.contains("1/α = 0.25"));
    QVERIFY(!after.contains("1/α = 0.5"));

    // τ = η/B from the optimiser fields, Δ = T/N from the time fields.
    guitest::setField(w, "optimizer.learning_rate", "0.3");
    guitest::setField(w, "optimizer.batch_size", "3");
    guitest::setField(w, "time.horizon", "6");
    guitest::setField(w, "time.steps", "40");
    QVERIFY(w.parameters()->isValid());
    const QString later = view->html();
    QVERIFY2(later.contains("η/B = 0.3/3 = 0.1"), qPrintable(later));
    QVERIFY(later.contains("6/40 = 0.15"));
}

void TestGuiTheory::textNamesTheModel_data()
{
    QTest::addColumn<QString>("preset");
    QTest::addColumn<QStringList>("phrases");
    QTest::newRow("linear") << "linear-regression"
                            << QStringList { "linear regression", "½ (f(r) − y)²", "σ(r) = r" };
    QTest::newRow("logistic") << "logistic-regression"
                              << QStringList { "logistic regression", "log(1 + e<sup>−y f(r)</sup>)",
                                     "sign(" };
    QTest::newRow("committee") << "committee-erf" << QStringList { "committee machine", "σ(r) = erf(r/√2)" };
}

void TestGuiTheory::textNamesTheModel()
{
    QFETCH(QString, preset);
    QFETCH(QStringList, phrases);
    MainWindow w;
    QVERIFY(w.loadPreset(preset));
    const QString html = w.theory()->html();
    for (const QString &p : phrases)
        QVERIFY2(html.contains(p), qPrintable(preset + " lacks " + p));
    QVERIFY(!html.contains("[?"));
}

void TestGuiTheory::everyLinkShowsAPanel()
{
    MainWindow w;
    w.resize(1400, 900);
    w.show();
    QVERIFY(w.loadPreset("committee-erf"));
    const QStringList targets = linkTargets(w.theory()->html());
    // The page links every target the text module knows, and nothing else.
    const QStringList known = theoryLinkTargets();
    QCOMPARE(QSet<QString>(targets.begin(), targets.end()), QSet<QString>(known.begin(), known.end()));
    // Each of C_θ, M, R_θ, C_u, K is a link.
    for (const QString t :
        { "kernel_C_theta", "overlaps", "dmft_kernels/R", "dmft_kernels/Cu", "dmft_kernels/K" })
        QVERIFY2(targets.contains(t), qPrintable(t));

    // A maximised panel does not hide the one asked for.
    w.plotArea()->panel("loss")->setMaximised(true);
    for (const QString &t : targets) {
        QWidget *shown = revealTheoryTarget(&w, w.plotArea(), t);
        QVERIFY2(shown, qPrintable("no panel for " + t));
        QTRY_VERIFY2(shown->isVisible(), qPrintable(t));
        QVERIFY2(shown->findChild<QWidget *>("highlightOverlay"), qPrintable(t + " not highlighted"));
    }
    QVERIFY(!w.plotArea()->panel("loss")->isMaximised());
    QVERIFY(!revealTheoryTarget(&w, w.plotArea(), "no_such_panel"));

    // Clicking a kernel symbol picks that kernel in the DMFT kernel panel.
    emit w.theory()->browser()->anchorClicked(QUrl(kTheoryLinkScheme + ":dmft_kernels/Cu"));
    auto *combo = w.plotArea()->panel("dmft_kernels")->findChild<QComboBox *>();
    QVERIFY(combo);
    QCOMPARE(combo->currentData().toInt(), static_cast<int>(figures::KernelKind::Cu));
    emit w.theory()->browser()->anchorClicked(QUrl(kTheoryLinkScheme + ":dmft_kernels/K"));
    QCOMPARE(combo->currentData().toInt(), static_cast<int>(figures::KernelKind::K));
}

void TestGuiTheory::reachableFromMenuAndHelp()
{
    MainWindow w;
    w.show();
    auto *dock = w.findChild<QDockWidget *>("theoryDock");
    QVERIFY(dock);
    QVERIFY(dock->isHidden());
    QAction *entry = nullptr;
    for (QAction *menu : w.menuBar()->actions())
        if (menu->menu() && menu->text() == "&View")
            for (QAction *a : menu->menu()->actions())
                if (a->text().startsWith("&Theory"))
                    entry = a;
    QVERIFY(entry);
    entry->trigger();
    QVERIFY(dock->isVisible());
    dock->hide();

    // The help's link to the Theory view (engines page) opens it.
    w.showHelp("engines", "dmft");
    QVERIFY(w.helpWindow()->browser()->toHtml().contains("Theory view"));
    emit w.helpWindow()->browser()->anchorClicked(QUrl("dmftlab:theory"));
    QVERIFY(dock->isVisible());
}

void TestGuiTheory::effectivePathsAfterRun()
{
    MainWindow w;
    w.resize(1400, 900);
    w.show();
    guitest::makeSmall(w, "linear-regression");
    guitest::setField(w, "teacher.prior", "rademacher");
    EffectivePathsPanel *panel = w.effectivePaths();
    QVERIFY(panel);
    QVERIFY(panel->paths().empty());
    QSignalSpy finished(&w, &MainWindow::runFinished);
    QVERIFY(w.run());
    QVERIFY(finished.wait(120000));

    // Paths at every grid time (N = 10), drawn over the band: 3 band graphs + 8 paths each.
    const EffectivePaths &p = panel->paths();
    QVERIFY2(!p.empty(), qPrintable(panel->note()));
    QCOMPARE(static_cast<int>(p.t.size()), 11);
    QCOMPARE(panel->rPlot()->graphCount(), 3 + EffectivePathsPanel::kPaths);
    QCOMPARE(panel->thetaPlot()->graphCount(), 3 + EffectivePathsPanel::kPaths);
    // The θ band is the DMFT's √Q(t), of the solve the laws come from (the solve at Δ when the
    // curves are extrapolated, as in this preset); θ* of a Rademacher teacher is ±1.
    const auto *dmft = w.controller()->state("dmft");
    QVERIFY(dmft && dmft->curves && dmft->distributions);
    const bool extrapolated = w.parameters()->config()->dmft.continuousTime == "extrapolate"
        && !(dmft->extra.contains("time_step") && dmft->extra["time_step"].contains("extrapolation_refused"));
    QCOMPARE(static_cast<bool>(dmft->distributions->schemeCurves), extrapolated);
    const Curves &scheme = extrapolated ? *dmft->distributions->schemeCurves : *dmft->curves;
    for (std::size_t i = 0; i < p.t.size(); ++i)
        QVERIFY(test::near(p.thetaSd[0][i], std::sqrt(scheme.Q[0].mean[i]), 1e-9, 1e-9));
    if (extrapolated)
        QVERIFY2(panel->note().contains("Euler solve at dt"), qPrintable(panel->note()));
    QVERIFY((p.thetaStar.array().abs() - 1.0).abs().maxCoeff() < 1e-12);

    // A new run clears the old paths.
    QVERIFY(w.run());
    QVERIFY(panel->paths().empty());
    QVERIFY(finished.wait(120000));
    QVERIFY(!panel->paths().empty());
}

void TestGuiTheory::scrubberStepsThroughIterates()
{
    MainWindow w;
    w.resize(1400, 900);
    w.show();
    guitest::makeSmall(w, "logistic-regression");
    guitest::setField(w, "dmft.tolerance", "1e-5"); // a few more iterations to step through
    guitest::setField(w, "dmft.warm_start", "ode"); // iterated (marching gives one iterate)
    IterateScrubber *scrubber = w.iterates();
    QVERIFY(scrubber);
    QSignalSpy finished(&w, &MainWindow::runFinished);
    QVERIFY(w.run());
    QVERIFY(finished.wait(120000));

    const auto *dmft = w.controller()->state("dmft");
    QVERIFY(dmft && dmft->curves && dmft->iterates);
    const int n = static_cast<int>(dmft->curves->residuals.size());
    QVERIFY(n >= 4);
    // Complete: one entry per iteration, the last one the result itself.
    QCOMPARE(scrubber->count(), n);
    QCOMPARE(dmft->iterates->size(), n);
    QVERIFY(dmft->iterates->iterate(n - 1) == dmft->curves);
    QVERIFY(scrubber->isFollowing());
    QVERIFY2(scrubber->label().contains("the result"), qPrintable(scrubber->label()));
    PlotPanel *loss = w.plotArea()->panel("loss");
    QVERIFY(loss->view()->find("dmft") == dmft->curves.get());
    QVERIFY(!loss->view()->notes().contains("iteration"));

    // Iteration 1: the panels show it, marked unconverged.
    scrubber->setIndex(0);
    QVERIFY(!scrubber->isFollowing());
    QVERIFY2(scrubber->label().contains("iteration 1 of") && scrubber->label().contains("not converged"),
        qPrintable(scrubber->label()));
    const Curves *shown = loss->view()->find("dmft");
    QVERIFY(shown && shown != dmft->curves.get());
    QCOMPARE(static_cast<int>(shown->residuals.size()), 1);
    QVERIFY2(loss->view()->notes().contains("iteration 1 of"), qPrintable(loss->view()->notes()));
    // Drawn differently from a result: dotted (the ODE is dashed, a result solid), its legend
    // entry naming the iteration.
    QTRY_VERIFY(!dmftPens(loss).isEmpty() && !dmftPens(loss).contains(Qt::SolidLine));
    QVERIFY(dmftPens(loss).contains(Qt::DotLine));
    QVERIFY(anyGraphNamed(loss, "iteration 1 of"));
    QCOMPARE(shown->Ctheta.mean[0].rows(), dmft->curves->Ctheta.mean[0].rows()); // full grid for the maps

    // Play steps forward on its own and stops at the result.
    scrubber->setPlaying(true);
    QVERIFY(scrubber->isPlaying());
    QTRY_VERIFY_WITH_TIMEOUT(scrubber->index() >= 1, 3000);
    scrubber->setIndex(n - 1);
    QTRY_VERIFY_WITH_TIMEOUT(!scrubber->isPlaying(), 3000);
    QVERIFY(scrubber->isFollowing());
    QVERIFY(loss->view()->find("dmft") == dmft->curves.get());
    QTRY_VERIFY(!dmftPens(loss).isEmpty() && !dmftPens(loss).contains(Qt::DotLine));
    QVERIFY(!anyGraphNamed(loss, "iteration"));
}

void TestGuiTheory::presentationMode()
{
    MainWindow w;
    w.resize(1400, 900);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    auto *params = w.findChild<QDockWidget *>("parametersDock");
    QVERIFY(params && params->isVisible());
    const double font = QApplication::font().pointSizeF();
    QAction *f11 = nullptr;
    for (QAction *a : w.actions())
        if (a->shortcut() == QKeySequence(Qt::Key_F11))
            f11 = a;
    QVERIFY(f11);
    f11->trigger();
    PresentationMode *mode = w.presentation();
    QVERIFY(mode->isActive());
    QVERIFY(w.windowState() & Qt::WindowFullScreen);
    QVERIFY(!params->isVisible());
    QVERIFY(test::near(QApplication::font().pointSizeF(), font * PresentationMode::kFontScale, 1e-9));
    QVERIFY(PlotPanel::slideStyleOnScreen());
    // The high-contrast light theme: black on white.
    QCOMPARE(QApplication::palette().color(QPalette::Window), QColor(Qt::white));
    QCOMPARE(QApplication::palette().color(QPalette::WindowText), QColor(Qt::black));
    auto visiblePanels = [&] { return ::visiblePanels(w.plotArea()); };
    const auto &panels = w.plotArea()->panels();
    QCOMPARE(visiblePanels(), QStringList { panels[0]->fileStem() });
    // Page Down moves to the next panel, Page Up back, wrapping around; Home shows the grid.
    // shortcuts reach the active window only (no window manager under Xvfb activates it)
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    QTest::keyClick(&w, Qt::Key_PageDown);
    QCOMPARE(visiblePanels(), QStringList { panels[1]->fileStem() });
    QTest::keyClick(&w, Qt::Key_PageUp);
    QTest::keyClick(&w, Qt::Key_PageUp);
    QCOMPARE(visiblePanels(), QStringList { panels.back()->fileStem() });
    QTest::keyClick(&w, Qt::Key_Home);
    QCOMPARE(visiblePanels().size(), static_cast<int>(panels.size()));

    f11->trigger();
    QVERIFY(!mode->isActive());
    QVERIFY(!(w.windowState() & Qt::WindowFullScreen));
    QTRY_VERIFY(params->isVisible());
    QCOMPARE(QApplication::font().pointSizeF(), font);
    QVERIFY(!PlotPanel::slideStyleOnScreen());
    QCOMPARE(visiblePanels().size(), static_cast<int>(panels.size()));
    // Outside the mode the arrows and pages are the fields' again.
    QTest::keyClick(&w, Qt::Key_PageDown);
    QCOMPARE(visiblePanels().size(), static_cast<int>(panels.size()));
}

void TestGuiTheory::presentationShowsAChosenPair()
{
    MainWindow w;
    w.resize(1400, 900);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    PresentationMode *mode = w.presentation();
    mode->setActive(true);
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    const auto &panels = w.plotArea()->panels();
    QTest::keyClick(&w, Qt::Key_PageDown); // panel 2 alone
    QCOMPARE(visiblePanels(w.plotArea()), QStringList { panels[1]->fileStem() });
    // P: the shown panel stays on the left, the next one beside it; → / ← choose the right one.
    QTest::keyClick(&w, Qt::Key_P);
    QVERIFY(mode->isPairing());
    QCOMPARE(mode->pair(), std::make_pair(1, 2));
    QCOMPARE(visiblePanels(w.plotArea()), (QStringList { panels[1]->fileStem(), panels[2]->fileStem() }));
    QTest::keyClick(&w, Qt::Key_Right);
    QTest::keyClick(&w, Qt::Key_Right);
    QCOMPARE(mode->pair(), std::make_pair(1, 4));
    QTest::keyClick(&w, Qt::Key_Right); // wraps around, skipping the left panel
    QCOMPARE(mode->pair(), std::make_pair(1, 0));
    QCOMPARE(visiblePanels(w.plotArea()), (QStringList { panels[0]->fileStem(), panels[1]->fileStem() }));
    // Side by side, the chosen left panel on the left, each about half the width.
    QTRY_VERIFY(panels[1]->geometry().right() < panels[0]->geometry().left());
    QCOMPARE(panels[0]->geometry().top(), panels[1]->geometry().top());
    QVERIFY(panels[0]->width() > w.plotArea()->width() / 3);
    QVERIFY(panels[1]->width() > w.plotArea()->width() / 3);
    // P again: the left panel alone; Home: the whole grid back in place.
    QTest::keyClick(&w, Qt::Key_P);
    QVERIFY(!mode->isPairing());
    QCOMPARE(visiblePanels(w.plotArea()), QStringList { panels[1]->fileStem() });
    QTest::keyClick(&w, Qt::Key_P);
    QVERIFY(mode->isPairing());
    QTest::keyClick(&w, Qt::Key_Home);
    QVERIFY(!mode->isPairing());
    QCOMPARE(visiblePanels(w.plotArea()).size(), static_cast<int>(panels.size()));
    QTRY_VERIFY(panels[0]->geometry().top() < panels[2]->geometry().top()); // the grid's two rows
    mode->setActive(false);
}

void TestGuiTheory::liveIterateIsMarkedUnconverged()
{
    // While the solve runs the scrubber follows the latest iterate: the panels keep the run's
    // curves but draw them as an unconverged iterate (faded, dotted), named in the legend.
    RunConfig c;
    c.time.steps = 4;
    auto history = std::make_shared<IterateHistory>(c.time.steps + 1, 10);
    Curves iterate;
    iterate.engine = "dmft";
    iterate.allocate(1, 1, c.grid());
    iterate.validPoints = c.time.steps + 1;
    for (int i = 0; i < 2; ++i) {
        iterate.residuals.push_back(0.1 / (i + 1));
        QVERIFY(history->add(iterate));
    }
    IterateScrubber scrubber;
    scrubber.setHistory("dmft", history, /*finished=*/false);
    QVERIFY(scrubber.isFollowing());
    ResultView view;
    auto live = std::make_shared<const Curves>(iterate);
    view.curves.push_back(live);
    scrubber.apply(view);
    QVERIFY(view.find("dmft") == live.get()); // the live curves, not a stored copy
    QCOMPARE(view.unconverged["dmft"], QString("iteration 2 of 2"));
    QVERIFY(view.warnings["dmft"].contains("still running"));
    // Once the result is in, it is drawn as a result.
    history->setFinal(live);
    scrubber.setHistory("dmft", history, /*finished=*/true);
    ResultView done;
    done.curves.push_back(live);
    scrubber.apply(done);
    QVERIFY(done.unconverged.empty());
}

void TestGuiTheory::everyTourStepShowsItsPlace()
{
    // One tour per preset, each step naming a place of the window; reachable from the menu.
    MainWindow w;
    w.resize(1400, 900);
    w.show();
    auto *menu = w.findChild<QMenu *>("toursMenu");
    QVERIFY(menu);
    for (const Preset &p : presets()) {
        const QString name = QString::fromStdString(p.name);
        const Tour *tour = tourFor(name);
        QVERIFY2(tour, qPrintable("no tour for " + name));
        QVERIFY(tour->steps.size() >= 4);
        QVERIFY(w.findChild<QAction *>("tour-" + name));
        QVERIFY(w.loadPreset(name));
        TourBar *bar = w.tour();
        bar->start(*tour);
        QVERIFY(bar->isActive());
        auto *toolbar = w.findChild<QToolBar *>("tourToolbar");
        QVERIFY(toolbar && toolbar->isVisible());
        for (int i = 0; i < bar->stepCount(); ++i) {
            bar->setStep(i);
            const TourStep &s = tour->steps[i];
            QVERIFY2(tourTargets().contains(s.target), qPrintable(s.target));
            QVERIFY2(
                bar->shownTarget() && bar->shownTarget()->isVisible(), qPrintable(name + ": " + s.target));
            QCOMPARE(bar->text(), s.text);
            QCOMPARE(bar->marker() != nullptr, s.time >= 0.0);
            QVERIFY(s.time <= presetConfig(p.name).time.horizon); // a time the preset reaches
            if (s.logLoss) { // the committee's plateau step shows the loss on a log axis
                auto *loss = qobject_cast<LossPanel *>(bar->shownTarget());
                QVERIFY(loss && loss->logY()->isChecked());
                loss->logY()->setChecked(false);
            }
        }
        bar->stop();
        QVERIFY(!toolbar->isVisible());
    }
}

void TestGuiTheory::tourMarksTimesAndFollowsKeys()
{
    MainWindow w;
    w.resize(1400, 900);
    w.show();
    guitest::makeSmall(w, "linear-regression");
    QSignalSpy finished(&w, &MainWindow::runFinished);
    QVERIFY(w.run());
    QVERIFY(finished.wait(120000));
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    // Ctrl+G starts the loaded preset's tour.
    QTest::keyClick(&w, Qt::Key_G, Qt::ControlModifier);
    TourBar *bar = w.tour();
    QVERIFY(bar->isActive());
    QCOMPARE(bar->stepIndex(), 0);
    auto *theoryDock = w.findChild<QDockWidget *>("theoryDock");
    QVERIFY(theoryDock->isVisible()); // step 1: the equations
    QTest::keyClick(&w, Qt::Key_Right, Qt::ControlModifier);
    QCOMPARE(bar->stepIndex(), 1);
    QVERIFY(!theoryDock->isVisible()); // the tour closes what it opened, so the panel has room
    QTest::keyClick(&w, Qt::Key_Left, Qt::ControlModifier);
    QCOMPARE(bar->stepIndex(), 0);
    // A step with a time marks it inside the loss panel's time axis.
    const Tour *tour = tourFor("linear-regression");
    int timed = -1;
    for (int i = 0; i < bar->stepCount() && timed < 0; ++i)
        if (tour->steps[i].time >= 0.0 && tour->steps[i].target == "loss")
            timed = i;
    QVERIFY(timed >= 0);
    bar->setStep(timed);
    PlotPanel *loss = w.plotArea()->panel("loss");
    QCOMPARE(bar->shownTarget(), static_cast<QWidget *>(loss));
    QVERIFY(bar->marker());
    QTRY_VERIFY(bar->marker()->pixel() >= 0);
    const QRect rect = loss->plot()->axisRect(0)->rect();
    QVERIFY(bar->marker()->pixel() > rect.left() && bar->marker()->pixel() < rect.right());
    // In presentation mode a step's panel is shown alone; the tour bar stays.
    w.presentation()->setActive(true);
    bar->setStep(timed + 1); // the overlaps panel
    QCOMPARE(visiblePanels(w.plotArea()), QStringList { tour->steps[timed + 1].target });
    QVERIFY(w.findChild<QToolBar *>("tourToolbar")->isVisible());
    w.presentation()->setActive(false);
    bar->stop();
    QVERIFY(!bar->marker());
}

QTEST_MAIN(TestGuiTheory)
#include "test_gui_theory.moc"
