// The help window (F1): a non-modal top-level window with the topic list on the left and
// the page on the right (help texts from ui/helpcontent). Links between pages
// ("parameters.html#time") stay inside the window; web links open in the browser.
#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>

class QLineEdit;
class QListWidget;
class QTextBrowser;
class QToolButton;
class QUrl;

namespace dmftlab
{

class HelpWindow : public QWidget
{
    Q_OBJECT
public:
    explicit HelpWindow(QWidget *parent = nullptr);

    /// Shows topic `id` (see help::topics()) scrolled to `anchor`; false if unknown.
    bool showTopic(const QString &id, const QString &anchor = QString());
    QString currentTopic() const { return m_current; }
    QTextBrowser *browser() const { return m_browser; }
    QListWidget *topicList() const { return m_list; }

signals:
    /// A "dmftlab:<command>" link was followed (e.g. "theory": open the Theory view).
    void commandRequested(const QString &command);

private:
    void followLink(const QUrl &url);
    void find(bool backwards);

    QListWidget *m_list;
    QTextBrowser *m_browser;
    QLineEdit *m_find;
    QToolButton *m_back;
    QString m_current;
    QStringList m_history; ///< "id#anchor" of earlier pages, for Back
    bool m_navigating = false;
};

} // namespace dmftlab
