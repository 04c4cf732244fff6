// dmftlab._core: the C++ half of the `dmftlab` Python package (python/dmftlab/). It
// exposes the core's presets, config schema, the CLI's config resolution and runEngine;
// the package's Python half adds keyword handling and the result classes.
#include "enginepump.h"
#include "inputerror.h"
#include "jsonconvert.h"
#include "pyconfig.h"
#include "resultview.h"

#include "engine/engine.h"
#include "engine/registry.h"
#include "io/summary.h"
#include "version.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace py = pybind11;

namespace dmftlab::python
{

namespace
{

/// Runs `engines` one after the other on `config` (a config dict), as `dmftlab-cli run`
/// does without writing files. Everything is checked before the first engine starts.
/// Returns (results, summary, interruption): summary is what the CLI's summary.json
/// would hold (io::RunSummary; no files).
py::tuple runEngines(py::handle config, const std::vector<std::string> &engines, py::object progress)
{
    if (!progress.is_none() && !PyCallable_Check(progress.ptr()))
        throw py::type_error("progress must be callable as progress(fraction, text) or None");
    if (engines.empty())
        throw InputError("engines: give at least one of " + engineNameList());
    for (std::size_t i = 0; i < engines.size(); ++i) {
        if (!findEngine(engines[i]))
            throw InputError("unknown engine '" + engines[i] + "' (known: " + engineNameList() + ")");
        for (std::size_t j = 0; j < i; ++j)
            if (engines[j] == engines[i])
                throw InputError("engine '" + engines[i] + "' given twice");
    }
    const RunConfig resolved = resolvePythonConfig(py::none(), config, py::list());
    for (const auto &e : engines)
        if (auto err = checkEngine(e, resolved); !err.empty())
            throw InputError(err);

    const auto start = std::chrono::steady_clock::now();
    io::RunSummary summary(resolved, engines, std::string());
    EnginePump pump(resolved, progress);
    py::list results;
    for (const auto &engine : engines) {
        EngineResult result;
        if (pump.interrupted()) {
            result.message = "cancelled before it started";
            summary.setSkipped(engine, result.message);
            summary.record(io::RunStatus::Cancelled);
        } else {
            result = pump.run(engine);
            result.curves.engine = engine;
            summary.record(io::runStatusFor(result.status));
            summary.setEngine(
                { engine, result.status, result.message, result.wallSeconds, &result.curves, result.extra, {} });
        }
        const nlohmann::json entry = summary.document()["engines"][engine];
        results.append(std::make_shared<ResultView>(engine, std::move(result), entry));
    }
    summary.setWallSeconds(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    nlohmann::json document = summary.document();
    document["status"] = io::toString(summary.status());
    return py::make_tuple(results, fromJson(document), pump.interruption());
}

} // namespace

} // namespace dmftlab::python

PYBIND11_MODULE(_core, m)
{
    using namespace dmftlab::python;
    m.doc() = "C++ core of the dmftlab package (use the dmftlab package, not this module)";
    m.attr("__version__") = dmftlab::kProgramVersion;

    static py::exception<InputError> configError(m, "ConfigError", PyExc_ValueError);
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p)
                std::rethrow_exception(p);
        } catch (const InputError &e) {
            py::list keys, errors;
            for (const auto &problem : e.problems()) {
                py::dict d;
                d["keys"] = problem.keys;
                d["message"] = problem.message;
                errors.append(d);
                for (const auto &key : problem.keys)
                    if (!keys.contains(key))
                        keys.append(key);
            }
            // Instantiated as a class (the exception object's operator() would raise a bare one).
            py::object error = py::reinterpret_borrow<py::object>(configError)(e.what());
            error.attr("keys") = keys;
            error.attr("errors") = errors;
            PyErr_SetObject(configError.ptr(), error.ptr());
        }
    });

    m.def("presets", &presetList);
    m.def("schema", &schemaList);
    m.def(
        "resolve",
        [](py::handle preset, py::handle base, py::handle settings) {
            return configTree(resolvePythonConfig(preset, base, settings));
        },
        py::arg("preset"), py::arg("base"), py::arg("settings"));
    m.def("run", &runEngines, py::arg("config"), py::arg("engines"), py::arg("progress"));
    m.def("engines", [] { return dmftlab::engineNames(); });

    py::class_<ResultView, std::shared_ptr<ResultView>>(m, "Result")
        .def_property_readonly("engine", &ResultView::engine)
        .def_property_readonly("status", &ResultView::status)
        .def_property_readonly("message", &ResultView::message)
        .def_property_readonly("wall_seconds", &ResultView::wallSeconds)
        .def_property_readonly("valid_points", &ResultView::validPoints)
        .def_property_readonly("grid_points", &ResultView::gridPoints)
        .def_property_readonly("k", &ResultView::k)
        .def_property_readonly("k_star", &ResultView::kStar)
        .def_property_readonly("extra", &ResultView::extra)
        .def("curves", &ResultView::curves)
        .def("kernels", &ResultView::kernels)
        .def("residuals", &ResultView::residuals);
}
