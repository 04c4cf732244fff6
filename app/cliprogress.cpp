#include "cliprogress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <unistd.h>

namespace dmftlab::cli
{

ProgressPrinter::ProgressPrinter(bool quiet)
    : m_quiet(quiet)
    , m_tty(::isatty(STDERR_FILENO) == 1)
{
}

void ProgressPrinter::start(const std::string &engine)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_engine = engine;
    m_lastDecile = -1;
    m_lastDraw = {};
    m_lineOpen = false;
}

void ProgressPrinter::report(const ProgressReport &r)
{
    if (m_quiet)
        return;
    std::lock_guard<std::mutex> lock(m_mutex);
    const double f = std::clamp(r.fraction, 0.0, 1.0);
    const std::string line = "dmftlab-cli: " + m_engine + " " + std::to_string(int(std::lround(100 * f)))
        + "%" + (r.text.empty() ? "" : "  " + r.text);
    if (m_tty) {
        const auto now = std::chrono::steady_clock::now();
        if (now - m_lastDraw < std::chrono::milliseconds(100) && f < 1.0)
            return;
        m_lastDraw = now;
        std::fprintf(stderr, "\r\033[K%s", line.c_str());
        std::fflush(stderr);
        m_lineOpen = true;
        return;
    }
    const int decile = static_cast<int>(std::floor(10.0 * f + 1e-9));
    if (decile <= m_lastDecile)
        return;
    m_lastDecile = decile;
    std::fprintf(stderr, "%s\n", line.c_str());
    std::fflush(stderr);
}

void ProgressPrinter::finish()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_lineOpen)
        std::fprintf(stderr, "\n");
    m_lineOpen = false;
}

} // namespace dmftlab::cli
