// The one scheduler the window's workers share (issue 11: a sweep shares the worker pool
// with the live run's priority rules). The rule: the live run goes first.
//  * While a live run computes (RunController between start and finished), no sweep
//    point starts: the sweep's worker waits before its next point (waitForLiveRun).
//  * A point already computing when the live run starts is not cut: it finishes at the
//    sweep's nice value (workerpriority.h: 15 against the live run's 10), so it only takes
//    the CPU the live run leaves free, and nothing computed is lost.
//  * When the live run has finished the sweep resumes with its next pending point, so a
//    paused sweep computes exactly the points, and numbers, of an uninterrupted one.
// Process-wide (instance()): the CPU the rule shares is the process's.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace dmftlab
{

class WorkScheduler
{
public:
    static WorkScheduler &instance();

    /// A live run starts computing / has finished (every begin is matched by one end).
    void beginLiveRun();
    void endLiveRun();
    bool liveRunActive() const;

    /// Blocks the calling sweep worker while a live run computes. Returns at once when none
    /// does, and within ~50 ms of `cancel` being set. True if it had to wait.
    bool waitForLiveRun(const std::atomic<bool> *cancel);

private:
    WorkScheduler() = default;
    mutable std::mutex m_mutex;
    std::condition_variable m_free;
    int m_liveRuns = 0;
};

} // namespace dmftlab
