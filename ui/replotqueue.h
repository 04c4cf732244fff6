// Replots that never pile up in one event-loop turn. A QCustomPlot replot draws every layer
// into the plot's buffers whether the plot is visible or not, and queued replots
// (rpQueuedReplot) all land in the same later turn: at a run's end the docks' plots
// (Distributions, Effective processes, Pins; hidden by default) replotted together in the
// turn that also handled the engines' end (~50 ms of GUI-thread CPU at 1400 × 900).
// ReplotQueue replots one requested plot per turn, and a hidden plot not at all until it is
// shown. PlotArea's staggered panel redraws are the same idea for the main grid.
#pragma once

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <vector>

class QCustomPlot;

namespace dmftlab
{

class ReplotQueue : public QObject
{
    Q_OBJECT
public:
    /// The GUI thread's queue (plots live in the GUI thread).
    static ReplotQueue &instance();
    /// Replots `plot` in a later turn, one plot per turn in request order, painting in that
    /// turn; a plot already waiting keeps its place. A hidden plot waits until it is shown; a
    /// plot that replots by other means meanwhile, or is destroyed, leaves the queue.
    static void request(QCustomPlot *plot);
    /// Whether `plot` waits for its replot (shown, or hidden until shown).
    bool isPending(const QCustomPlot *plot) const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    ReplotQueue();
    void add(QCustomPlot *plot);
    void replotNext();
    void replotted();
    static bool contains(const std::vector<QPointer<QCustomPlot>> &list, const QCustomPlot *plot);
    static void remove(std::vector<QPointer<QCustomPlot>> &list, const QCustomPlot *plot);

    std::vector<QPointer<QCustomPlot>> m_queue; ///< visible plots, in request order
    std::vector<QPointer<QCustomPlot>> m_hidden; ///< requested while hidden: queued when shown
    QTimer m_timer;
};

} // namespace dmftlab
