#include "helpwindow.h"

#include "helpcontent.h"

#include <QDesktopServices>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QScrollBar>
#include <QShortcut>
#include <QSplitter>
#include <QStyle>
#include <QTextBrowser>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

namespace dmftlab
{

HelpWindow::HelpWindow(QWidget *parent)
    : QWidget(parent, Qt::Window)
{
    setWindowTitle("DMFT Lab help");
    setObjectName("helpWindow");
    resize(980, 720);

    m_list = new QListWidget;
    for (const help::Topic &t : help::topics()) {
        auto *item = new QListWidgetItem(t.title, m_list);
        item->setData(Qt::UserRole, t.id);
    }
    m_list->setMaximumWidth(260);
    m_list->setSpacing(2);

    m_browser = new QTextBrowser;
    m_browser->setOpenLinks(false); // links are routed through followLink
    m_browser->document()->setDefaultStyleSheet(
        "h1 { font-size: x-large; } h2 { font-size: large; margin-top: 14px; } "
        "code { background: #f2f2f2; } td, th { padding: 3px; }");
    connect(m_browser, &QTextBrowser::anchorClicked, this, &HelpWindow::followLink);

    m_back = new QToolButton;
    m_back->setIcon(style()->standardIcon(QStyle::SP_ArrowBack));
    m_back->setToolTip("Back to the previous page (Alt+Left)");
    m_back->setShortcut(QKeySequence::Back);
    m_back->setEnabled(false);
    connect(m_back, &QToolButton::clicked, this, [this] {
        if (m_history.isEmpty())
            return;
        const QString last = m_history.takeLast();
        m_navigating = true;
        showTopic(last.section('#', 0, 0), last.section('#', 1));
        m_navigating = false;
        m_back->setEnabled(!m_history.isEmpty());
    });
    m_find = new QLineEdit;
    m_find->setPlaceholderText("Find in page (Enter: next, Shift+Enter: previous)");
    m_find->setClearButtonEnabled(true);
    connect(m_find, &QLineEdit::returnPressed, this, [this] { find(false); });
    auto *findShortcut = new QShortcut(QKeySequence::Find, this);
    connect(findShortcut, &QShortcut::activated, this, [this] {
        m_find->setFocus();
        m_find->selectAll();
    });
    auto *previous = new QShortcut(QKeySequence(Qt::SHIFT | Qt::Key_Return), m_find);
    previous->setContext(Qt::WidgetShortcut);
    connect(previous, &QShortcut::activated, this, [this] { find(true); });

    auto *top = new QHBoxLayout;
    top->addWidget(m_back);
    top->addWidget(m_find, 1);
    auto *right = new QWidget;
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addLayout(top);
    rightLayout->addWidget(m_browser, 1);

    auto *splitter = new QSplitter;
    splitter->addWidget(m_list);
    splitter->addWidget(right);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(splitter);

    connect(m_list, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row < static_cast<int>(help::topics().size()) && help::topics()[row].id != m_current)
            showTopic(help::topics()[row].id);
    });
    showTopic(help::topics().front().id);
}

bool HelpWindow::showTopic(const QString &id, const QString &anchor)
{
    int row = -1;
    for (std::size_t i = 0; i < help::topics().size(); ++i)
        if (help::topics()[i].id == id)
            row = static_cast<int>(i);
    if (row < 0)
        return false;
    if (!m_navigating && !m_current.isEmpty()) {
        m_history << m_current;
        m_back->setEnabled(true);
    }
    if (id != m_current) {
        m_current = id;
        m_browser->setHtml(help::topicHtml(id));
    }
    m_list->blockSignals(true);
    m_list->setCurrentRow(row);
    m_list->blockSignals(false);
    if (anchor.isEmpty())
        m_browser->verticalScrollBar()->setValue(0);
    else
        m_browser->scrollToAnchor(anchor);
    return true;
}

void HelpWindow::followLink(const QUrl &url)
{
    if (url.scheme() == "http" || url.scheme() == "https" || url.scheme() == "mailto") {
        QDesktopServices::openUrl(url);
        return;
    }
    if (url.scheme() == "dmftlab") {
        emit commandRequested(url.path());
        return;
    }
    const QString path = url.path();
    const QString id = path.isEmpty() ? m_current : path.section('/', -1).section('.', 0, 0);
    showTopic(id, url.fragment());
}

void HelpWindow::find(bool backwards)
{
    const QString text = m_find->text();
    if (text.isEmpty())
        return;
    const QTextDocument::FindFlags flags
        = backwards ? QTextDocument::FindBackward : QTextDocument::FindFlags();
    if (!m_browser->find(text, flags)) {
        // Wrap around once.
        QTextCursor c = m_browser->textCursor();
        c.movePosition(backwards ? QTextCursor::End : QTextCursor::Start);
        m_browser->setTextCursor(c);
        m_browser->find(text, flags);
    }
}

} // namespace dmftlab
