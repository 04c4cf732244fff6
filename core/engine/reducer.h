// Sums over work split across processes (issue 14: dmftlab-cli under mpirun).
//
// The DMFT's path sums (theory §4: loss, C_u = α E[dG dGᵀ], E[g zᵀ], the sums of K and H̃)
// are sums over the P paths of a replica. When the paths are split over R processes, each
// process sums its own contiguous range of the global path index and a Reducer adds the R
// partial sums. core/ only knows this interface; the MPI implementation lives in app/
// (app/mpireducer.h) and is linked by dmftlab-cli alone, so the GUI, the tests of core and
// the Python module never see MPI.
//
// Contract of sumInPlace: every rank calls it with the same n, in the same order, and every
// rank receives the SAME bits (the DMFT's θ-process and mixing then run identically on every
// rank, so all ranks take the same convergence decisions). The single-process reducer leaves
// the data as it is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace dmftlab
{

/// This process's share of work split across `ranks` processes.
struct PathPartition {
    int rank = 0;
    int ranks = 1;

    /// Contiguous share [begin, end) of `count` items: rank r gets [⌊r·count/R⌋, ⌊(r+1)·count/R⌋).
    std::pair<std::int64_t, std::int64_t> range(std::int64_t count) const
    {
        return { count * rank / ranks, count * (rank + 1) / ranks };
    }
};

class Reducer
{
public:
    virtual ~Reducer() = default;
    virtual int rank() const = 0;
    virtual int ranks() const = 0;
    /// data[0..n) ← Σ over ranks of data[0..n); the same result on every rank.
    virtual void sumInPlace(double *data, std::size_t n) = 0;
    /// Rank 0 receives every rank's `data` in rank order; the other ranks receive nothing.
    virtual std::vector<std::vector<double>> gatherToRoot(const std::vector<double> &data) = 0;

    PathPartition partition() const { return { rank(), ranks() }; }
    bool distributed() const { return ranks() > 1; }
};

/// One process: the sums are already complete.
class SingleProcessReducer final : public Reducer
{
public:
    int rank() const override { return 0; }
    int ranks() const override { return 1; }
    void sumInPlace(double *, std::size_t) override { }
    std::vector<std::vector<double>> gatherToRoot(const std::vector<double> &data) override
    {
        return { data };
    }
};

/// The processes that the engines split their work over: the "dmft" engine its paths
/// (runDmftEngine), the simulations their seeds (runSimulation). A single process unless a
/// ScopedEngineReducer is alive: dmftlab-cli run installs the MPI one; a sweep's points (each
/// computed whole by one rank), the GUI and the Python module keep the single-process one.
Reducer &engineReducer();

/// Installs `reducer` as engineReducer() for its lifetime (not thread-safe: install it before
/// any engine runs, from the thread that runs them).
class ScopedEngineReducer
{
public:
    explicit ScopedEngineReducer(Reducer &reducer);
    ~ScopedEngineReducer();
    ScopedEngineReducer(const ScopedEngineReducer &) = delete;
    ScopedEngineReducer &operator=(const ScopedEngineReducer &) = delete;

private:
    Reducer *m_previous;
};

} // namespace dmftlab
