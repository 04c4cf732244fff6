// A QCustomPlot whose resizes do not replot at once. QCustomPlot replots inside its
// resizeEvent, so a layout change that resizes several plots (a panel note that appears or
// goes at a run's start and end, the error banner, a dock opening) replotted all of them in
// one event-loop turn (the five panels of the grid: ~40 ms of GUI-thread CPU at 1400 × 900).
// A visible QueuedPlot takes its new size at once and replots through ReplotQueue, one plot
// per turn, or not at all when its owner says a redraw of its own is due anyway.
#pragma once

#include <qcustomplot.h>

namespace dmftlab
{

class QueuedPlot : public QCustomPlot
{
    Q_OBJECT
public:
    explicit QueuedPlot(QWidget *parent = nullptr);

    /// The owner will redraw (and so replot) the plot soon: a resize meanwhile only resizes.
    void setRedrawPending(bool pending) { m_redrawPending = pending; }

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    bool m_redrawPending = false;
};

} // namespace dmftlab
