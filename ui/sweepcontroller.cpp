#include "sweepcontroller.h"

#include "workerpriority.h"
#include "workscheduler.h"

#include <mutex>

namespace dmftlab
{

struct SweepController::Job {
    std::atomic<bool> cancel { false };
    std::mutex mutex;
    std::vector<std::pair<int, SweepPointResult>> finished; ///< mailbox, drained by the GUI
    std::string progress;
    bool done = false;
    Status status = Status::Running;
    std::atomic<int> nice { 0 }; ///< the worker's nice value once it started
    std::atomic<bool> waiting { false }; ///< paused before a point: the live run goes first
};

bool SweepController::waitingForLiveRun() const
{
    return m_job && m_job->waiting.load();
}

int SweepController::workerNice() const
{
    return m_job ? m_job->nice.load() : m_lastNice;
}

SweepController::SweepController(QObject *parent)
    : QObject(parent)
    , m_cache(std::make_shared<ResultCache>())
{
    m_pool.setMaxThreadCount(1); // one sweep at a time; each engine uses sim.threads itself
    m_timer.setInterval(33);
    connect(&m_timer, &QTimer::timeout, this, &SweepController::drain);
}

SweepController::~SweepController()
{
    if (m_job)
        m_job->cancel.store(true);
    m_pool.waitForDone();
}

void SweepController::start(const SweepPlan &plan)
{
    if (m_job)
        m_job->cancel.store(true); // the old worker stops soon; its mailbox is dropped
    m_job = std::make_shared<Job>();
    m_plan = plan;
    m_results.assign(plan.points.size(), SweepPointResult {});
    m_completed = 0;
    m_running = true;
    m_status = Status::Running;
    m_progressText.clear();
    auto job = m_job;
    auto cache = m_cache;
    m_pool.start([job, cache, plan]() {
        job->nice.store(lowerThreadPriority(kSweepNice)); // the live run comes first
        SweepRunner runner(plan, cache);
        const ProgressCallback progress = [job](const ProgressReport &report) {
            std::lock_guard<std::mutex> lock(job->mutex);
            job->progress = report.text;
        };
        // Between points only: a point is never cut, so none is lost (workscheduler.h).
        const auto waitForLiveRun = [job] {
            if (!WorkScheduler::instance().liveRunActive())
                return;
            job->waiting.store(true);
            {
                std::lock_guard<std::mutex> lock(job->mutex);
                job->progress = "paused: the live run goes first";
            }
            WorkScheduler::instance().waitForLiveRun(&job->cancel);
            job->waiting.store(false);
        };
        // Points side by side (SweepRunner::lanes()); each finished one is handed over as it ends.
        runner.run(
            [job](int p, const SweepPointResult &r) {
                std::lock_guard<std::mutex> lock(job->mutex);
                job->finished.emplace_back(p, r);
            },
            progress, &job->cancel, waitForLiveRun);
        const Status s = runner.status();
        std::lock_guard<std::mutex> lock(job->mutex);
        job->status = s;
        job->done = true;
    });
    m_timer.start();
    emit started();
}

void SweepController::stop()
{
    if (m_job)
        m_job->cancel.store(true);
}

void SweepController::drain()
{
    if (!m_job)
        return;
    std::vector<std::pair<int, SweepPointResult>> points;
    bool done = false, progressChanged = false;
    Status status = Status::Running;
    {
        std::lock_guard<std::mutex> lock(m_job->mutex);
        points.swap(m_job->finished);
        done = m_job->done;
        status = m_job->status;
        const QString progress = QString::fromStdString(m_job->progress);
        progressChanged = progress != m_progressText;
        m_progressText = progress;
        m_lastNice = m_job->nice.load();
    }
    for (auto &[p, r] : points) {
        if (!m_results[p].done())
            ++m_completed;
        m_results[p] = std::move(r);
    }
    if (!points.empty() || done)
        emit updated();
    else if (progressChanged)
        emit progressed();
    if (done) {
        m_timer.stop();
        m_running = false;
        m_status = status;
        m_job.reset();
        emit finished();
    }
}

} // namespace dmftlab
