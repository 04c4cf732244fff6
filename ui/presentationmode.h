// Presentation mode (issue 12: the program in front of a lecture hall): full screen, every
// dock and toolbar hidden, a larger application font, the plots in the slide style (larger
// fonts, thicker lines), a high-contrast light palette, and one panel at a time — Page Down /
// Page Up (or → / ←) move between panels, Home shows the whole grid — or a chosen pair side
// by side: P keeps the shown panel on the left and → / ← choose the one beside it (P again
// goes back to one panel). F11 (View ▸ Presentation mode) enters and leaves; leaving
// restores the window as it was.
#pragma once

#include <QByteArray>
#include <QFont>
#include <QObject>
#include <QPalette>

#include <utility>
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
    /// Pair view: the shown panel (the first panel from the grid) on the left, the next
    /// one beside it; off: back to the left panel alone.
    void setPairing(bool on);
    bool isPairing() const { return m_pairFirst >= 0; }
    /// The pair shown (indices into PlotArea::panels()), {−1, −1} when not pairing.
    std::pair<int, int> pair() const { return { m_pairFirst, m_pairFirst >= 0 ? m_panel : -1 }; }

    /// Font scale of the mode (application font × this).
    static constexpr double kFontScale = 1.5;

private:
    void step(int delta);

    QMainWindow *m_window;
    PlotArea *m_area;
    QAction *m_action;
    bool m_active = false;
    int m_panel = -1; ///< the panel shown alone, or the right one of a pair
    int m_pairFirst = -1; ///< the left panel of a pair, −1 when not pairing
    QByteArray m_state; ///< saveState() of docks and toolbars before the mode
    bool m_wasFullScreen = false, m_menuVisible = true, m_statusVisible = true;
    QFont m_font;
    QPalette m_palette;
    std::vector<QShortcut *> m_keys;
};

} // namespace dmftlab
