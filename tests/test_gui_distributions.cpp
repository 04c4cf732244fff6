// The Distributions panel (issue 12), offscreen: a small run of the main window records the
// laws at every grid time; the panel steps through them with the slider and with play, shows
// an agreement line, and draws the laws and the joint picture (θ*_i, θ_i(t)); with sign labels
// (logistic regression) the predictions' plot is the law of the margins y_μ r_μ(t).
#include "distributionspanel.h"
#include "guitestutil.h"
#include "plotarea.h"
#include "runcontroller.h"

#include <qcustomplot.h>

#include <QDockWidget>
#include <QSignalSpy>
#include <QtTest>

using namespace dmftlab;

class TestGuiDistributions : public QObject
{
    Q_OBJECT
private slots:
    void runFillsThePanel();
    void signLabelsShowMargins();
    void dockLeavesThePlotsRoom();
};

void TestGuiDistributions::dockLeavesThePlotsRoom()
{
    // Opened on a 1366×768 screen, the dock takes at most 55 % of the window's height
    // (capBottomDockHeight; its plots' minimum height allows it): at its size hint it left the
    // plots about 80 px.
    MainWindow w;
    w.resize(1366, 740);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    auto *dock = qobject_cast<QDockWidget *>(w.distributions()->parentWidget());
    QVERIFY(dock);
    dock->show();
    QTRY_VERIFY2(dock->height() <= w.height() * 56 / 100,
        qPrintable(QString("dock %1 of %2 px").arg(dock->height()).arg(w.height())));
    QVERIFY2(w.plotArea()->height() >= w.height() / 4, qPrintable(QString::number(w.plotArea()->height())));
    QVERIFY(dock->height() >= w.height() / 3); // and the laws keep room of their own
}

void TestGuiDistributions::runFillsThePanel()
{
    MainWindow w;
    w.resize(1400, 900);
    w.show();
    guitest::makeSmall(w, "linear-regression");
    guitest::setField(w, "teacher.prior", "rademacher");
    DistributionsPanel *panel = w.distributions();
    QVERIFY(panel);
    QCOMPARE(panel->timeCount(), 0);
    QSignalSpy finished(&w, &MainWindow::runFinished);
    QVERIFY(w.run());
    QVERIFY(finished.wait(120000));

    // Every grid time recorded (N = 10: 11 times), the slider at the last one.
    QCOMPARE(panel->timeCount(), 11);
    QCOMPARE(panel->timeIndex(), 10);
    QVERIFY2(panel->agreementText().contains("θ law: χ²/dof"), qPrintable(panel->agreementText()));
    QVERIFY2(panel->agreementText().contains("r law: χ²/dof"), qPrintable(panel->agreementText()));
    // Bars, their error bars and the DMFT line in each plot.
    QCOMPARE(panel->thetaPlot()->plottableCount(), 3);
    QCOMPARE(panel->rPlot()->plottableCount(), 3);
    // The joint picture: coordinates, their binned conditional means (with error bars) and the
    // DMFT's E[θ | θ*] with ± 1, 2 sd (5 lines); its agreement in the line below.
    QCOMPARE(panel->jointPlot()->plottableCount(), 2 + 1 + 5);
    QVERIFY2(panel->agreementText().contains("E[θ | θ*]: χ²/dof"), qPrintable(panel->agreementText()));
    // A Rademacher teacher: the binned means sit at θ* = ±1, one per atom.
    const QCPGraph *binned = nullptr;
    for (int i = 0; i < panel->jointPlot()->graphCount(); ++i)
        if (panel->jointPlot()->graph(i)->name().startsWith("simulation E[θ | θ*]"))
            binned = panel->jointPlot()->graph(i);
    QVERIFY(binned);
    QCOMPARE(binned->dataCount(), 2);
    QVERIFY(std::fabs(std::fabs(binned->data()->at(0)->key) - 1.0) < 1e-9);
    // The joint law of (r_1, r_2) is for k = 2 only.
    QVERIFY(panel->rJointPlot()->isHidden());

    // Scrub by hand, then play: the time advances on its own and wraps around.
    panel->setTimeIndex(3);
    QCOMPARE(panel->timeIndex(), 3);
    const QString at3 = panel->agreementText();
    panel->setPlaying(true);
    QVERIFY(panel->isPlaying());
    QTRY_VERIFY_WITH_TIMEOUT(panel->timeIndex() != 3, 3000);
    panel->setPlaying(false);
    QVERIFY(!panel->isPlaying());
    const int stopped = panel->timeIndex();
    QTest::qWait(600);
    QCOMPARE(panel->timeIndex(), stopped);
    QVERIFY(!at3.isEmpty());

    // Something is drawn: the grab is not one flat colour.
    panel->parentWidget()->show();
    panel->resize(900, 400);
    const QImage img = panel->thetaPlot()->toPixmap(400, 300).toImage();
    QSet<QRgb> colours;
    for (int y = 0; y < img.height(); y += 7)
        for (int x = 0; x < img.width(); x += 7)
            colours.insert(img.pixel(x, y));
    QVERIFY(colours.size() > 3);
}

void TestGuiDistributions::signLabelsShowMargins()
{
    MainWindow w;
    w.resize(1400, 900);
    w.show();
    guitest::makeSmall(w, "logistic-regression");
    DistributionsPanel *panel = w.distributions();
    QSignalSpy finished(&w, &MainWindow::runFinished);
    QVERIFY(w.run());
    QVERIFY(finished.wait(120000));
    QVERIFY(panel->timeCount() > 1);
    QCOMPARE(panel->rPlot()->xAxis->label(), QString("margins y_μ r_μ(t)"));
    QVERIFY2(panel->agreementText().contains("y r law: χ²/dof"), qPrintable(panel->agreementText()));
    QCOMPARE(panel->rPlot()->plottableCount(), 3);
    // The margins' law leans to y r > 0 once the student has learnt (M > 0 at the last time):
    // more of the simulation's bars' mass on the positive side.
    const auto *bars = qobject_cast<QCPBars *>(panel->rPlot()->plottable(0));
    QVERIFY(bars);
    double positive = 0.0, negative = 0.0;
    for (int i = 0; i < bars->dataCount(); ++i)
        (bars->data()->at(i)->key > 0.0 ? positive : negative) += bars->data()->at(i)->value;
    QVERIFY2(positive > 1.2 * negative, qPrintable(QString("%1 vs %2").arg(positive).arg(negative)));
}

QTEST_MAIN(TestGuiDistributions)
#include "test_gui_distributions.moc"
