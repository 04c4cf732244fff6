// Every iterate of the DMFT fixed point (issue 12: "the fixed point, step by step"), kept so
// that a scrubber can show how the solution forms. One entry per iteration: the curves
// (losses, Q, M, residuals) in full, the kernels (C_θ, R_θ, C_u, K and their SEs) on every
// s-th grid point only, with the stride s chosen from the first snapshot so that
//   maxIterations × (kernel bytes of one reduced iterate) ≤ budget   (default 64 MiB).
// The entry of the last iteration is replaced by the final result itself (setFinal): the
// history's last iterate is the result, at full resolution. iterate(i) returns an entry with
// its kernels put back on the full grid (nearest stored point), ready for the plot panels.
// Snapshots of another grid (the time-step error solve at 2Δ) are ignored.
// The pilot solve (dmft.warm_start = pilot) reports its iterates before the replicas' first
// residual: snapshots without residuals. Each is kept as a "pilot" entry (one per report, in
// order) ahead of the replicas' iterates — the fixed point forms there first. The pilot's
// last iteration has no entry of its own: it is reported together with the replicas' first.
// Pilot and replica entries are capped at maxIterations each, and the stride is sized for
// 2 × maxIterations entries, so the budget holds whether a pilot runs or not.
#pragma once

#include "observables/curves.h"

#include <memory>
#include <vector>

namespace dmftlab
{

constexpr double kIterateHistoryBudget = 64.0 * 1024 * 1024;

class IterateHistory
{
public:
    /// `gridPoints` N+1 of the run; `maxIterations` dmft.max_iterations (sizes the stride).
    IterateHistory(int gridPoints, int maxIterations, double budgetBytes = kIterateHistoryBudget);

    /// A progress snapshot: appended, or replacing the entry of the same iteration (the
    /// solver reports its last iteration twice); a snapshot without residuals before any
    /// iteration is a pilot iterate, always appended. False when ignored (nothing computed,
    /// other grid, after the result, over the cap).
    bool add(const Curves &snapshot);
    /// The final result: becomes the last entry, unreduced.
    void setFinal(std::shared_ptr<const Curves> result);

    int size() const { return static_cast<int>(m_entries.size()); }
    bool empty() const { return m_entries.empty(); }
    /// Stored entry i (kernels reduced unless it is the final result).
    const std::shared_ptr<const Curves> &stored(int i) const { return m_entries[i]; }
    /// Entry i with full-size kernels (nearest stored grid point); the final entry as is.
    std::shared_ptr<const Curves> iterate(int i) const;
    /// Whether entry i is the final result (setFinal) rather than an intermediate iterate.
    bool isFinal(int i) const { return m_hasFinal && i == size() - 1; }
    /// Entries 0 .. pilotCount() − 1 are iterates of the pilot solve (P/4 paths, one replica).
    int pilotCount() const { return m_pilotCount; }
    bool isPilot(int i) const { return i >= 0 && i < m_pilotCount; }
    /// "pilot iteration k of p", "iteration k of n" (n: entries after the pilot), or
    /// "iteration k of n: the result" — how the scrubber and the figures name entry i.
    std::string label(int i) const;
    int stride() const { return m_stride; }
    /// Bytes of the stored reduced kernels (the final result is the run's own, not counted).
    double kernelBytes() const { return m_kernelBytes; }
    double budget() const { return m_budget; }

private:
    Curves reduce(const Curves &c) const;

    int m_gridPoints, m_maxIterations;
    double m_budget;
    int m_stride = 0; ///< 0 until the first snapshot
    double m_kernelBytes = 0.0;
    bool m_hasFinal = false;
    int m_pilotCount = 0;
    std::vector<std::shared_ptr<const Curves>> m_entries;
    std::vector<double> m_entryBytes;
};

} // namespace dmftlab
