// Progress of `dmftlab-cli run` on stderr: one live line on a terminal (redrawn at most
// every 100 ms), else a line per 10 % per engine; nothing with --quiet. Engines call
// report() from their worker threads.
#pragma once

#include "engine/engine.h"

#include <chrono>
#include <mutex>
#include <string>

namespace dmftlab::cli
{

class ProgressPrinter
{
public:
    explicit ProgressPrinter(bool quiet);

    void start(const std::string &engine);
    void report(const ProgressReport &r);
    void finish();

private:
    std::mutex m_mutex;
    bool m_quiet, m_tty;
    std::string m_engine;
    int m_lastDecile = -1;
    std::chrono::steady_clock::time_point m_lastDraw {};
    bool m_lineOpen = false;
};

} // namespace dmftlab::cli
