// The DMFT fixed point, step by step (issue 12): a slider over the iterates of the DMFT
// (dmft/iteratehistory.h) with play/pause. At its right end it follows the run (the live
// iterate, then the result); anywhere else the loss, overlap and kernel panels show the
// chosen iterate instead, marked "iteration k of n — not converged" in their headers and drawn
// faded and dotted (ResultView::unconverged). A live iterate is marked and drawn the same way
// while the solve runs. The pilot solve's iterates come first, as "pilot iteration k of p".
#pragma once

#include "dmft/iteratehistory.h"

#include <QWidget>
#include <memory>

class QLabel;
class QSlider;
class QTimer;
class QToolButton;

namespace dmftlab
{

struct ResultView;

class IterateScrubber : public QWidget
{
    Q_OBJECT
public:
    explicit IterateScrubber(QWidget *parent = nullptr);

    /// New iterates of `engine` (may be null: nothing to scrub). Keeps a chosen iterate.
    void setHistory(const std::string &engine, std::shared_ptr<const IterateHistory> history, bool finished);
    int count() const;
    /// The chosen entry (0-based); count() − 1 when following the run.
    int index() const;
    void setIndex(int i);
    bool isFollowing() const { return m_following; }
    void setPlaying(bool on);
    bool isPlaying() const;
    QString label() const;

    /// Puts the chosen iterate into `view` in place of the engine's curves, and marks an
    /// unconverged iterate (chosen, or live while running) in the view's warnings.
    void apply(ResultView &view) const;

signals:
    /// The shown iterate changed (the window redraws).
    void changed();

private:
    void updateLabel();

    std::string m_engine;
    std::shared_ptr<const IterateHistory> m_history;
    bool m_finished = false;
    bool m_following = true;
    QSlider *m_slider;
    QToolButton *m_play;
    QLabel *m_label;
    QTimer *m_timer;
};

} // namespace dmftlab
