// Runs long C++ work (an engine, a sweep) for Python without blocking the interpreter: the
// work runs in a worker std::thread (which may start threads of its own) while the calling
// thread, with the GIL released, waits on a mailbox. Every 50 ms or on each report it takes
// the GIL, hands the latest progress report to the Python callback — so the callback runs
// in the calling thread, never in a worker — and checks for signals. A KeyboardInterrupt
// (Ctrl-C) or an exception from the callback sets the cancel flag the work checks; it stops
// at its next check and returns what it computed.
#pragma once

#include "engine/engine.h"

#include <pybind11/pybind11.h>

#include <atomic>
#include <functional>
#include <string>

namespace dmftlab::python
{

class ProgressPump
{
public:
    /// `progress` is None or a callable progress(fraction, text).
    explicit ProgressPump(pybind11::object progress);

    /// The work: reports through `report` (from any thread) and stops soon once `cancel`
    /// is set. It must not throw (catch inside and record the failure in its result).
    using Job = std::function<void(const ProgressCallback &report, const std::atomic<bool> *cancel)>;
    /// Runs `job` to its end or to a cancel. The callback's text is "<label> 40%  <report
    /// text>", the line dmftlab-cli prints without its prefix. Call with the GIL held.
    void run(const std::string &label, const Job &job);

    /// True once a KeyboardInterrupt or a raising callback cancelled the work; work that
    /// follows is then not started.
    bool interrupted() const { return !m_interruption.empty(); }
    /// What cancelled it: "KeyboardInterrupt" or "progress callback raising ValueError: ...".
    const std::string &interruption() const { return m_interruption; }

private:
    void deliver(const std::string &label, const ProgressReport &report);
    void interrupt(const std::string &why);

    pybind11::object m_progress;
    std::atomic<bool> m_cancel { false };
    std::string m_interruption;
};

/// Runs one engine on `config` through `pump` as dmftlab-cli run does (a C++ exception
/// that escapes becomes InternalError). After a cancel the status is Cancelled, its
/// message saying what cancelled it.
EngineResult runEngineWithPump(ProgressPump &pump, const std::string &engine, const RunConfig &config);

} // namespace dmftlab::python
