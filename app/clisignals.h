// SIGINT/SIGTERM for dmftlab-cli: the handler only sets the flag every engine polls
// (and the writers check between files); SA_RESETHAND lets a second Ctrl-C kill a run
// that does not react.
#pragma once

#include <atomic>

namespace dmftlab::cli
{

/// The process-wide cancel flag, set by the signal handlers.
std::atomic<bool> &cancelFlag();
void installSignalHandlers();

} // namespace dmftlab::cli
