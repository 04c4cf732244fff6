// `dmftlab-cli sweep` under mpirun (issue 14): rank 0 hands out the pending points one at a
// time to whichever rank asks (so points of uneven cost balance), computes points itself on
// a thread of its own meanwhile, and records and writes every point as it arrives (the
// caller's onPoint: the same files and resume as in one process). Each point is computed
// whole by one rank, every engine single-process; its results travel to rank 0 exactly
// (engine/flatpack.h), so the files equal those of a single-process sweep.
#pragma once

#include "processgroup.h"
#include "sweep/sweeprunner.h"

namespace dmftlab::cli
{

/// Rank 0: runs the pending points of `runner` over all ranks, calling onPoint (on this
/// thread) for each finished point. Returns Completed, or Cancelled when `cancel` stopped it.
Status runSweepOnRanks(ProcessGroup &group, SweepRunner &runner, const ResultCache &cache,
    const SweepRunner::PointCallback &onPoint, const std::atomic<bool> *cancel);
/// The other ranks: compute the points rank 0 sends until it says stop.
void serveSweepPoints(ProcessGroup &group, SweepRunner &runner, const std::atomic<bool> *cancel);

} // namespace dmftlab::cli
