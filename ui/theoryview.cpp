#include "theoryview.h"

#include "theorytext.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QScrollBar>
#include <QTextBrowser>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>
#include <algorithm>

namespace dmftlab
{

TheoryView::TheoryView(QWidget *parent)
    : QWidget(parent)
    , m_browser(new QTextBrowser)
{
    m_browser->setObjectName("theoryBrowser");
    // Links are panel targets, not pages: the window decides what they open.
    m_browser->setOpenLinks(false);
    connect(m_browser, &QTextBrowser::anchorClicked, this, &TheoryView::followLink);

    auto *smaller = new QToolButton;
    smaller->setText("A−");
    smaller->setToolTip("Smaller text");
    auto *larger = new QToolButton;
    larger->setText("A+");
    larger->setToolTip("Larger text (for a projector)");
    connect(smaller, &QToolButton::clicked, this, [this] { setPointSize(m_points / 1.15); });
    connect(larger, &QToolButton::clicked, this, [this] { setPointSize(m_points * 1.15); });
    auto *hint = new QLabel("Theory §2–4 with this run's numbers; click a blue symbol to see its panel.");
    hint->setWordWrap(true);

    auto *top = new QHBoxLayout;
    top->addWidget(hint, 1);
    top->addWidget(smaller);
    top->addWidget(larger);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(top);
    layout->addWidget(m_browser, 1);
    setPointSize(m_points);
}

void TheoryView::setPointSize(double points)
{
    m_points = std::clamp(points, 8.0, 48.0);
    QFont f = m_browser->font();
    f.setPointSizeF(m_points);
    m_browser->document()->setDefaultFont(f);
}

void TheoryView::setConfig(const RunConfig &config)
{
    const QString html = theoryHtml(config);
    if (html == m_html)
        return; // an unchanged page keeps the reader's place and selection
    m_html = html;
    const int scroll = m_browser->verticalScrollBar()->value();
    m_browser->setHtml(html);
    m_browser->verticalScrollBar()->setValue(scroll);
}

void TheoryView::followLink(const QUrl &url)
{
    if (url.scheme() == kTheoryLinkScheme)
        emit targetRequested(url.path());
}

} // namespace dmftlab
