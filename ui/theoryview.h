// The Theory view (issue 12): the DMFT of the configured model as rich text (theorytext.h)
// in a read-only browser, with a zoom for projectors. Clicking a linked symbol emits
// targetRequested(target) for the window to show that panel (theorydock.h).
#pragma once

#include "config/config.h"

#include <QWidget>

class QTextBrowser;
class QUrl;

namespace dmftlab
{

class TheoryView : public QWidget
{
    Q_OBJECT
public:
    explicit TheoryView(QWidget *parent = nullptr);

    /// Rewrites the page for `config` (keeps the scroll position).
    void setConfig(const RunConfig &config);
    QTextBrowser *browser() const { return m_browser; }
    /// Base font size in points (default 15: readable from the back of a lecture hall).
    void setPointSize(double points);
    double pointSize() const { return m_points; }
    QString html() const { return m_html; }

signals:
    /// A linked symbol was clicked: one of theoryLinkTargets().
    void targetRequested(const QString &target);

private:
    void followLink(const QUrl &url);

    QTextBrowser *m_browser;
    QString m_html; ///< the page shown
    double m_points = 15.0;
};

} // namespace dmftlab
