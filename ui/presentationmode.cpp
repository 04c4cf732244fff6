#include "presentationmode.h"

#include "plotarea.h"
#include "plotpanel.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QMainWindow>
#include <QMenuBar>
#include <QShortcut>
#include <QStatusBar>
#include <QToolBar>

#include <functional>

namespace dmftlab
{

namespace
{
/// Black on white with a saturated blue for selections: what survives a washed-out projector.
QPalette highContrastLight()
{
    QPalette p;
    p.setColor(QPalette::Window, Qt::white);
    p.setColor(QPalette::WindowText, Qt::black);
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(235, 235, 235));
    p.setColor(QPalette::Text, Qt::black);
    p.setColor(QPalette::Button, QColor(240, 240, 240));
    p.setColor(QPalette::ButtonText, Qt::black);
    p.setColor(QPalette::Highlight, QColor(0, 70, 180));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::ToolTipBase, Qt::white);
    p.setColor(QPalette::ToolTipText, Qt::black);
    return p;
}
} // namespace

PresentationMode::PresentationMode(QMainWindow *window, PlotArea *area, QAction *action)
    : QObject(window)
    , m_window(window)
    , m_area(area)
    , m_action(action)
{
    m_action->setCheckable(true);
    connect(m_action, &QAction::toggled, this, &PresentationMode::setActive);
    // Navigation keys only while presenting (arrows belong to the fields otherwise).
    const std::vector<std::pair<QKeySequence, std::function<void()>>> keys = {
        { QKeySequence(Qt::Key_PageDown), [this] { next(); } },
        { QKeySequence(Qt::Key_Right), [this] { next(); } },
        { QKeySequence(Qt::Key_PageUp), [this] { previous(); } },
        { QKeySequence(Qt::Key_Left), [this] { previous(); } },
        { QKeySequence(Qt::Key_Home), [this] { showPanel(-1); } },
        { QKeySequence(Qt::Key_P), [this] { setPairing(!isPairing()); } },
    };
    for (const auto &[key, slot] : keys) {
        auto *s = new QShortcut(key, m_window);
        s->setEnabled(false);
        connect(s, &QShortcut::activated, this, slot);
        m_keys.push_back(s);
    }
}

void PresentationMode::setActive(bool on)
{
    if (on == m_active)
        return;
    m_active = on;
    if (m_action->isChecked() != on)
        m_action->setChecked(on);
    if (on) {
        m_state = m_window->saveState();
        m_wasFullScreen = m_window->isFullScreen();
        m_menuVisible = m_window->menuBar()->isVisible();
        m_statusVisible = m_window->statusBar()->isVisible();
        m_font = QApplication::font();
        m_palette = QApplication::palette();
        for (QDockWidget *d : m_window->findChildren<QDockWidget *>())
            d->hide();
        for (QToolBar *t : m_window->findChildren<QToolBar *>())
            // Stepping through iterates and a guided tour are part of a lecture.
            if (t->objectName() != "iteratesToolbar" && t->objectName() != "tourToolbar")
                t->hide();
        m_window->statusBar()->hide();
        QFont f = m_font;
        f.setPointSizeF(m_font.pointSizeF() * kFontScale);
        QApplication::setFont(f);
        QApplication::setPalette(highContrastLight());
        PlotPanel::setSlideStyleOnScreen(true);
        m_window->showFullScreen();
        showPanel(0);
        // No field or chooser keeps the keyboard: a focused combo box (a panel's option) takes
        // Page Up/Down and Home for itself before the navigation shortcuts see them.
        if (QWidget *focused = QApplication::focusWidget())
            focused->clearFocus();
        m_window->setFocus(Qt::OtherFocusReason);
    } else {
        showPanel(-1); // also ends a pair
        PlotPanel::setSlideStyleOnScreen(false);
        QApplication::setFont(m_font);
        QApplication::setPalette(m_palette);
        m_window->restoreState(m_state);
        m_window->statusBar()->setVisible(m_statusVisible);
        m_window->menuBar()->setVisible(m_menuVisible);
        if (!m_wasFullScreen)
            m_window->showNormal();
        for (PlotPanel *p : m_area->panels())
            p->redraw();
    }
    for (QShortcut *s : m_keys)
        s->setEnabled(on);
}

void PresentationMode::setPairing(bool on)
{
    const auto &panels = m_area->panels();
    const int n = static_cast<int>(panels.size());
    if (on == isPairing() || n < 2)
        return;
    if (on) {
        m_pairFirst = m_panel >= 0 ? m_panel : 0;
        m_panel = (m_pairFirst + 1) % n;
        m_area->showOnly({ panels[m_pairFirst], panels[m_panel] });
        for (PlotPanel *p : m_area->shownOnly())
            p->redraw();
    } else {
        const int first = m_pairFirst;
        m_pairFirst = -1;
        m_area->showOnly({});
        showPanel(first);
    }
}

void PresentationMode::showPanel(int index)
{
    if (isPairing()) { // a panel alone or the grid ends the pair
        m_pairFirst = -1;
        m_area->showOnly({});
    }
    const auto &panels = m_area->panels();
    const int n = static_cast<int>(panels.size());
    m_panel = index >= 0 && index < n ? index : -1;
    for (int i = 0; i < n; ++i)
        if (i != m_panel && panels[i]->isMaximised())
            panels[i]->setMaximised(false);
    if (m_panel >= 0)
        panels[m_panel]->setMaximised(true);
    for (PlotPanel *p : panels)
        if (p->isVisible())
            p->redraw(); // in the style of the mode
}

void PresentationMode::step(int delta)
{
    const int n = static_cast<int>(m_area->panels().size());
    if (n == 0)
        return;
    if (isPairing()) { // the right panel moves, skipping the left one
        int right = m_panel;
        do
            right = ((right + delta) % n + n) % n;
        while (right == m_pairFirst);
        m_panel = right;
        m_area->showOnly({ m_area->panels()[m_pairFirst], m_area->panels()[m_panel] });
        for (PlotPanel *p : m_area->shownOnly())
            p->redraw();
        return;
    }
    // From the grid, → starts at the first panel and ← at the last.
    const int from = m_panel < 0 ? (delta > 0 ? -1 : n) : m_panel;
    showPanel(((from + delta) % n + n) % n);
}

} // namespace dmftlab
