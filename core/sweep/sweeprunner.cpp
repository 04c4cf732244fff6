#include "sweep/sweeprunner.h"

#include "dmft/dmftsolver.h"
#include "dmft/onlineode.h"
#include "engine/registry.h"
#include "engine/threadexceptions.h"

#include <algorithm>
#include <mutex>
#include <thread>

namespace dmftlab
{

namespace
{

int rank(Status s)
{
    switch (s) {
    case Status::Completed:
        return 0;
    case Status::Converged:
        return 1;
    case Status::MaxIterations:
        return 2;
    case Status::Diverged:
        return 3;
    case Status::InvalidInput:
        return 4;
    case Status::Cancelled:
        return 5;
    case Status::Running:
        return -1;
    default: // any failure status added later ranks with invalid input
        return 4;
    }
}

/// The working memory of one point on `threads` threads: its engines run one after another,
/// so the largest of their estimates (the same ones that refuse a run up front).
double pointMemoryBytes(const std::vector<std::string> &engines, RunConfig c, int threads)
{
    c.sim.threads = threads;
    double bytes = 0;
    for (const auto &engine : engines) {
        const EngineInfo *info = findEngine(engine);
        if (!info)
            continue;
        const double b = info->id == EngineId::Dmft ? dmftMemoryBytes(c)
            : info->id == EngineId::Ode             ? onlineOdeMemoryBytes(c)
                                                    : simulationMemoryBytes(c, info->finiteSamples);
        bytes = std::max(bytes, b);
    }
    return bytes;
}

} // namespace

Status worseStatus(Status a, Status b)
{
    return rank(a) >= rank(b) ? a : b;
}

SweepRunner::SweepRunner(SweepPlan plan, std::shared_ptr<ResultCache> cache)
    : m_plan(std::move(plan))
    , m_cache(cache ? std::move(cache) : std::make_shared<ResultCache>())
    , m_results(m_plan.points.size())
{
}

void SweepRunner::init()
{
    m_next = 0;
    m_status = m_completed == totalPoints() ? Status::Completed : Status::Running;
}

int SweepRunner::step(const ProgressCallback &progress, const std::atomic<bool> *cancel)
{
    const int p = nextPending();
    if (p < 0) {
        m_status = Status::Completed;
        return -1;
    }
    if (cancel && cancel->load()) {
        m_status = Status::Cancelled;
        return -1;
    }
    EngineResults results;
    bool cached = true;
    if (!compute(p, &results, &cached, progress, cancel)) {
        m_status = Status::Cancelled; // the point stays pending
        return -1;
    }
    record(p, results, cached);
    ++m_next;
    return p;
}

std::vector<int> SweepRunner::pendingPoints() const
{
    std::vector<int> out;
    for (int p : m_plan.order)
        if (!m_results[p].done())
            out.push_back(p);
    return out;
}

bool SweepRunner::compute(int p, EngineResults *results, bool *cached, const ProgressCallback &progress,
    const std::atomic<bool> *cancel, int threads)
{
    const SweepPoint &point = m_plan.points[p];
    RunConfig config = point.config;
    if (threads > 0)
        config.sim.threads = threads;
    *cached = true;
    const int engines = static_cast<int>(m_plan.spec.engines.size());
    for (int e = 0; e < engines; ++e) {
        const std::string &engine = m_plan.spec.engines[e];
        const std::string key = ResultCache::key(engine, point.config);
        std::shared_ptr<const EngineResult> result = m_cache->find(key);
        if (!result) {
            *cached = false;
            ProgressCallback inner;
            if (progress) {
                const double total = totalPoints();
                const double done = m_completed;
                const std::string where = "point " + std::to_string(m_completed + 1) + "/"
                    + std::to_string(totalPoints()) + " (" + m_plan.describe(p) + ")";
                inner = [&, done, total, where, e](const ProgressReport &rep) {
                    ProgressReport out = rep;
                    out.fraction = (done + (e + std::clamp(rep.fraction, 0.0, 1.0)) / engines) / total;
                    out.text = where + " " + rep.engine + ": " + rep.text;
                    progress(out);
                };
            }
            auto fresh = std::make_shared<EngineResult>(runEngine(engine, config, inner, cancel));
            if (fresh->status == Status::Cancelled || (cancel && cancel->load()))
                return false;
            result = fresh;
            m_cache->insert(key, result);
        }
        (*results)[engine] = result;
    }
    return true;
}

const SweepPointResult &SweepRunner::record(int p, const EngineResults &results, bool cached)
{
    SweepPointResult r;
    r.cached = cached;
    bool first = true;
    // in the plan's engine order, as the status and message of a point always were
    for (const auto &engine : m_plan.spec.engines) {
        const auto it = results.find(engine);
        if (it == results.end())
            continue;
        const auto &result = it->second;
        r.status = first ? result->status : worseStatus(r.status, result->status);
        first = false;
        if (r.message.empty() && result->status != Status::Completed && result->status != Status::Converged)
            r.message = engine + ": " + result->message;
        r.wallSeconds += result->wallSeconds;
        if (engine == engineName(EngineId::Dmft))
            r.iterations = result->curves.iterations;
        r.results[engine] = result;
    }
    std::map<std::string, const EngineResult *> raw;
    for (const auto &[engine, result] : r.results)
        raw[engine] = result.get();
    for (const auto &sc : m_plan.scalars)
        r.scalars.push_back(evaluateScalar(sc, raw));
    if (!m_results[p].done())
        ++m_completed;
    m_results[p] = std::move(r);
    if (m_completed == totalPoints())
        m_status = Status::Completed;
    return m_results[p];
}

int SweepRunner::nextPending()
{
    while (m_next < m_plan.order.size() && m_results[m_plan.order[m_next]].done())
        ++m_next;
    return m_next < m_plan.order.size() ? m_plan.order[m_next] : -1;
}

int SweepRunner::pointThreads() const
{
    const std::vector<int> pending = pendingPoints();
    if (pending.empty())
        return 1;
    return std::max(1, resolvedThreads(m_plan.points[pending.front()].config.sim.threads));
}

int SweepRunner::lanes() const
{
    const std::vector<int> pending = pendingPoints();
    if (pending.empty())
        return 1;
    const int threads = pointThreads();
    int lanes = std::min<int>(threads, static_cast<int>(pending.size()));
    if (m_maxLanes > 0)
        lanes = std::min(lanes, m_maxLanes);
    const auto fits = [&](int l) {
        double worst = 0;
        for (int p : pending)
            worst = std::max(
                worst, pointMemoryBytes(m_plan.spec.engines, m_plan.points[p].config, threads / l));
        return l * worst <= kDmftMemoryLimit;
    };
    while (lanes > 1 && !fits(lanes))
        --lanes;
    return lanes;
}

Status SweepRunner::run(const PointCallback &onPoint, const ProgressCallback &progress,
    const std::atomic<bool> *cancel, const std::function<void()> &beforePoint)
{
    init();
    const int lanes = this->lanes();
    if (lanes <= 1) {
        for (;;) {
            if (beforePoint && nextPending() >= 0) // a finished sweep does not wait
                beforePoint();
            const int p = step(progress, cancel);
            if (p < 0)
                break;
            if (onPoint)
                onPoint(p, m_results[p]);
        }
        return m_status;
    }
    // Lanes take the pending points in the plan's order; a point is recorded (and onPoint
    // called) under the mutex, so results and callbacks never overlap.
    const int threads = std::max(1, pointThreads() / lanes);
    std::mutex mutex;
    std::vector<char> taken(m_plan.points.size(), 0);
    bool cancelled = false;
    ThreadExceptions errors;
    const auto lane = [&] {
        for (;;) {
            int p = -1;
            {
                std::lock_guard<std::mutex> lock(mutex);
                if (cancelled || errors.failed() || (cancel && cancel->load()))
                    return;
                while (m_next < m_plan.order.size()
                    && (m_results[m_plan.order[m_next]].done() || taken[m_plan.order[m_next]]))
                    ++m_next;
                if (m_next >= m_plan.order.size())
                    return; // nothing left for this lane: it does not wait
                p = m_plan.order[m_next];
                taken[p] = 1;
            }
            if (beforePoint)
                beforePoint(); // the point is taken; a cancel while waiting leaves it pending
            if (cancel && cancel->load()) {
                std::lock_guard<std::mutex> lock(mutex);
                cancelled = true;
                return;
            }
            EngineResults results;
            bool cached = true;
            const bool finished = compute(p, &results, &cached, progress, cancel, threads);
            std::lock_guard<std::mutex> lock(mutex);
            if (!finished) {
                cancelled = true; // the point stays pending
                return;
            }
            record(p, results, cached);
            if (onPoint)
                onPoint(p, m_results[p]);
        }
    };
    std::vector<std::thread> pool;
    for (int l = 1; l < lanes; ++l)
        pool.emplace_back([&] { errors.guard(lane); });
    errors.guard(lane);
    for (auto &t : pool)
        t.join();
    errors.rethrow();
    if (m_completed == totalPoints())
        m_status = Status::Completed;
    else if (cancelled || (cancel && cancel->load()))
        m_status = Status::Cancelled;
    return m_status;
}

} // namespace dmftlab
