// Runs a family or phase diagram (core/sweep SweepRunner) in a worker thread and hands
// each finished point to the GUI thread. The worker only appends finished points to a
// mailbox under a mutex; a ~30 Hz timer in the GUI thread drains it and emits `updated`
// at most once per tick. Results of single engine runs go into a ResultCache that lives
// as long as the controller, so refining a grid or running a family again recomputes
// nothing already computed. Cancel is an atomic the engines poll; a cancelled sweep keeps
// every finished point. The destructor cancels and waits: nothing outlives its owner.
// The live run goes first (workscheduler.h): while one computes, the worker starts no
// new point (the point in progress finishes at the lower CPU priority of workerpriority.h)
// and it resumes with the next pending point when the live run has finished.
#pragma once

#include "sweep/sweeprunner.h"

#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <memory>

namespace dmftlab
{

class SweepController : public QObject
{
    Q_OBJECT
public:
    explicit SweepController(QObject *parent = nullptr);
    ~SweepController() override;

    /// Starts `plan` (a sweep in progress is cancelled first; its late points are dropped).
    void start(const SweepPlan &plan);
    void stop();
    bool isRunning() const { return m_running; }

    const SweepPlan &plan() const { return m_plan; }
    /// One entry per plan point; not done() while pending.
    const std::vector<SweepPointResult> &results() const { return m_results; }
    int completedPoints() const { return m_completed; }
    /// Completed, Cancelled, or Running.
    Status status() const { return m_status; }
    std::shared_ptr<ResultCache> cache() const { return m_cache; }
    /// The nice value the current sweep's worker runs at (workerpriority.h: after the live
    /// run); 0 before a sweep or where it cannot be read.
    int workerNice() const;
    /// True while the worker waits for the live run to finish before its next point.
    bool waitingForLiveRun() const;
    /// Text of the engine running now ("point 3/16 (α = 2): dmft iteration 4 ...").
    QString progressText() const { return m_progressText; }

signals:
    void started();
    void updated();
    /// Only progressText() changed (an engine's progress, a pause for the live run).
    void progressed();
    void finished();

private:
    struct Job;
    void drain();

    QThreadPool m_pool;
    QTimer m_timer;
    std::shared_ptr<ResultCache> m_cache;
    std::shared_ptr<Job> m_job;
    SweepPlan m_plan;
    std::vector<SweepPointResult> m_results;
    int m_completed = 0;
    bool m_running = false;
    Status m_status = Status::Completed;
    QString m_progressText;
    int m_lastNice = 0; ///< the finished sweep's worker nice value (workerNice)
};

} // namespace dmftlab
