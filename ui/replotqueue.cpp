#include "replotqueue.h"

#include <QEvent>
#include <qcustomplot.h>

#include <algorithm>

namespace dmftlab
{

ReplotQueue::ReplotQueue()
{
    m_timer.setInterval(0); // one plot per event-loop turn: input and timers are served between
    connect(&m_timer, &QTimer::timeout, this, &ReplotQueue::replotNext);
}

ReplotQueue &ReplotQueue::instance()
{
    static ReplotQueue queue;
    return queue;
}

void ReplotQueue::request(QCustomPlot *plot)
{
    if (plot)
        instance().add(plot);
}

void ReplotQueue::add(QCustomPlot *plot)
{
    // Any replot of the plot (its own resize, a staggered redraw) makes the request moot.
    connect(plot, &QCustomPlot::afterReplot, this, &ReplotQueue::replotted, Qt::UniqueConnection);
    if (contains(m_queue, plot))
        return;
    if (!plot->isVisible()) {
        if (!contains(m_hidden, plot))
            m_hidden.emplace_back(plot);
        plot->installEventFilter(this); // QEvent::Show queues it
        return;
    }
    remove(m_hidden, plot);
    m_queue.emplace_back(plot);
    if (!m_timer.isActive())
        m_timer.start();
}

bool ReplotQueue::isPending(const QCustomPlot *plot) const
{
    return contains(m_queue, plot) || contains(m_hidden, plot);
}

bool ReplotQueue::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::Show)
        if (auto *plot = qobject_cast<QCustomPlot *>(watched); plot && contains(m_hidden, plot)) {
            plot->removeEventFilter(this);
            add(plot);
        }
    return false;
}

void ReplotQueue::replotNext()
{
    while (!m_queue.empty()) {
        QPointer<QCustomPlot> plot = m_queue.front();
        m_queue.erase(m_queue.begin());
        if (!plot)
            continue; // destroyed meanwhile
        if (!plot->isVisible()) {
            add(plot); // hidden meanwhile: waits until shown
            continue;
        }
        plot->replot(QCustomPlot::rpImmediateRefresh); // and paint now, not in a later turn
        break;
    }
    if (m_queue.empty())
        m_timer.stop();
}

void ReplotQueue::replotted()
{
    if (auto *plot = qobject_cast<QCustomPlot *>(sender())) {
        remove(m_queue, plot);
        remove(m_hidden, plot);
    }
}

bool ReplotQueue::contains(const std::vector<QPointer<QCustomPlot>> &list, const QCustomPlot *plot)
{
    return std::any_of(
        list.begin(), list.end(), [plot](const QPointer<QCustomPlot> &p) { return p == plot; });
}

void ReplotQueue::remove(std::vector<QPointer<QCustomPlot>> &list, const QCustomPlot *plot)
{
    list.erase(std::remove_if(list.begin(), list.end(),
                   [plot](const QPointer<QCustomPlot> &p) { return !p || p == plot; }),
        list.end());
}

} // namespace dmftlab
