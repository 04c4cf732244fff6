#include "workscheduler.h"

#include <chrono>

namespace dmftlab
{

WorkScheduler &WorkScheduler::instance()
{
    static WorkScheduler scheduler;
    return scheduler;
}

void WorkScheduler::beginLiveRun()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    ++m_liveRuns;
}

void WorkScheduler::endLiveRun()
{
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_liveRuns > 0)
            --m_liveRuns;
    }
    m_free.notify_all();
}

bool WorkScheduler::liveRunActive() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_liveRuns > 0;
}

bool WorkScheduler::waitForLiveRun(const std::atomic<bool> *cancel)
{
    std::unique_lock<std::mutex> lock(m_mutex);
    bool waited = false;
    // A timed wait: the cancel flag is an atomic the sweep's owner sets without notifying.
    while (m_liveRuns > 0 && !(cancel && cancel->load())) {
        waited = true;
        m_free.wait_for(lock, std::chrono::milliseconds(50));
    }
    return waited;
}

} // namespace dmftlab
