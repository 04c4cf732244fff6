#include "clisignals.h"

#include <csignal>

namespace dmftlab::cli
{

namespace
{

std::atomic<bool> g_cancel { false };
static_assert(std::atomic<bool>::is_always_lock_free, "the cancel flag is set from a signal handler");

extern "C" void onCancelSignal(int)
{
    g_cancel.store(true);
}

} // namespace

std::atomic<bool> &cancelFlag()
{
    return g_cancel;
}

void installSignalHandlers()
{
    struct sigaction sa = {};
    sa.sa_handler = onCancelSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

} // namespace dmftlab::cli
