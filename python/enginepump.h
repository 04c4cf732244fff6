// Runs engines for Python without blocking the interpreter: each engine runs in a worker
// std::thread (core's runEngine, which uses its own threads too) while the calling thread,
// with the GIL released, waits on a mailbox. Every 50 ms or on each report it takes the
// GIL, hands the latest progress report to the Python callback — so the callback runs in
// the calling thread, never in a worker — and checks for signals. A KeyboardInterrupt
// (Ctrl-C) or an exception from the callback sets the engine's cancel flag; the engine
// stops at its next check and returns what it computed, with status cancelled.
#pragma once

#include "config/config.h"
#include "engine/engine.h"

#include <pybind11/pybind11.h>

#include <atomic>
#include <string>

namespace dmftlab::python
{

class EnginePump
{
public:
    /// `progress` is None or a callable progress(fraction, text).
    EnginePump(RunConfig config, pybind11::object progress);

    /// Runs one engine to its end or to a cancel. Call with the GIL held.
    EngineResult run(const std::string &engine);

    /// True once a KeyboardInterrupt or a raising callback cancelled a run; the engines
    /// that follow are then not started.
    bool interrupted() const { return !m_interruption.empty(); }
    /// What cancelled it: "KeyboardInterrupt" or "progress callback raised ValueError: ...".
    const std::string &interruption() const { return m_interruption; }

private:
    void deliver(const std::string &engine, const ProgressReport &report);
    void interrupt(const std::string &why);

    RunConfig m_config;
    pybind11::object m_progress;
    std::atomic<bool> m_cancel { false };
    std::string m_interruption;
};

} // namespace dmftlab::python
