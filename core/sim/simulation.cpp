#include "sim/simulation.h"

#include "config/configerror.h"
#include "config/configkey.h"
#include "engine/flatpack.h"
#include "engine/reducer.h"
#include "engine/registry.h"
#include "engine/threadexceptions.h"
#include "observables/population.h"
#include "sim/instance.h"
#include "sim/seedsimulation.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

namespace dmftlab
{

namespace
{
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
std::atomic<long long> s_seedVisits { 0 }; // simulationSeedVisits()
using Clock = std::chrono::steady_clock;

/// Mean and SE across seeds, entry by entry, skipping NaN entries (points a seed did not
/// reach). Welford updates, added in seed order, so the result does not depend on threads.
class MaskedStatistics
{
public:
    void add(const Eigen::Ref<const Eigen::ArrayXd> &x)
    {
        if (m_count.size() == 0) {
            m_count = Eigen::ArrayXd::Zero(x.size());
            m_mean = Eigen::ArrayXd::Zero(x.size());
            m_m2 = Eigen::ArrayXd::Zero(x.size());
        }
        for (Eigen::Index i = 0; i < x.size(); ++i) {
            if (std::isnan(x[i]))
                continue;
            m_count[i] += 1.0;
            const double delta = x[i] - m_mean[i];
            m_mean[i] += delta / m_count[i];
            m_m2[i] += delta * (x[i] - m_mean[i]);
        }
    }
    bool empty() const { return m_count.size() == 0; }
    double mean(Eigen::Index i) const { return m_count[i] > 0 ? m_mean[i] : kNaN; }
    double se(Eigen::Index i) const
    {
        const double c = m_count[i];
        return c > 1 ? std::sqrt(std::max(m_m2[i], 0.0) / (c - 1) / c) : kNaN;
    }

private:
    Eigen::ArrayXd m_count, m_mean, m_m2;
};

int seriesColumns(const RunConfig &config)
{
    return 3 + config.problem.width * (config.problem.width + config.problem.teacherWidth);
}

/// One seed's per-point series as one flat array, NaN past the points it reached: train
/// loss, test loss, test error, then the k² columns of Q and the k k* columns of M, each
/// N+1 long. Accumulated entry by entry, it gives every curve's mean and SE at once.
/// `columns` = 3 + k² + k k* (a seed not yet published has no Q, M columns yet).
Eigen::ArrayXd seriesOf(const SeedResult &r, int N1, int columns)
{
    Eigen::ArrayXd x = Eigen::ArrayXd::Constant(static_cast<Eigen::Index>(columns) * N1, kNaN);
    for (int n = 0; n < std::min(r.validPoints, N1); ++n) {
        x[n] = r.trainLoss[n];
        x[N1 + n] = r.testLoss[n];
        x[2 * N1 + n] = r.testError[n];
        for (Eigen::Index j = 0; j < r.Q.cols(); ++j)
            x[(3 + j) * N1 + n] = r.Q(n, j);
        for (Eigen::Index j = 0; j < r.M.cols(); ++j)
            x[(3 + r.Q.cols() + j) * N1 + n] = r.M(n, j);
    }
    return x;
}

/// Mean and SE of series column `column` into e, up to `points` (NaN beyond).
void fillEstimate(Estimate &e, const MaskedStatistics &st, int column, int points)
{
    const int N1 = static_cast<int>(e.mean.size());
    for (int n = 0; n < N1; ++n) {
        const bool have = !st.empty() && n < points;
        const Eigen::Index i = static_cast<Eigen::Index>(column) * N1 + n;
        e.mean[n] = have ? st.mean(i) : kNaN;
        e.se[n] = have ? st.se(i) : kNaN;
    }
}

/// Every per-time estimate of `c` (allocated) from the series columns of `st` (seriesOf's layout).
void fillSeries(Curves &c, const MaskedStatistics &st, int points)
{
    fillEstimate(c.trainLoss, st, 0, points);
    fillEstimate(c.testLoss, st, 1, points);
    fillEstimate(c.testError, st, 2, points);
    for (std::size_t j = 0; j < c.Q.size(); ++j)
        fillEstimate(c.Q[j], st, 3 + static_cast<int>(j), points);
    for (std::size_t j = 0; j < c.M.size(); ++j)
        fillEstimate(c.M[j], st, 3 + static_cast<int>(c.Q.size() + j), points);
}

void fillKernel(Kernel &K, const MaskedStatistics &st, int k, int N1, int points)
{
    K.rowsPerBlock = K.colsPerBlock = k;
    K.mean.assign(k * k, Eigen::MatrixXd::Constant(N1, N1, kNaN));
    K.se.assign(k * k, Eigen::MatrixXd::Constant(N1, N1, kNaN));
    if (st.empty())
        return;
    const Eigen::Index L = static_cast<Eigen::Index>(N1) * k; // column-major (N1 k)² kernel
    for (int n = 0; n < points; ++n)
        for (int m = 0; m < points; ++m)
            for (int a = 0; a < k; ++a)
                for (int b = 0; b < k; ++b) {
                    const Eigen::Index i = (static_cast<Eigen::Index>(m) * k + b) * L + n * k + a;
                    K.mean[a * k + b](n, m) = st.mean(i);
                    K.se[a * k + b](n, m) = st.se(i);
                }
}

/// Everything the workers share; guarded by `mutex` unless atomic.
struct SharedRun {
    std::mutex mutex;
    std::vector<std::unique_ptr<SeedResult>> seeds; // scalar series, copied at each point
    std::vector<std::optional<std::pair<Eigen::MatrixXd, Eigen::MatrixXd>>> pendingKernels;
    // Seeds 0..committed−1 (all finished) accumulated once, in seed order, so a snapshot adds
    // only the seeds after them: its cost no longer grows with the seeds already done.
    MaskedStatistics ctheta, cg; // kernels
    MaskedStatistics series; // scalar series (seriesOf)
    int committed = 0;
    long long pointsDone = 0; // Σ validPoints over the seeds, for the progress fraction
    int furthest = 0; // max validPoints over the seeds
    int finishedSeeds = 0;
    std::string error;
    std::atomic<int> nextSeed { 0 };
    std::atomic<int> limit { 0 }; // grid points every seed computes (lowered on divergence)
    Clock::time_point lastSnapshot {};
    std::mutex callbackMutex;

    void commitInOrder(bool flushAll, int N1, int columns)
    {
        while (committed < static_cast<int>(pendingKernels.size())) {
            auto &p = pendingKernels[committed];
            if (!p && !flushAll)
                return;
            if (seeds[committed])
                series.add(seriesOf(*seeds[committed], N1, columns));
            s_seedVisits.fetch_add(1, std::memory_order_relaxed);
            if (p) {
                ctheta.add(Eigen::Map<const Eigen::ArrayXd>(p->first.data(), p->first.size()));
                if (p->second.size() > 0)
                    cg.add(Eigen::Map<const Eigen::ArrayXd>(p->second.data(), p->second.size()));
                p.reset();
            }
            ++committed;
        }
    }
};

Curves buildCurves(const SharedRun &run, const RunConfig &config, int points)
{
    const int k = config.problem.width, ks = config.problem.teacherWidth;
    const std::vector<double> grid = config.grid();
    const int N1 = static_cast<int>(grid.size());
    Curves c;
    c.allocate(k, ks, grid);
    c.validPoints = points;
    c.seDegreesOfFreedom = std::max(0, config.sim.seeds - 1); // the SE is the spread over seeds
    MaskedStatistics st = run.series;
    // Only the seeds begun and not yet committed: never the whole seed list per snapshot.
    const std::size_t begun
        = std::min(run.seeds.size(), static_cast<std::size_t>(std::max(0, run.nextSeed.load())));
    for (std::size_t s = run.committed; s < begun; ++s) {
        if (run.seeds[s])
            st.add(seriesOf(*run.seeds[s], N1, seriesColumns(config)));
        s_seedVisits.fetch_add(1, std::memory_order_relaxed);
    }
    fillSeries(c, st, points);
    fillKernel(c.Ctheta, run.ctheta, k, N1, points);
    if (!run.cg.empty())
        fillKernel(c.Cg, run.cg, k, N1, points);
    return c;
}

/// The laws of seed `seed` at the grid indices it reached (theta, teacher, r = Xθ, and the
/// labels y when the laws are of margins y r).
std::vector<std::optional<SimulationLawSample>> recordLaws(
    const SeedResult &seed, const Instance &inst, const std::vector<int> &indices, const RunConfig &config)
{
    const int k = config.problem.width;
    std::vector<std::optional<SimulationLawSample>> out(indices.size());
    std::vector<std::size_t> reached;
    for (std::size_t j = 0; j < indices.size(); ++j) {
        const int n = indices[j];
        if (n < seed.validPoints && seed.thetaHistory.cols() >= (n + 1) * k)
            reached.push_back(j);
    }
    // r = X θ at every recorded time in one product: the window asks for every grid time,
    // and a product per time streamed (and packed) the whole n × d data matrix each time
    // (the committee's SGF took 6.6 s with the laws instead of 2.7 s without).
    Eigen::MatrixXd r;
    if (inst.Xt.size() > 0 && !reached.empty()) {
        Eigen::MatrixXd thetas(inst.Xt.rows(), static_cast<Eigen::Index>(reached.size()) * k);
        for (std::size_t i = 0; i < reached.size(); ++i)
            thetas.middleCols(static_cast<Eigen::Index>(i) * k, k)
                = seed.thetaHistory.middleCols(indices[reached[i]] * k, k);
        r.noalias() = inst.Xt.transpose() * thetas;
    }
    for (std::size_t i = 0; i < reached.size(); ++i) {
        const int n = indices[reached[i]];
        SimulationLawSample sample;
        sample.gridIndex = n;
        sample.time = config.grid()[n];
        sample.theta.push_back(seed.thetaHistory.middleCols(n * k, k));
        sample.teacher.push_back(inst.teacher);
        if (r.size() > 0) {
            sample.r.push_back(r.middleCols(static_cast<Eigen::Index>(i) * k, k));
            if (lawsUseMargins(config.problem))
                sample.y.push_back(inst.y);
        }
        out[reached[i]] = std::move(sample);
    }
    return out;
}

/// One sample per grid index with the seeds that reached it, in seed order.
std::shared_ptr<const DistributionRecord> mergeSeedLaws(
    std::vector<std::vector<std::optional<SimulationLawSample>>> &seedLaws, std::size_t times,
    const std::string &note, bool margins)
{
    auto record = std::make_shared<DistributionRecord>();
    record->note = note;
    record->margins = margins;
    for (std::size_t j = 0; j < times; ++j) {
        std::optional<SimulationLawSample> merged;
        for (auto &seed : seedLaws) {
            if (j >= seed.size() || !seed[j])
                continue;
            SimulationLawSample &s = *seed[j];
            if (!merged) {
                merged = std::move(s);
                continue;
            }
            for (auto &m : s.theta)
                merged->theta.push_back(std::move(m));
            for (auto &m : s.teacher)
                merged->teacher.push_back(std::move(m));
            for (auto &m : s.r)
                merged->r.push_back(std::move(m));
            for (auto &v : s.y)
                merged->y.push_back(std::move(v));
        }
        if (merged)
            record->sim.push_back(std::move(*merged));
    }
    return record;
}

/// The per-seed outcome that rank 0 needs from another MPI rank (engine/reducer.h), as one
/// flat array of doubles per rank: for each seed, its index, status, stop time, points,
/// steps, message, series and kernels, each array preceded by its shape.
struct SeedRecord {
    int seed = 0;
    Status status = Status::Running;
    std::string message;
    double stoppedAt = 0.0;
    std::unique_ptr<SeedResult> series; // null: the seed never started
    std::optional<std::pair<Eigen::MatrixXd, Eigen::MatrixXd>> kernels;
};

void packSeed(FlatWriter &out, const SeedRecord &r)
{
    out.number(r.seed);
    out.number(static_cast<int>(r.status));
    out.number(r.stoppedAt);
    out.text(r.message);
    out.number(r.series ? 1.0 : 0.0);
    if (r.series) {
        const SeedResult &s = *r.series;
        out.number(static_cast<int>(s.status));
        out.number(s.validPoints);
        out.number(static_cast<double>(s.steps));
        out.matrix(s.trainLoss);
        out.matrix(s.testLoss);
        out.matrix(s.testError);
        out.matrix(s.Q);
        out.matrix(s.M);
    }
    out.number(r.kernels ? 1.0 : 0.0);
    if (r.kernels) {
        out.matrix(r.kernels->first);
        out.matrix(r.kernels->second);
    }
}

SeedRecord unpackSeed(FlatReader &in)
{
    SeedRecord r;
    r.seed = in.integer();
    r.status = static_cast<Status>(in.integer());
    r.stoppedAt = in.number();
    r.message = in.text();
    if (in.number() != 0.0) {
        r.series = std::make_unique<SeedResult>();
        SeedResult &s = *r.series;
        s.status = static_cast<Status>(in.integer());
        s.validPoints = in.integer();
        s.steps = static_cast<long long>(in.number());
        s.trainLoss = in.matrix();
        s.testLoss = in.matrix();
        s.testError = in.matrix();
        s.Q = in.matrix();
        s.M = in.matrix();
    }
    if (in.number() != 0.0) {
        Eigen::MatrixXd ctheta = in.matrix();
        Eigen::MatrixXd cg = in.matrix();
        r.kernels = std::make_pair(std::move(ctheta), std::move(cg));
    }
    return r;
}

} // namespace

namespace
{

EngineId engineId(SimEngine e)
{
    switch (e) {
    case SimEngine::Sgd:
        return EngineId::Sgd;
    case SimEngine::Sgf:
        return EngineId::Sgf;
    case SimEngine::Online:
        break;
    }
    return EngineId::Online;
}

} // namespace

long long simulationSeedVisits()
{
    return s_seedVisits.load();
}

const char *displayName(SimEngine e)
{
    return engineInfo(engineId(e)).label.c_str();
}

std::string toString(SimEngine e)
{
    return engineInfo(engineId(e)).name;
}

EngineCheck checkSimulation(SimEngine engine, const RunConfig &config)
{
    if (auto errors = validateAll(config); !errors.empty())
        return errors.front();
    const std::string name = toString(engine);
    const int d = config.sim.dimension, k = config.problem.width, ks = config.problem.teacherWidth;
    // Messages name their keys by position (configerror.h).
    using K = ConfigKey;
    if (d < k + ks)
        return configError({ K::SimDimension, K::ModelWidth, K::TeacherWidth },
            "{0} must be at least {1} + {2} (" + std::to_string(k + ks) + ")");
    if (engine == SimEngine::Sgf && config.sim.continuousTime == "extrapolate" && config.time.steps % 2 != 0)
        return configError({ K::SimContinuousTime, K::TimeSteps },
            "{0} = extrapolate needs an even {1} (its second run uses {1} / 2)");
    if (engine != SimEngine::Sgf) {
        const double eta = config.optimizer.learningRate;
        if (!(eta > 0.0))
            return configError({ K::OptimizerLearningRate }, name + " needs {0} > 0");
        if (config.optimizer.tau && std::fabs(*config.optimizer.tau - config.sgdTau()) > 1e-12) {
            std::ostringstream os;
            os << name << " runs with learning_rate/batch_size = " << config.sgdTau()
               << " but {0} = " << *config.optimizer.tau
               << " was set directly; unset {0} (null) or make them agree";
            return configError(
                { K::OptimizerTau, K::OptimizerLearningRate, K::OptimizerBatchSize }, os.str());
        }
        if (eta * config.problem.ridge / d >= 1.0)
            return configError({ K::OptimizerLearningRate, K::OptimizerRidge, K::SimDimension },
                "{0} * {1} / {2} must be < 1");
        if (engine == SimEngine::Sgd && config.optimizer.batchSize > config.samples())
            return configError({ K::OptimizerBatchSize, K::DataAlpha, K::SimDimension },
                "{0} (" + std::to_string(config.optimizer.batchSize)
                    + ") exceeds the number of samples n = " + std::to_string(config.samples()));
        if (config.time.horizon * d / eta > 9e15)
            return configError({ K::TimeHorizon, K::SimDimension, K::OptimizerLearningRate },
                "{0} * {1} / {2} is too many steps");
    }
    const double bytes = simulationMemoryBytes(config, engineInfo(engineId(engine)).finiteSamples);
    if (bytes > kSimulationMemoryLimit) {
        std::ostringstream os;
        os.precision(3);
        os << name << " would need " << bytes / 1073741824.0 << " GiB (limit "
           << kSimulationMemoryLimit / 1073741824.0 << " GiB); lower {0}, {1}, {2} or {3}";
        return configError({ K::SimDimension, K::DataAlpha, K::TimeSteps, K::SimThreads }, os.str());
    }
    return std::nullopt;
}

EngineResult runSimulation(SimEngine engine, const RunConfig &config, const ProgressCallback &progress,
    const std::atomic<bool> *cancel, const SimulationOptions &options)
{
    EngineResult result;
    result.curves.engine = toString(engine);
    result.curves.allocate(config.problem.width, config.problem.teacherWidth, config.grid());
    if (auto err = checkSimulation(engine, config)) {
        result.status = Status::InvalidInput;
        result.message = err->message;
        return result;
    }

    const int S = config.sim.seeds;
    const int N1 = config.time.steps + 1;
    // Under MPI (engine/reducer.h) this process runs the contiguous seeds [s0, s1) and rank 0
    // gathers the others' seeds before combining all of them in seed order, as one process does.
    Reducer &processes = engineReducer();
    const auto seedRange = processes.partition().range(S);
    const int s0 = static_cast<int>(seedRange.first), s1 = static_cast<int>(seedRange.second);
    const int threads = std::max(1, std::min(resolvedThreads(config.sim.threads), s1 - s0));
    const PopulationEvaluator evaluator(config.problem);

    SharedRun run;
    run.seeds.resize(S);
    run.pendingKernels.resize(S);
    run.limit = N1;
    run.nextSeed = s0;
    // Laws at output.distribution_times: θ(t_n), θ* and r = Xθ(t_n) of every seed (and y for margins).
    std::string lawNote;
    const bool withData = engine != SimEngine::Online;
    const int lawColumnsPerSample = config.problem.width + (lawsUseMargins(config.problem) ? 1 : 0);
    const double lawBytesPerTime = 8.0 * S
        * (static_cast<double>(config.sim.dimension) * (config.problem.width + config.problem.teacherWidth)
            + (withData ? static_cast<double>(config.samples()) * lawColumnsPerSample : 0.0));
    const std::vector<int> lawIndex
        = distributionGridIndices(config.output.distributionTimes, config.grid(), lawBytesPerTime, &lawNote);
    std::vector<std::vector<std::optional<SimulationLawSample>>> seedLaws(S);
    std::vector<Status> seedStatus(S, Status::Running);
    std::vector<std::string> seedMessage(S);
    std::vector<double> seedStoppedAt(S, 0.0);
    long long stepsPerSeed = 0;
    const std::string label = displayName(engine);

    auto isCancelled = [cancel] { return cancel && cancel->load(std::memory_order_relaxed); };

    // Called under run.mutex after seed s recorded a point (or finished).
    auto report = [&](int s, double t, bool seedFinished, std::unique_lock<std::mutex> &lock) {
        if (!progress)
            return;
        ProgressReport rep;
        rep.engine = toString(engine);
        rep.fraction = std::min(1.0, static_cast<double>(run.pointsDone) / (static_cast<double>(S) * N1));
        rep.text
            = label + " seed " + std::to_string(s + 1) + "/" + std::to_string(S) + ", t = " + formatTime(t);
        const auto now = Clock::now();
        if (seedFinished || now - run.lastSnapshot >= std::chrono::milliseconds(50)) {
            auto snap = std::make_shared<Curves>(
                buildCurves(run, config, std::min(run.furthest, run.limit.load())));
            snap->engine = toString(engine);
            rep.snapshot = std::move(snap);
            run.lastSnapshot = now;
        }
        lock.unlock();
        std::lock_guard<std::mutex> cb(run.callbackMutex);
        progress(rep);
    };

    // A seed that throws must not terminate the process from its thread: the others stop
    // taking seeds and the exception reaches runEngine (Status::InternalError).
    ThreadExceptions errors;
    auto worker = [&] {
        Instance recycled; // the previous seed's instance: its data array is reused
        for (;;) {
            const int s = run.nextSeed.fetch_add(1);
            if (s >= s1 || isCancelled() || errors.failed())
                return;
            Instance inst = makeInstance(config, config.sim.seed + static_cast<std::uint64_t>(s),
                engine != SimEngine::Online, cancel, std::move(recycled));
            if (inst.cancelled)
                return;
            if (!inst.ok()) {
                std::lock_guard<std::mutex> lock(run.mutex);
                if (run.error.empty())
                    run.error = inst.error;
                return;
            }
            SeedSimulation sim(engine, config, inst, evaluator, options.noisePairing);
            {
                std::lock_guard<std::mutex> lock(run.mutex);
                stepsPerSeed = sim.totalSteps();
                run.seeds[s] = std::make_unique<SeedResult>();
            }
            // Copies the scalar series (not the histories) so snapshots can read them.
            auto publish = [&](bool finished) {
                std::unique_lock<std::mutex> lock(run.mutex);
                SeedResult &dst = *run.seeds[s];
                const SeedResult &src = sim.result();
                dst.trainLoss = src.trainLoss;
                dst.testLoss = src.testLoss;
                dst.testError = src.testError;
                dst.Q = src.Q;
                dst.M = src.M;
                run.pointsDone += src.validPoints - dst.validPoints;
                run.furthest = std::max(run.furthest, src.validPoints);
                dst.validPoints = src.validPoints;
                dst.steps = src.steps;
                if (finished) {
                    dst.status = src.status;
                    seedStatus[s] = src.status;
                    seedMessage[s] = src.message;
                    seedStoppedAt[s] = src.stoppedAt;
                    run.pendingKernels[s] = std::make_pair(src.Ctheta, src.Cg);
                    run.commitInOrder(false, N1, seriesColumns(config));
                    ++run.finishedSeeds;
                }
                report(s, sim.time(), finished, lock);
            };
            sim.init();
            publish(false);
            while (!sim.stopped() && sim.pointsDone() < run.limit.load()) {
                sim.step(cancel);
                if (sim.result().status != Status::Cancelled)
                    publish(false);
            }
            if (sim.result().status == Status::Diverged) {
                int cur = run.limit.load();
                while (sim.pointsDone() < cur && !run.limit.compare_exchange_weak(cur, sim.pointsDone())) { }
            }
            sim.finish();
            seedLaws[s] = recordLaws(sim.result(), inst, lawIndex, config);
            publish(true);
            recycled = std::move(inst); // sim is not used after this
        }
    };

    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i)
        pool.emplace_back([&] { errors.guard(worker); });
    errors.guard(worker);
    for (auto &t : pool)
        t.join();
    errors.rethrow();

    std::lock_guard<std::mutex> lock(run.mutex);
    if (processes.distributed()) {
        // Seeds of the other ranks to rank 0; an instance error travels as seed −1's message.
        FlatWriter mine;
        if (!run.error.empty()) {
            SeedRecord e;
            e.seed = -1;
            e.message = run.error;
            packSeed(mine, e);
        }
        if (processes.rank() != 0)
            for (int s = s0; s < s1; ++s) {
                SeedRecord r;
                r.seed = s;
                r.status = seedStatus[s];
                r.message = seedMessage[s];
                r.stoppedAt = seedStoppedAt[s];
                r.series = std::move(run.seeds[s]);
                r.kernels = std::move(run.pendingKernels[s]);
                packSeed(mine, r);
            }
        const std::vector<std::vector<double>> all = processes.gatherToRoot(mine.data());
        if (processes.rank() != 0) {
            // rank 0 reports the run; this rank's result is not used
            result.status = Status::Completed;
            result.message
                = "seeds " + std::to_string(s0 + 1) + ".." + std::to_string(s1) + " sent to rank 0";
            return result;
        }
        for (const auto &from : all)
            for (FlatReader in(from); !in.atEnd();) {
                SeedRecord r = unpackSeed(in);
                if (r.seed < 0) {
                    run.error = run.error.empty() ? r.message : run.error;
                    continue;
                }
                seedStatus[r.seed] = r.status;
                seedMessage[r.seed] = r.message;
                seedStoppedAt[r.seed] = r.stoppedAt;
                if (r.series) {
                    if (stepsPerSeed == 0 && r.status == Status::Completed)
                        stepsPerSeed = r.series->steps; // the same for every seed
                    if (r.status == Status::Diverged)
                        run.limit = std::min(run.limit.load(), r.series->validPoints);
                    run.seeds[r.seed] = std::move(r.series);
                }
                run.pendingKernels[r.seed] = std::move(r.kernels);
            }
        if (!lawIndex.empty())
            lawNote += std::string(lawNote.empty() ? "" : "; ") + "laws from the seeds of the first of "
                + std::to_string(processes.ranks()) + " MPI processes";
    }
    run.commitInOrder(true, N1, seriesColumns(config));
    if (!run.error.empty()) {
        result.status = Status::InvalidInput;
        result.message = run.error;
        return result;
    }

    int completed = 0, furthest = 0, divergedSeed = -1;
    for (int s = 0; s < S; ++s) {
        if (seedStatus[s] == Status::Completed)
            ++completed;
        if (run.seeds[s])
            furthest = std::max(furthest, run.seeds[s]->validPoints);
        if (seedStatus[s] == Status::Diverged
            && (divergedSeed < 0 || run.seeds[s]->validPoints < run.seeds[divergedSeed]->validPoints))
            divergedSeed = s;
    }
    int points = N1;
    if (divergedSeed >= 0) {
        points = run.limit.load();
        result.status = Status::Diverged;
        result.message = seedMessage[divergedSeed] + " (seed " + std::to_string(divergedSeed + 1) + " of "
            + std::to_string(S) + ")";
        result.extra["diverged_at"] = seedStoppedAt[divergedSeed];
    } else if (completed < S) {
        points = furthest;
        result.status = Status::Cancelled;
        result.message = label + " cancelled: " + std::to_string(completed) + " of " + std::to_string(S)
            + " seeds complete";
    } else {
        result.status = Status::Completed;
    }
    result.curves = buildCurves(run, config, points);
    result.curves.engine = toString(engine);
    if (options.seedCurves && result.status == Status::Completed) {
        options.seedCurves->clear();
        for (int s = 0; s < S; ++s) {
            if (!run.seeds[s]) { // not expected once every seed completed; then none
                options.seedCurves->clear();
                break;
            }
            MaskedStatistics one; // a seed alone: its values as the means
            one.add(seriesOf(*run.seeds[s], N1, seriesColumns(config)));
            Curves c;
            c.engine = toString(engine);
            c.allocate(config.problem.width, config.problem.teacherWidth, config.grid());
            c.validPoints = N1;
            fillSeries(c, one, N1);
            options.seedCurves->push_back(std::move(c));
        }
    }
    if (!lawIndex.empty())
        result.distributions
            = mergeSeedLaws(seedLaws, lawIndex.size(), lawNote, lawsUseMargins(config.problem));

    json &x = result.extra;
    x["dimension"] = config.sim.dimension;
    x["samples"] = engine == SimEngine::Online ? 0 : config.samples();
    x["seeds"] = S;
    x["seeds_completed"] = completed;
    x["threads"] = threads;
    x["steps_per_seed"] = stepsPerSeed;
    x["taming"] = config.tamingEnabled();
    if (engine == SimEngine::Sgf) {
        x["tau"] = config.tau();
        x["time_step"] = config.dt() / config.sim.substeps;
        x["epochs"] = config.epochs();
    } else {
        x["tau"] = config.sgdTau();
        x["learning_rate"] = config.optimizer.learningRate;
        x["batch_size"] = config.optimizer.batchSize;
        if (engine == SimEngine::Sgd)
            x["epochs"] = static_cast<double>(stepsPerSeed) * config.optimizer.batchSize / config.samples();
    }
    if (engine == SimEngine::Online)
        x["train_loss"] = "mean loss of the fresh samples of the steps since the previous grid point";
    return result;
}

} // namespace dmftlab
