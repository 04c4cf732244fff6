// Presentation mode (issue 12: the program in front of a lecture hall): full screen, every
// dock and toolbar hidden, a larger application font, the plots in the slide style (larger
// fonts, thicker lines), a high-contrast light palette, and one panel at a time — Page Down /
// Page Up (or → / ←) move between panels, Home shows the whole grid. F11 (View ▸
// Presentation mode) enters and leaves; leaving restores the window as it was.
#pragma once

#include <QByteArray>
#include <QFont>
#include <QObject>
#include <QPalette>

#include <vector>

class QAction;
class QMainWindow;
class QShortcut;

namespace dmftlab
{

class PlotArea;

class PresentationMode : public QObject
{
    Q_OBJECT
public:
    /// `action`: the checkable menu entry that toggles the mode (kept in step).
    PresentationMode(QMainWindow *window, PlotArea *area, QAction *action);

    bool isActive() const { return m_active; }
    void setActive(bool on);
    /// The panel shown alone (index into PlotArea::panels()), −1 for the whole grid.
    int panelIndex() const { return m_panel; }
    void showPanel(int index);
    void next() { step(+1); }
    void previous() { step(-1); }

    /// Font scale of the mode (application font × this).
    static constexpr double kFontScale = 1.5;

private:
    void step(int delta);

    QMainWindow *m_window;
    PlotArea *m_area;
    QAction *m_action;
    bool m_active = false;
    int m_panel = -1;
    QByteArray m_state; ///< saveState() of docks and toolbars before the mode
    bool m_wasFullScreen = false, m_menuVisible = true, m_statusVisible = true;
    QFont m_font;
    QPalette m_palette;
    std::vector<QShortcut *> m_keys;
};

} // namespace dmftlab
