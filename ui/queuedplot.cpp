#include "queuedplot.h"

#include "replotqueue.h"

namespace dmftlab
{

QueuedPlot::QueuedPlot(QWidget *parent)
    : QCustomPlot(parent)
{
}

void QueuedPlot::resizeEvent(QResizeEvent *event)
{
    // Laid out before it is first shown (or grabbed): as QCustomPlot does, so that the first
    // picture has the right size.
    if (!isVisible()) {
        QCustomPlot::resizeEvent(event);
        return;
    }
    setViewport(rect()); // what QCustomPlot::resizeEvent does before its replot
    if (!m_redrawPending)
        ReplotQueue::request(this);
}

} // namespace dmftlab
