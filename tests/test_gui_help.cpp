// The help texts (issue 4): every topic is compiled in and non-empty, its placeholders
// resolve against the code (defaults, presets), links between pages land on existing
// anchors, the parameter help names every config key the parameter panel edits (the list
// comes from the config schema, not from this file), every preset has a section, and the
// help opens non-modally from the Help menu (F1) and from "What's this preset?".
#include "config/presets.h"
#include "helpcontent.h"
#include "helpwindow.h"
#include "mainwindow.h"
#include "parameterpanel.h"

#include <QAction>
#include <QApplication>
#include <QLabel>
#include <QListWidget>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSet>
#include <QTextBrowser>
#include <QTextDocument>
#include <QtTest>

using namespace dmftlab;

namespace
{

QString plainText(const QString &html)
{
    QTextDocument doc;
    doc.setHtml(html);
    return doc.toPlainText();
}

/// Dotted keys of every leaf of the config schema ("data.alpha", ...).
void collectKeys(const json &node, const QString &prefix, QStringList *out)
{
    for (auto it = node.begin(); it != node.end(); ++it) {
        const QString key = prefix.isEmpty() ? QString::fromStdString(it.key())
                                             : prefix + "." + QString::fromStdString(it.key());
        if (it.value().is_object())
            collectKeys(it.value(), key, out);
        else
            *out << key;
    }
}

} // namespace

class TestGuiHelp : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void everyTopicIsCompiledInAndResolved_data();
    void everyTopicIsCompiledInAndResolved();
    void linksLandOnExistingAnchors();
    void parameterHelpNamesEveryPanelKey();
    void everyPresetHasASection();
    void helpOpensNonModallyFromTheMenu();
    void presetLinkOpensItsSection();
};

void TestGuiHelp::initTestCase()
{
    QCoreApplication::setOrganizationName("dmftlab-test");
    QCoreApplication::setApplicationName("test_gui_help");
    QSettings().clear();
}

void TestGuiHelp::everyTopicIsCompiledInAndResolved_data()
{
    QTest::addColumn<QString>("id");
    for (const help::Topic &t : help::topics())
        QTest::newRow(qPrintable(t.id)) << t.id;
}

void TestGuiHelp::everyTopicIsCompiledInAndResolved()
{
    QFETCH(QString, id);
    const QString raw = help::rawTopicHtml(id);
    QVERIFY2(!raw.isEmpty(), qPrintable(":/help/" + id + ".html is missing or empty"));
    const QString html = help::topicHtml(id);
    QVERIFY2(!html.contains("[?"),
        qPrintable(id + ": unresolved placeholder near '" + html.mid(html.indexOf("[?"), 60) + "'"));
    QVERIFY2(!html.contains("{{"), qPrintable(id + ": placeholder left"));
    QVERIFY(html.contains("<h1>"));
    const QString text = plainText(html);
    QVERIFY2(text.size() > 1500, qPrintable(QString("%1: only %2 characters").arg(id).arg(text.size())));
}

void TestGuiHelp::linksLandOnExistingAnchors()
{
    QSet<QString> ids;
    for (const help::Topic &t : help::topics())
        ids << t.id;
    const QRegularExpression href("href=\"([^\"]+)\"");
    int links = 0;
    for (const help::Topic &t : help::topics()) {
        const QString html = help::topicHtml(t.id);
        auto it = href.globalMatch(html);
        while (it.hasNext()) {
            const QString target = it.next().captured(1);
            if (target.startsWith("http"))
                continue;
            if (target.startsWith(
                    "dmftlab:")) { // a command for the main window (HelpWindow::commandRequested)
                QCOMPARE(target, QString("dmftlab:theory"));
                continue;
            }
            ++links;
            const QString file = target.section('#', 0, 0);
            const QString anchor = target.section('#', 1);
            const QString id = file.isEmpty() ? t.id : file.section('.', 0, 0);
            QVERIFY2(ids.contains(id), qPrintable(t.id + ": link to unknown page " + target));
            if (!anchor.isEmpty())
                QVERIFY2(help::topicHtml(id).contains("name=\"" + anchor + "\""),
                    qPrintable(t.id + ": link to missing anchor " + target));
        }
    }
    QVERIFY(links >= 20);
}

void TestGuiHelp::parameterHelpNamesEveryPanelKey()
{
    ParameterPanel panel;
    QStringList schemaKeys;
    collectKeys(configToJson(RunConfig {}), QString(), &schemaKeys);
    const QString parameters = plainText(help::topicHtml("parameters"));
    QStringList shown;
    for (const QString &key : schemaKeys) {
        if (!panel.editor(key))
            continue;
        shown << key;
        QVERIFY2(parameters.contains(key), qPrintable("the parameter help does not mention " + key));
        // Each field also has a one-sentence tooltip naming its key.
        QVERIFY2(panel.editor(key)->toolTip().contains("[" + key + "]"), qPrintable(key));
    }
    // The panel edits almost the whole schema; the rest is listed as "not in the dock".
    QVERIFY2(shown.size() >= 25, qPrintable(QString("only %1 keys found").arg(shown.size())));
    for (const QString &key : schemaKeys)
        if (!panel.editor(key))
            QVERIFY2(
                parameters.contains(key), qPrintable("the parameter help does not say where to set " + key));
    qInfo() << shown.size() << "panel keys of" << schemaKeys.size() << "schema keys, all in the help";
}

void TestGuiHelp::everyPresetHasASection()
{
    const QString html = help::topicHtml("presets");
    for (const Preset &p : presets()) {
        const QString name = QString::fromStdString(p.name);
        QVERIFY2(html.contains("name=\"" + help::presetAnchor(name) + "\""), qPrintable(name));
        // The description comes from the preset itself, so it cannot go stale.
        QVERIFY2(plainText(html).contains(QString::fromStdString(p.description)), qPrintable(name));
    }
    // The question the issue asks the help to answer.
    const QString text = plainText(html);
    QVERIFY(text.contains("permutation symmetry"));
    QVERIFY(text.contains("init.m0_asymmetry"));
}

void TestGuiHelp::helpOpensNonModallyFromTheMenu()
{
    MainWindow w;
    w.show();
    QVERIFY(w.helpAction());
    QCOMPARE(w.helpAction()->shortcut(), QKeySequence(QKeySequence::HelpContents));
    QVERIFY(!w.helpWindow());
    w.helpAction()->trigger();
    HelpWindow *h = w.helpWindow();
    QVERIFY(h);
    QVERIFY(h->isVisible());
    QVERIFY(!h->isModal());
    QVERIFY(!QApplication::activeModalWidget());
    QCOMPARE(h->currentTopic(), help::topics().front().id);
    QCOMPARE(h->topicList()->count(), static_cast<int>(help::topics().size()));
    QVERIFY(h->browser()->toPlainText().contains("Quick start"));
    // The main window stays usable: Run still works while help is open.
    QVERIFY(w.runAction()->isEnabled());

    // Choosing a topic in the list shows it; an internal link follows.
    h->topicList()->setCurrentRow(2);
    QCOMPARE(h->currentTopic(), help::topics()[2].id);
    emit h->browser()->anchorClicked(QUrl("troubleshooting.html#dmft-not-converged"));
    QCOMPARE(h->currentTopic(), QString("troubleshooting"));
    QVERIFY(h->browser()->toPlainText().contains("does not converge"));
}

void TestGuiHelp::presetLinkOpensItsSection()
{
    MainWindow w;
    w.resize(1200, 800);
    w.show();
    QVERIFY(w.loadPreset("committee-erf"));
    auto *link = w.parameters()->findChild<QLabel *>("presetHelp");
    QVERIFY(link);
    QVERIFY(link->text().contains("preset-committee-erf"));
    emit link->linkActivated("presets.html#" + help::presetAnchor("committee-erf"));
    QVERIFY(w.helpWindow() && w.helpWindow()->isVisible());
    QCOMPARE(w.helpWindow()->currentTopic(), QString("presets"));
    // Scrolled down to the last preset's section, not left at the top of the page.
    QTRY_VERIFY(w.helpWindow()->browser()->verticalScrollBar()->value() > 0);
}

QTEST_MAIN(TestGuiHelp)
#include "test_gui_help.moc"
