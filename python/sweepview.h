// dmftlab.sweep() on the C++ side: a family (one axis) or phase diagram (two axes) of
// runs through the core's SweepPlan/SweepRunner — the points, order, cache and scalars
// of `dmftlab-cli sweep`, so the same sweep gives bitwise the values of its sweep.csv —
// pumped for Python by a ProgressPump (progress in the calling thread, Ctrl-C cancels and
// leaves the unfinished point pending). SweepView holds the plan and every point's result;
// its tables and point results come out as NumPy arrays and ResultViews sharing them.
#pragma once

#include "sweep/sweeprunner.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <memory>
#include <string>
#include <vector>

namespace dmftlab::python
{

class SweepView
{
public:
    SweepView(SweepPlan plan, std::vector<SweepPointResult> results, Status status, std::string message,
        std::string interruption);

    /// "completed" (every point done), "cancelled", or "internal_error" (see message()).
    std::string status() const { return toString(m_status); }
    const std::string &message() const { return m_message; }
    /// What cancelled the sweep ("KeyboardInterrupt", "progress callback raising ...") or "".
    const std::string &interruption() const { return m_interruption; }
    const std::vector<std::string> &engines() const { return m_plan.spec.engines; }
    /// The scalar names as given (the sweep.csv columns), and their axis labels.
    std::vector<std::string> scalars() const;
    std::vector<std::string> scalarLabels() const;
    /// [{key, label, values, spacing, text}] per axis (values as Python numbers/strings).
    pybind11::list axes() const;
    /// The sweep as config.json's "sweep" entry of `dmftlab-cli sweep` (base tree, vary,
    /// engines, scalars).
    pybind11::object spec() const;
    int size0() const { return m_plan.size0(); }
    int size1() const { return m_plan.size1(); }
    int points() const { return static_cast<int>(m_plan.points.size()); }
    int completedPoints() const;

    /// sweep.csv's columns over the finished points in grid order: "point" and the varied
    /// keys (lists), each scalar and its "_se" (float64 arrays), "status" (list),
    /// "iterations" (float64, NaN without dmft), "wall_seconds" (float64), "message" (list).
    pybind11::dict table() const;
    /// (points, scalars) float64 arrays of every point's values and SEs (NaN: pending or
    /// undefined), points axis-0-major.
    pybind11::tuple grid() const;
    /// One point (axis-0-major index): {id, i, j, done, status, message, iterations,
    /// wall_seconds, cached}.
    pybind11::dict point(int p) const;
    /// The point's resolved configuration (config.json of points/<id>/).
    pybind11::object pointConfig(int p) const;
    /// (results, summary): the point's engine results as ResultViews (sharing the sweep's)
    /// and the summary.json it would have as a single run; no results for a pending point.
    pybind11::tuple pointResults(int p) const;

private:
    const SweepPointResult &at(int p) const;

    SweepPlan m_plan;
    std::vector<SweepPointResult> m_results;
    Status m_status;
    std::string m_message, m_interruption;
};

/// Resolves the base (preset, base tree and settings as resolvePythonConfig), the axes
/// (`vary`: a list of (key, "VALUES" in the --vary grammar | list of values)), plans the
/// sweep (every point checked before anything runs) and runs it. Bad input throws InputError.
std::shared_ptr<SweepView> runSweep(pybind11::handle preset, pybind11::handle base, pybind11::handle settings,
    pybind11::handle vary, const std::vector<std::string> &engines, const std::vector<std::string> &scalars,
    pybind11::object progress);

/// Throws InputError unless `engines` is a non-empty list of registry names without repeats.
void checkEngineList(const std::vector<std::string> &engines);

} // namespace dmftlab::python
