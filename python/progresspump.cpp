#include "progresspump.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

namespace py = pybind11;

namespace dmftlab::python
{

namespace
{

/// What the worker hands the calling thread: the newest report (older ones are
/// superseded — each report carries the whole state) and whether the job is done.
struct Mailbox {
    std::mutex mutex;
    std::condition_variable wake;
    std::optional<ProgressReport> latest;
    bool done = false;
};

/// Joins the worker on every way out of run(), cancelling it first when the pump
/// leaves early (a C++ exception); the GIL is released while waiting.
class WorkerGuard
{
public:
    WorkerGuard(std::thread &worker, std::atomic<bool> &cancel)
        : m_worker(worker)
        , m_cancel(cancel)
    {
    }
    ~WorkerGuard()
    {
        if (!m_worker.joinable())
            return;
        if (std::uncaught_exceptions() > 0)
            m_cancel.store(true);
        py::gil_scoped_release nogil;
        m_worker.join();
    }

private:
    std::thread &m_worker;
    std::atomic<bool> &m_cancel;
};

} // namespace

ProgressPump::ProgressPump(py::object progress)
    : m_progress(std::move(progress))
{
}

void ProgressPump::run(const std::string &label, const Job &job)
{
    Mailbox box;
    std::thread worker([this, &box, &job] {
        job(
            [&box](const ProgressReport &report) {
                ProgressReport light = report;
                light.snapshot.reset(); // Python reads the final result, not snapshots
                std::lock_guard<std::mutex> lock(box.mutex);
                box.latest = std::move(light);
                box.wake.notify_one();
            },
            &m_cancel);
        std::lock_guard<std::mutex> lock(box.mutex);
        box.done = true;
        box.wake.notify_one();
    });
    WorkerGuard guard(worker, m_cancel);

    for (;;) {
        std::optional<ProgressReport> report;
        bool done = false;
        {
            py::gil_scoped_release nogil;
            std::unique_lock<std::mutex> lock(box.mutex);
            box.wake.wait_for(
                lock, std::chrono::milliseconds(50), [&box] { return box.latest.has_value() || box.done; });
            report.swap(box.latest);
            done = box.done;
        }
        if (report && !interrupted())
            deliver(label, *report);
        if (PyErr_CheckSignals() != 0) {
            py::error_already_set e; // fetches and clears the pending KeyboardInterrupt
            interrupt(e.matches(PyExc_KeyboardInterrupt) ? std::string("KeyboardInterrupt") : e.what());
        }
        if (done)
            break;
    }
    py::gil_scoped_release nogil;
    worker.join();
}

EngineResult runEngineWithPump(ProgressPump &pump, const std::string &engine, const RunConfig &config)
{
    EngineResult result;
    pump.run(engine, [&](const ProgressCallback &report, const std::atomic<bool> *cancel) {
        try {
            result = runEngine(engine, config, report, cancel);
        } catch (const std::exception &e) { // runEngine catches its own; this is bad_alloc & co.
            result = EngineResult {};
            result.status = Status::InternalError;
            result.message = e.what();
        }
    });
    if (pump.interrupted()) {
        // As the CLI: a cancel requested while the engine finished still counts as one.
        result.status = Status::Cancelled;
        result.message = "cancelled by " + pump.interruption()
            + (result.message.empty() ? std::string() : " (" + result.message + ")");
    }
    return result;
}

void ProgressPump::deliver(const std::string &label, const ProgressReport &report)
{
    if (m_progress.is_none())
        return;
    // The line dmftlab-cli prints for this report, without its "dmftlab-cli: " prefix.
    const double f = std::clamp(report.fraction, 0.0, 1.0);
    const std::string line = label + " " + std::to_string(static_cast<int>(std::lround(100 * f))) + "%"
        + (report.text.empty() ? "" : "  " + report.text);
    try {
        m_progress(f, line);
    } catch (py::error_already_set &e) {
        interrupt(e.matches(PyExc_KeyboardInterrupt) ? std::string("KeyboardInterrupt")
                                                     : "progress callback raising " + std::string(e.what()));
    }
}

void ProgressPump::interrupt(const std::string &why)
{
    if (m_interruption.empty())
        m_interruption = why;
    m_cancel.store(true);
}

} // namespace dmftlab::python
