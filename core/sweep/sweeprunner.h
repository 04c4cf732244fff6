// Runs a SweepPlan point by point in its most-informative-first order, every engine of a
// point through runEngine (or the ResultCache when that configuration was computed
// before), and reduces each point to its scalars. Split as init()/step()/run() so a
// worker can publish each finished point and check for cancel between points; a cancel
// inside a point leaves that point pending (never half a point), so what is done is
// always consistent. run() computes points side by side (lanes()), one thread each on a
// 2-core machine: a point's own threads leave a core idle in its serial parts (set-up,
// mixing, the pilot), points side by side do not; the engines' results do not depend on
// sim.threads, so neither do the points'.
#pragma once

#include "sweep/resultcache.h"
#include "sweep/sweepplan.h"

#include <atomic>
#include <functional>
#include <map>
#include <memory>

namespace dmftlab
{

struct SweepPointResult {
    Status status = Status::Running; ///< Running: not computed (yet)
    std::string message; ///< first engine message that explains a failure
    std::vector<ScalarValue> scalars; ///< one per plan scalar
    int iterations = -1; ///< DMFT fixed-point iterations (-1 without dmft)
    double wallSeconds = 0; ///< sum over engines of their (original) run time
    bool cached = false; ///< every engine came from the cache
    std::map<std::string, std::shared_ptr<const EngineResult>> results; ///< by engine
    bool done() const { return status != Status::Running; }
};

/// The worst of two point statuses (completed < converged < max_iterations < diverged
/// < invalid_input), used for a point with several engines.
Status worseStatus(Status a, Status b);

class SweepRunner
{
public:
    /// `cache` may be null (then nothing is shared between runners).
    explicit SweepRunner(SweepPlan plan, std::shared_ptr<ResultCache> cache = nullptr);

    const SweepPlan &plan() const { return m_plan; }
    const SweepPointResult &result(int point) const { return m_results.at(point); }
    /// One entry per plan point (pending ones not done()).
    const std::vector<SweepPointResult> &results() const { return m_results; }
    int completedPoints() const { return m_completed.load(); }
    int totalPoints() const { return static_cast<int>(m_plan.points.size()); }
    /// Running while points remain; Completed when all are done; Cancelled after a cancel.
    Status status() const { return m_status; }

    /// Starts (again) at the beginning of the order; finished points stay finished.
    void init();
    /// Computes the next pending point. Returns its index, or -1 when none is left or the
    /// run was cancelled (see status()).
    int step(const ProgressCallback &progress = {}, const std::atomic<bool> *cancel = nullptr);
    /// Points handed out to other processes (dmftlab-cli sweep under mpirun): the pending
    /// points in the order, without computing them; compute() runs one point's engines (through
    /// the cache) wherever it is called, record() stores a point computed anywhere.
    std::vector<int> pendingPoints() const;
    using EngineResults = std::map<std::string, std::shared_ptr<const EngineResult>>;
    /// The engines of point p; false when cancelled (nothing to record then). `cached`: every
    /// engine came from the cache. `threads` > 0 runs the engines on that many threads instead
    /// of the point's sim.threads (same results; the cache key is the point's own config).
    bool compute(int p, EngineResults *results, bool *cached, const ProgressCallback &progress = {},
        const std::atomic<bool> *cancel = nullptr, int threads = 0);
    /// Records point p from its engines' results (scalars, status, message); returns it.
    const SweepPointResult &record(int p, const EngineResults &results, bool cached);
    /// How many points run() computes side by side: T = the points' sim.threads (resolved),
    /// min(T, pending points), fewer if that many points' working memory would pass the 4 GiB
    /// an engine may use; each point then runs on T / lanes threads. 1: one point at a time.
    int lanes() const;
    /// At most this many lanes (1: one point at a time on all its threads; 0: no limit).
    void setMaxLanes(int maxLanes) { m_maxLanes = maxLanes; }
    using PointCallback = std::function<void(int point, const SweepPointResult &)>;
    /// Computes every pending point. onPoint is called for each finished point as it finishes
    /// (not always in the plan's order when lanes() > 1), one call at a time, from the
    /// calling or a lane's thread; `progress` may be called from several lanes at once.
    /// `beforePoint`, when set, is called before each point is computed, never when none is
    /// left (e.g. to wait while the window's live run computes).
    Status run(const PointCallback &onPoint = {}, const ProgressCallback &progress = {},
        const std::atomic<bool> *cancel = nullptr, const std::function<void()> &beforePoint = {});

private:
    /// The next pending point in the order (m_next moves past finished ones), or -1.
    int nextPending();
    /// The threads a point may use: the first pending point's sim.threads, resolved (≥ 1).
    int pointThreads() const;

    SweepPlan m_plan;
    std::shared_ptr<ResultCache> m_cache;
    std::vector<SweepPointResult> m_results;
    std::size_t m_next = 0;
    int m_maxLanes = 0;
    std::atomic<int> m_completed { 0 }; ///< read by lanes' progress while another records
    Status m_status = Status::Running;
};

} // namespace dmftlab
