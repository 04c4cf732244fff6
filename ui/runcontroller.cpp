#include "runcontroller.h"

#include "convergenceeta.h"
#include "engine/internalerror.h"
#include "engine/registry.h"
#include "workerpriority.h"
#include "workscheduler.h"

#include <QtConcurrent/QtConcurrent>

#include <mutex>

namespace dmftlab
{

/// Written by one worker, read by the GUI thread's drain.
struct RunController::Channel {
    std::mutex mutex;
    bool fresh = false;
    ProgressReport latest;
    /// The latest snapshot, kept apart: engines send most reports without one (a snapshot
    /// at most every 50 ms), and the next report must not erase it before the drain.
    std::shared_ptr<const Curves> snapshot;
    bool done = false;
    EngineResult result;
    /// Built by the worker from every snapshot of a fixed-point solve (kernels reduced there,
    /// off the GUI thread); the drain hands out copies.
    std::shared_ptr<IterateHistory> history;
    bool historyChanged = false;
    /// resultKey of the engine's config, set before the worker starts (read-only after)
    std::string key;
};

struct RunController::Run {
    std::atomic<bool> cancel { false };
    std::vector<std::shared_ptr<Channel>> channels;
    /// reused engines whose engineFinished is still to be emitted (by the first drain)
    std::vector<QString> reusedPending;
    QElapsedTimer clock;
};

RunController::RunController(QObject *parent)
    : QObject(parent)
    , m_runner(&runEngine)
{
    // Own pool: a cancelled run still finishing must not delay the next run's workers.
    m_pool.setMaxThreadCount(8);
    m_timer.setInterval(33);
    connect(&m_timer, &QTimer::timeout, this, &RunController::drain);
}

RunController::~RunController()
{
    if (m_run)
        m_run->cancel = true;
    m_pool.waitForDone();
    holdScheduler(false);
}

void RunController::holdScheduler(bool on)
{
    if (on == m_holdsScheduler)
        return;
    m_holdsScheduler = on;
    if (on)
        WorkScheduler::instance().beginLiveRun();
    else
        WorkScheduler::instance().endLiveRun();
}

void RunController::start(const RunConfig &config, const std::vector<std::string> &engines, Reuse reuse)
{
    if (m_run)
        m_run->cancel = true; // the old workers stop on their own; their channels are dropped
    // The live run goes first: from now on no sweep point starts (workscheduler.h).
    holdScheduler(!engines.empty());
    auto run = std::make_shared<Run>();
    run->clock.start();
    m_dmftTolerance = config.dmft.tolerance;
    m_dmftMaxIterations = config.dmft.maxIterations;
    m_states.clear();
    for (const std::string &engine : engines) {
        auto channel = std::make_shared<Channel>();
        run->channels.push_back(channel);
        std::string key = resultKey(engine, config);
        const auto kept
            = std::find_if(m_kept.begin(), m_kept.end(), [&key](const Kept &k) { return k.key == key; });
        if (reuse == Reuse::Unchanged && kept != m_kept.end()) {
            std::rotate(kept, kept + 1, m_kept.end()); // the most recently used goes last
            EngineState s = m_kept.back().state;
            s.reused = true;
            s.elapsedSeconds = 0.0;
            m_states.push_back(std::move(s));
            run->reusedPending.push_back(QString::fromStdString(engine));
            continue;
        }
        channel->key = std::move(key);
        EngineState s;
        s.engine = engine;
        s.text = "starting";
        m_states.push_back(s);
        const Runner runner = m_runner;
        // The worker owns copies of everything it touches; `run` keeps the flag alive.
        QThreadPool *pool = &m_pool;
        (void)QtConcurrent::run(pool, [this, runner, engine, config, channel, run]() {
            lowerThreadPriority(kLiveRunNice);
            ProgressCallback progress
                = [channel, gridPoints = config.time.steps + 1, maxIterations = config.dmft.maxIterations](
                      const ProgressReport &report) {
                      std::lock_guard<std::mutex> lock(channel->mutex);
                      channel->latest = report;
                      if (report.snapshot)
                          channel->snapshot = report.snapshot;
                      channel->fresh = true;
                      // Fixed-point engines' snapshots are iterates (the DMFT's pilot ones without
                      // residuals).
                      const EngineInfo *info = findEngine(report.engine);
                      if (report.snapshot && info && info->fixedPoint) {
                          if (!channel->history)
                              channel->history = std::make_shared<IterateHistory>(gridPoints, maxIterations);
                          channel->historyChanged
                              = channel->history->add(*report.snapshot) || channel->historyChanged;
                      }
                  };
            EngineResult result;
            try {
                result = runner(engine, config, progress, &run->cancel);
            } catch (...) { // never let an exception cross the thread
                result = internalErrorResult(engine, std::current_exception());
            }
            {
                std::lock_guard<std::mutex> lock(channel->mutex);
                channel->result = std::move(result);
                channel->done = true;
            }
            // Report the end at once, not at the next drain tick (up to 33 ms later). The
            // controller outlives its workers (its destructor waits for the pool).
            drainSoon(run);
        });
    }
    m_run = run;
    m_running = !engines.empty();
    emit started();
    if (!run->reusedPending.empty()) // they finish as computed ones do, after `started`
        drainSoon(run);
    if (m_running)
        m_timer.start();
    else
        emit finished();
}

void RunController::drainSoon(const std::shared_ptr<Run> &run)
{
    // Queued to the GUI thread (callable from workers); dropped if the controller is gone
    // or another run started meanwhile.
    QMetaObject::invokeMethod(
        this,
        [this, run] {
            if (m_run == run)
                drain();
        },
        Qt::QueuedConnection);
}

void RunController::stop()
{
    // The cancelled workers (measured: Stop took 290-550 ms at nice +10 and load ~9 on 2
    // cores) get the normal priority back to reach their cancel check at once; a sweep's
    // workers keep theirs.
    if (m_run && !m_run->cancel.exchange(true))
        restoreLoweredPriorities(kLiveRunNice);
}

const RunController::EngineState *RunController::state(const std::string &engine) const
{
    for (const auto &s : m_states)
        if (s.engine == engine)
            return &s;
    return nullptr;
}

std::shared_ptr<const Curves> RunController::curves(const std::string &engine) const
{
    const EngineState *s = state(engine);
    return s ? s->curves : nullptr;
}

void RunController::setResults(std::vector<EngineState> states)
{
    if (m_run)
        m_run->cancel = true;
    m_run.reset();
    m_timer.stop();
    m_running = false;
    holdScheduler(false);
    m_states = std::move(states);
    emit updated();
}

void RunController::keep(const std::string &key, const EngineState &state)
{
    // A result the same settings give again: not a cancelled, failed or refused one.
    if (key.empty()
        || !(state.status == Status::Completed || state.status == Status::Converged
            || state.status == Status::MaxIterations))
        return;
    m_kept.erase(std::remove_if(m_kept.begin(), m_kept.end(), [&key](const Kept &k) { return k.key == key; }),
        m_kept.end());
    m_kept.push_back({ key, state, keptBytes(state) });
    double total = 0.0;
    for (const Kept &k : m_kept)
        total += k.bytes;
    while (m_kept.size() > 1 && (static_cast<int>(m_kept.size()) > kKeptResults || total > kKeptBytes)) {
        total -= m_kept.front().bytes;
        m_kept.erase(m_kept.begin());
    }
}

double RunController::keptBytes(const EngineState &state)
{
    return (state.iterates ? state.iterates->kernelBytes() : 0.0)
        + (state.curves ? state.curves->kernelBytes() : 0.0);
}

void RunController::drain()
{
    if (!m_run)
        return;
    std::vector<QString> justFinished = std::move(m_run->reusedPending);
    m_run->reusedPending.clear();
    bool changed = !justFinished.empty();
    const double elapsed = m_run->clock.elapsed() / 1000.0;
    for (std::size_t i = 0; i < m_run->channels.size(); ++i) {
        Channel &ch = *m_run->channels[i];
        EngineState &s = m_states[i];
        if (s.finished)
            continue;
        ProgressReport report;
        bool fresh = false, done = false;
        EngineResult result;
        std::shared_ptr<IterateHistory> history;
        {
            std::lock_guard<std::mutex> lock(ch.mutex);
            if (ch.history && (ch.historyChanged || ch.done)) {
                history = std::make_shared<IterateHistory>(*ch.history); // shares the entries
                ch.historyChanged = false;
            }
            if (ch.fresh) {
                report = ch.latest; // copies a shared_ptr, not the curves
                if (ch.snapshot)
                    report.snapshot = std::move(ch.snapshot);
                ch.snapshot.reset();
                ch.fresh = false;
                fresh = true;
            }
            if (ch.done) {
                result = std::move(ch.result);
                done = true;
            }
        }
        s.elapsedSeconds = elapsed;
        if (history && !done) {
            s.iterates = history;
            changed = true;
        }
        if (fresh) {
            s.fraction = std::clamp(report.fraction, 0.0, 1.0);
            s.text = QString::fromStdString(report.text);
            if (report.snapshot)
                s.curves = report.snapshot;
            s.etaSeconds = s.fraction > 0.01 ? elapsed * (1.0 - s.fraction) / s.fraction : -1.0;
            // A fixed-point solve: forecast from the residual's decay, not the iteration cap.
            if (s.curves && !s.curves->residuals.empty()) {
                const double left = remainingDmftIterations(
                    s.curves->residuals, m_dmftTolerance, s.curves->noiseStopRatios, m_dmftMaxIterations);
                s.etaSeconds = left >= 0 ? left * elapsed / s.curves->residuals.size() : -1.0;
            }
            changed = true;
        }
        if (done) {
            s.finished = true;
            s.status = result.status;
            s.message = QString::fromStdString(result.message);
            s.wallSeconds = result.wallSeconds;
            s.extra = result.extra;
            s.distributions = result.distributions;
            s.etaSeconds = 0.0;
            if (result.status == Status::Completed || result.status == Status::Converged)
                s.fraction = 1.0;
            // Keep the last snapshot when a failed engine returns no curves at all.
            if (result.curves.validPoints > 0 || !result.curves.residuals.empty() || !s.curves)
                s.curves = std::make_shared<const Curves>(std::move(result.curves));
            if (s.text.isEmpty() || result.status != Status::Running)
                s.text = QString::fromStdString(toString(result.status));
            if (history)
                history->setFinal(s.curves);
            if (history)
                s.iterates = history;
            keep(ch.key, s);
            justFinished.push_back(QString::fromStdString(s.engine));
            changed = true;
        }
    }
    // A slot may start a new run; stop touching this one if so.
    const std::shared_ptr<Run> current = m_run;
    if (changed)
        emit updated();
    for (const QString &engine : justFinished) {
        if (m_run != current)
            return;
        emit engineFinished(engine);
    }
    if (m_run != current)
        return;
    const bool all
        = std::all_of(m_states.begin(), m_states.end(), [](const EngineState &s) { return s.finished; });
    if (all && m_running) {
        m_running = false;
        m_timer.stop();
        holdScheduler(false); // a waiting sweep resumes
        emit finished();
    }
}

} // namespace dmftlab
