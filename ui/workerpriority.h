// The CPU priority rules of the window's workers: engines saturate every core, so the
// workers run at a higher nice value than the GUI thread (inherited by the threads each
// engine starts), which keeps the window responsive. The live run comes before the
// Explore dock's sweeps: a sweep's worker is niced further than a live run's, so while
// both compute, the live run gets the CPU first and the sweep uses what is left.
#pragma once

namespace dmftlab
{

constexpr int kLiveRunNice = 10; ///< live run workers (RunController)
constexpr int kSweepNice = 15; ///< sweep workers (SweepController): after the live run

/// Raises the calling thread's nice value to at least `nice` (Linux; elsewhere nothing).
/// Returns the thread's nice value afterwards (0 where it cannot be read).
int lowerThreadPriority(int nice);

/// Gives every thread of this process that runs at a nice value in (0, upTo] the normal
/// priority back (a cancelled run's workers must reach their cancel check at once on a
/// busy machine). Lowering a nice value needs privilege; without it nothing changes.
void restoreLoweredPriorities(int upTo);

} // namespace dmftlab
