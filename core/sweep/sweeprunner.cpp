#include "sweep/sweeprunner.h"

#include "engine/registry.h"

#include <algorithm>

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
    while (m_next < m_plan.order.size() && m_results[m_plan.order[m_next]].done())
        ++m_next;
    if (m_next >= m_plan.order.size()) {
        m_status = Status::Completed;
        return -1;
    }
    if (cancel && cancel->load()) {
        m_status = Status::Cancelled;
        return -1;
    }
    const int p = m_plan.order[m_next];
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
    const std::atomic<bool> *cancel)
{
    const SweepPoint &point = m_plan.points[p];
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
            auto fresh = std::make_shared<EngineResult>(runEngine(engine, point.config, inner, cancel));
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

Status SweepRunner::run(
    const PointCallback &onPoint, const ProgressCallback &progress, const std::atomic<bool> *cancel)
{
    init();
    for (;;) {
        const int p = step(progress, cancel);
        if (p < 0)
            break;
        if (onPoint)
            onPoint(p, m_results[p]);
    }
    return m_status;
}

} // namespace dmftlab
