#include "sweepranks.h"

#include "engine/flatpack.h"

#include <chrono>
#include <cstring>
#include <deque>
#include <future>
#include <thread>

namespace dmftlab::cli
{

namespace
{
// Message tags between rank 0 and the other ranks.
constexpr int kReady = 1; // worker → 0: give me a point (empty)
constexpr int kResult = 2; // worker → 0: a computed point (and give me the next)
constexpr int kAssign = 3; // 0 → worker: compute this point (its index as text)
constexpr int kStop = 4; // 0 → worker: no more points

void packEstimate(FlatWriter &w, const Estimate &e)
{
    for (const auto *v : { &e.mean, &e.se, &e.seMonteCarlo, &e.truncation, &e.discretisation })
        w.vector(*v);
}

void unpackEstimate(FlatReader &r, Estimate &e)
{
    for (auto *v : { &e.mean, &e.se, &e.seMonteCarlo, &e.truncation, &e.discretisation })
        *v = r.vector();
}

void packKernel(FlatWriter &w, const Kernel &k)
{
    w.number(k.rowsPerBlock);
    w.number(k.colsPerBlock);
    w.number(static_cast<double>(k.mean.size()));
    for (std::size_t i = 0; i < k.mean.size(); ++i) {
        w.matrix(k.mean[i]);
        w.matrix(i < k.se.size() ? k.se[i] : Eigen::MatrixXd());
    }
}

void unpackKernel(FlatReader &r, Kernel &k)
{
    k.rowsPerBlock = r.integer();
    k.colsPerBlock = r.integer();
    const int blocks = r.integer();
    k.mean.clear();
    k.se.clear();
    for (int i = 0; i < blocks; ++i) {
        k.mean.push_back(r.matrix());
        k.se.push_back(r.matrix());
    }
}

/// Everything of an engine's result that a sweep point uses (curves in full, status,
/// message, wall time, summary entries as JSON text).
void packResult(FlatWriter &w, const std::string &engine, const EngineResult &e)
{
    w.text(engine);
    w.number(static_cast<int>(e.status));
    w.text(e.message);
    w.number(e.wallSeconds);
    w.text(e.extra.dump());
    const Curves &c = e.curves;
    w.text(c.engine);
    w.number(c.k);
    w.number(c.kStar);
    w.vector(c.t);
    w.number(c.validPoints);
    for (const Estimate *est : { &c.trainLoss, &c.testLoss, &c.testError })
        packEstimate(w, *est);
    for (const auto *list : { &c.Q, &c.M }) {
        w.number(static_cast<double>(list->size()));
        for (const Estimate &est : *list)
            packEstimate(w, est);
    }
    for (const Kernel *k : { &c.Ctheta, &c.Cg, &c.Rtheta, &c.Cu, &c.K })
        packKernel(w, *k);
    w.vector(c.residuals);
    w.number(c.iterations);
    w.number(c.seDegreesOfFreedom);
    w.number(c.continuousTime ? 1 : 0);
}

std::pair<std::string, std::shared_ptr<const EngineResult>> unpackResult(FlatReader &r)
{
    const std::string engine = r.text();
    auto e = std::make_shared<EngineResult>();
    e->status = static_cast<Status>(r.integer());
    e->message = r.text();
    e->wallSeconds = r.number();
    e->extra = json::parse(r.text(), nullptr, false);
    Curves &c = e->curves;
    c.engine = r.text();
    c.k = r.integer();
    c.kStar = r.integer();
    c.t = r.vector();
    c.validPoints = r.integer();
    for (Estimate *est : { &c.trainLoss, &c.testLoss, &c.testError })
        unpackEstimate(r, *est);
    for (auto *list : { &c.Q, &c.M }) {
        list->resize(static_cast<std::size_t>(r.integer()));
        for (Estimate &est : *list)
            unpackEstimate(r, est);
    }
    for (Kernel *k : { &c.Ctheta, &c.Cg, &c.Rtheta, &c.Cu, &c.K })
        unpackKernel(r, *k);
    c.residuals = r.vector();
    c.iterations = r.integer();
    c.seDegreesOfFreedom = r.integer();
    c.continuousTime = r.integer() != 0;
    return { engine, e };
}

std::string toBytes(const std::vector<double> &v)
{
    return std::string(reinterpret_cast<const char *>(v.data()), v.size() * sizeof(double));
}

std::vector<double> fromBytes(const std::string &s)
{
    std::vector<double> v(s.size() / sizeof(double));
    std::memcpy(v.data(), s.data(), v.size() * sizeof(double));
    return v;
}

/// A computed point as a message: index, whether it finished (not cancelled), its engines.
std::string pointMessage(int p, bool finished, const SweepRunner::EngineResults &results)
{
    FlatWriter w;
    w.number(p);
    w.number(finished ? 1.0 : 0.0);
    w.number(static_cast<double>(results.size()));
    for (const auto &[engine, result] : results)
        packResult(w, engine, *result);
    return toBytes(w.data());
}

struct ComputedPoint {
    int point = -1;
    bool finished = false;
    SweepRunner::EngineResults results;
};

ComputedPoint readPointMessage(const std::string &bytes)
{
    const std::vector<double> data = fromBytes(bytes);
    FlatReader r(data);
    ComputedPoint out;
    out.point = r.integer();
    out.finished = r.number() != 0.0;
    const int engines = r.integer();
    for (int i = 0; i < engines; ++i)
        out.results.insert(unpackResult(r));
    return out;
}

bool allCached(const SweepRunner &runner, const ResultCache &cache, int p)
{
    for (const auto &engine : runner.plan().spec.engines)
        if (!cache.find(ResultCache::key(engine, runner.plan().points[p].config)))
            return false;
    return true;
}
} // namespace

Status runSweepOnRanks(ProcessGroup &group, SweepRunner &runner, const ResultCache &cache,
    const SweepRunner::PointCallback &onPoint, const std::atomic<bool> *cancel)
{
    runner.init();
    auto cancelled = [cancel] { return cancel && cancel->load(); };
    // Points read back from an earlier run (resume) are recorded at once, here.
    std::deque<int> queue;
    for (int p : runner.pendingPoints()) {
        if (!allCached(runner, cache, p)) {
            queue.push_back(p);
            continue;
        }
        SweepRunner::EngineResults results;
        bool cached = true;
        if (runner.compute(p, &results, &cached))
            onPoint(p, runner.record(p, results, cached));
    }
    bool stopped = false; // a point came back cancelled
    const int workers = group.ranks() - 1;
    int released = 0; // workers told to stop
    std::future<ComputedPoint> own; // the point rank 0 computes itself
    auto finish = [&](const ComputedPoint &c) {
        if (!c.finished) {
            stopped = true;
            return;
        }
        onPoint(c.point, runner.record(c.point, c.results, false));
    };
    for (;;) {
        if (!own.valid() && !queue.empty() && !cancelled() && !stopped) {
            const int p = queue.front();
            queue.pop_front();
            own = std::async(std::launch::async, [&runner, p, cancel] {
                ComputedPoint c;
                c.point = p;
                bool cached = false;
                c.finished = runner.compute(p, &c.results, &cached, {}, cancel);
                return c;
            });
        }
        bool busy = false;
        while (group.messageWaiting()) {
            busy = true;
            int from = 0, tag = 0;
            const std::string bytes = group.receive(-1, -1, &from, &tag);
            if (tag == kResult)
                finish(readPointMessage(bytes));
            if (!queue.empty() && !cancelled() && !stopped) {
                group.send(from, kAssign, std::to_string(queue.front()));
                queue.pop_front();
            } else {
                group.send(from, kStop, {});
                ++released;
            }
        }
        if (own.valid() && own.wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
            busy = true;
            finish(own.get());
        }
        if (!own.valid() && released == workers && (queue.empty() || cancelled() || stopped))
            break;
        if (!busy)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (cancelled() || stopped)
        return Status::Cancelled;
    return runner.completedPoints() == runner.totalPoints() ? Status::Completed : Status::Cancelled;
}

void serveSweepPoints(ProcessGroup &group, SweepRunner &runner, const std::atomic<bool> *cancel)
{
    group.send(0, kReady, {});
    for (;;) {
        int tag = 0;
        const std::string bytes = group.receive(0, -1, nullptr, &tag);
        if (tag != kAssign)
            return;
        const int p = std::stoi(bytes);
        SweepRunner::EngineResults results;
        bool cached = false;
        const bool finished = runner.compute(p, &results, &cached, {}, cancel);
        group.send(0, kResult, pointMessage(p, finished, results));
    }
}

} // namespace dmftlab::cli
