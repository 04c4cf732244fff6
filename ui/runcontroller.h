// Runs engines (simulation, DMFT, ODE) concurrently in worker threads and hands their
// progress to the GUI thread as immutable snapshots.
//
// Workers call runEngine() on a private thread pool; their progress callbacks only store
// the latest ProgressReport under a mutex. A ~30 Hz QTimer in the GUI thread drains those
// stores and emits at most one `updated` per tick, so plots redraw at most 30 times a
// second whatever the engines do. Cancel is the shared std::atomic<bool> every engine
// polls; the controller's destructor cancels and waits (nothing outlives its owner).
// The GUI thread never waits on a future. While a run computes it holds the shared
// WorkScheduler's live-run mark, so the Explore dock's sweeps start no point meanwhile
// (workscheduler.h: the live run goes first).
#pragma once

#include "dmft/iteratehistory.h"

#include "engine/engine.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dmftlab
{

class RunController : public QObject
{
    Q_OBJECT
public:
    /// What a worker calls; runEngine by default (tests may substitute a slow engine).
    using Runner = std::function<EngineResult(
        const std::string &, const RunConfig &, const ProgressCallback &, const std::atomic<bool> *)>;

    /// The GUI-side view of one engine of the current run.
    struct EngineState {
        std::string engine;
        double fraction = 0.0;
        QString text;
        double elapsedSeconds = 0.0;
        double etaSeconds = -1.0; ///< < 0 while unknown
        bool finished = false;
        Status status = Status::Running;
        QString message; ///< the engine's final one-line message
        double wallSeconds = 0.0;
        std::shared_ptr<const Curves> curves; ///< latest snapshot or final result
        json extra = json::object(); ///< the engine's summary entries (EngineResult::extra)
        /// Laws at config.output.distributionTimes, once the engine returned (may be null).
        std::shared_ptr<const DistributionRecord> distributions;
        /// Every fixed-point iterate so far (theory engines; dmft/iteratehistory.h), the last
        /// one the final result once the engine returned. Null for simulations.
        std::shared_ptr<const IterateHistory> iterates;
        /// Not computed by this run: an earlier run's finished result with the same
        /// resultKey (engine/registry.h), i.e. only settings this engine ignores changed.
        bool reused = false;
    };

    /// Whether start() may show an earlier run's result of an engine whose settings are
    /// unchanged (the DMFT when only d changed, every engine when a run is repeated).
    enum class Reuse { Unchanged, Nothing };
    /// Finished results kept for reuse: at most this many, and at most kKeptBytes of
    /// kernels and iterate histories (the least recently used go first; the latest is
    /// always kept).
    static constexpr int kKeptResults = 8;
    static constexpr double kKeptBytes = 256.0 * 1024 * 1024;
    /// The kernels (means and SEs) and the iterate history of a state, in bytes: what
    /// keeping it costs once it is no longer shown.
    static double keptBytes(const EngineState &state);

    explicit RunController(QObject *parent = nullptr);
    ~RunController() override;

    void setRunner(Runner runner) { m_runner = std::move(runner); }
    /// Drain period in ms (default 33, i.e. ~30 Hz).
    void setDrainInterval(int ms) { m_timer.setInterval(ms); }

    /// Starts `engines` on `config`. A run in progress is cancelled first (its workers
    /// finish in the background and their results are dropped). With Reuse::Unchanged an
    /// engine whose result for the same resultKey was kept (one of the last kKeptResults
    /// completed, converged or max-iterations results) is not run again: its state is that
    /// result, marked `reused`, and it finishes through the same signals, in the next event
    /// loop pass.
    void start(
        const RunConfig &config, const std::vector<std::string> &engines, Reuse reuse = Reuse::Unchanged);
    /// Cooperative cancel of the current run; `finished` follows once every worker returned.
    void stop();
    bool isRunning() const { return m_running; }

    const std::vector<EngineState> &states() const { return m_states; }
    const EngineState *state(const std::string &engine) const;
    /// Latest curves of `engine`, null when it has none.
    std::shared_ptr<const Curves> curves(const std::string &engine) const;

    /// Installs finished results without running (loaded sessions).
    void setResults(std::vector<EngineState> states);

signals:
    void started();
    /// New progress or results since the last tick (at most once per drain interval).
    void updated();
    /// One engine returned (status in state(engine)).
    void engineFinished(const QString &engine);
    /// Every engine of the run returned (completed, failed or cancelled).
    void finished();

private:
    struct Channel;
    struct Run;
    void drain();
    /// A drain of `run` in the next event-loop pass of the GUI thread (thread-safe).
    void drainSoon(const std::shared_ptr<Run> &run);
    /// Keeps a finished result of `key` for reuse (only results the same settings give again).
    void keep(const std::string &key, const EngineState &state);
    /// Holds or releases the WorkScheduler's live-run mark (once per computing run).
    void holdScheduler(bool on);

    Runner m_runner;
    QThreadPool m_pool;
    QTimer m_timer;
    std::shared_ptr<Run> m_run;
    std::vector<EngineState> m_states;
    bool m_running = false;
    bool m_holdsScheduler = false;
    struct Kept {
        std::string key; ///< resultKey(engine, config)
        EngineState state;
        double bytes = 0.0; ///< keptBytes(state)
    };
    std::vector<Kept> m_kept; ///< most recently used last
    double m_dmftTolerance = 0.0; ///< for the DMFT's ETA (convergenceeta.h)
    int m_dmftMaxIterations = 0;
};

} // namespace dmftlab
