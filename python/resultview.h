// One engine's result as Python sees it. The Python object shares the immutable
// EngineResult (with a sweep's point, for one); its curves, error parts, kernels and
// residuals come out as read-only NumPy arrays that view the C++ vectors and matrices (no
// copies): their `base` keeps this object alive. Names and layout are those of the CLI's
// files (core/io/resulttables.h), cut to the valid points.
#pragma once

#include "engine/engine.h"
#include "io/resulttables.h"
#include "io/summary.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <memory>
#include <string>
#include <vector>

namespace dmftlab::python
{

class ResultView
{
public:
    /// `summary` is the engine's entry of summary.json (io::RunSummary) for this result;
    /// its status is the result's, or "skipped" for an engine a cancel kept from starting.
    ResultView(std::string engine, std::shared_ptr<const EngineResult> result, const nlohmann::json &summary);

    const std::string &engine() const { return m_engine; }
    const std::string &status() const { return m_status; }
    const std::string &message() const { return m_result->message; }
    double wallSeconds() const { return m_result->wallSeconds; }
    int validPoints() const { return m_valid; }
    int gridPoints() const { return static_cast<int>(m_result->curves.t.size()); }
    int k() const { return m_result->curves.k; }
    int kStar() const { return m_result->curves.kStar; }
    /// What summary.json says of the engine besides status, message, wall time and files:
    /// grid and sizes, tau and epochs, DMFT iterations and final residual, and the
    /// engine's own entries.
    pybind11::dict extra() const;

    /// name -> (valid,) array, in the column order of <engine>_curves.csv.
    static pybind11::dict curves(pybind11::object self);
    /// name -> (valid,) array, the columns of <engine>_errors.csv (the parts of the
    /// standard errors: Monte-Carlo, truncation, time step); empty when not estimated.
    static pybind11::dict errors(pybind11::object self);
    /// name -> (valid, valid) array, in the file order of the kernels.
    static pybind11::dict kernels(pybind11::object self);
    /// DMFT fixed-point residual per iteration.
    static pybind11::array residuals(pybind11::object self);

private:
    std::string m_engine, m_status;
    std::shared_ptr<const EngineResult> m_result;
    nlohmann::json m_extra;
    int m_valid = 0;
    std::vector<io::KernelTable> m_kernels;
};

/// Records `result` of `engine` in `summary` (its status and entry, as dmftlab-cli run
/// does) and returns the view of it with that entry.
std::shared_ptr<ResultView> recordResult(
    io::RunSummary &summary, const std::string &engine, std::shared_ptr<const EngineResult> result);

} // namespace dmftlab::python
