// A guided tour on screen (tours.h): a toolbar across the window with the step's sentence in
// a large font, "step k of n", Back / Next (Ctrl+← / Ctrl+→) and End. Each step shows its
// place — raises and frames the panel or dock (revealTheoryTarget), opens the Theory view or
// the DMFT iterates bar — and marks its time in the panel (TourMarker). In presentation mode
// a panel is shown alone, as the mode shows panels. View ▸ Guided tours ▸ Tour of this preset
// (Ctrl+G) starts the tour of the loaded preset; the other entries load a preset, run it and
// start its tour.
#pragma once

#include "tours.h"

#include <QPointer>
#include <QWidget>
#include <functional>
#include <vector>

class QLabel;
class QMainWindow;
class QMenu;
class QToolButton;

namespace dmftlab
{

class PlotArea;
class PresentationMode;
class TourMarker;

class TourBar : public QWidget
{
    Q_OBJECT
public:
    TourBar(QMainWindow *window, PlotArea *area, PresentationMode *presentation);

    void start(const Tour &tour);
    void stop();
    bool isActive() const { return m_active; }
    int stepIndex() const { return m_step; }
    int stepCount() const { return static_cast<int>(m_tour.steps.size()); }
    void setStep(int index);
    void next() { setStep(m_step + 1); }
    void previous() { setStep(m_step - 1); }
    QString text() const;
    /// The widget the current step showed (null when its place is missing).
    QWidget *shownTarget() const { return m_shown; }
    /// The current step's time marker, null when it marks no time.
    TourMarker *marker() const;

signals:
    void activeChanged(bool on);

private:
    QWidget *reveal(const QString &target);
    /// Hides the docks this tour opened (they were hidden before), except `keep`.
    void closeOpenedDocks(QWidget *keep = nullptr);

    QMainWindow *m_window;
    PlotArea *m_area;
    PresentationMode *m_presentation;
    Tour m_tour;
    int m_step = 0;
    bool m_active = false;
    QPointer<QWidget> m_shown;
    QPointer<TourMarker> m_marker;
    std::vector<QPointer<QWidget>> m_openedDocks; ///< docks a step opened: closed when the step moves on
    QLabel *m_title, *m_text, *m_count;
    QToolButton *m_back, *m_next, *m_end;
};

/// The tour bar in a toolbar of `window` (hidden until a tour starts) and a submenu Guided
/// tours in `view`: "Tour of this preset" (Ctrl+G, the preset `currentPreset()` names) and one
/// entry per tour that calls `loadAndRun(preset)` (false: it could not) and then starts it.
TourBar *addTourBar(QMainWindow *window, QMenu *view, PlotArea *area, PresentationMode *presentation,
    std::function<QString()> currentPreset, std::function<bool(const QString &)> loadAndRun);

} // namespace dmftlab
