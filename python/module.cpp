// dmftlab._core: the C++ half of the `dmftlab` Python package (python/dmftlab/). It
// exposes the core's presets, config schema, the CLI's config resolution and runEngine;
// the package's Python half adds keyword handling and the result classes.
#include "inputerror.h"
#include "jsonconvert.h"
#include "progresspump.h"
#include "pyconfig.h"
#include "resultview.h"
#include "sweepview.h"

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
    checkEngineList(engines);
    const RunConfig resolved = resolvePythonConfig(py::none(), config, py::list());
    for (const auto &e : engines)
        if (auto err = checkEngine(e, resolved))
            throw InputError(err->message);

    const auto start = std::chrono::steady_clock::now();
    io::RunSummary summary(resolved, engines, std::string());
    ProgressPump pump(progress);
    py::list results;
    for (const auto &engine : engines) {
        if (pump.interrupted()) {
            auto skipped = std::make_shared<EngineResult>();
            skipped->message = "cancelled before it started";
            summary.setSkipped(engine, skipped->message);
            summary.record(io::RunStatus::Cancelled);
            results.append(
                std::make_shared<ResultView>(engine, skipped, summary.document()["engines"][engine]));
            continue;
        }
        auto result = std::make_shared<EngineResult>(runEngineWithPump(pump, engine, resolved));
        result->curves.engine = engine;
        results.append(recordResult(summary, engine, std::move(result)));
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
    m.def("sweep", &runSweep, py::arg("preset"), py::arg("base"), py::arg("settings"), py::arg("vary"),
        py::arg("engines"), py::arg("scalars"), py::arg("progress"));
    m.def("sweep_scalars", [] { return dmftlab::sweepScalarHelp(); });

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
        .def("errors", &ResultView::errors)
        .def("kernels", &ResultView::kernels)
        .def("residuals", &ResultView::residuals);

    py::class_<SweepView, std::shared_ptr<SweepView>>(m, "Sweep")
        .def_property_readonly("status", &SweepView::status)
        .def_property_readonly("message", &SweepView::message)
        .def_property_readonly("interruption", &SweepView::interruption)
        .def_property_readonly("engines", &SweepView::engines)
        .def_property_readonly("scalars", &SweepView::scalars)
        .def_property_readonly("scalar_labels", &SweepView::scalarLabels)
        .def_property_readonly("axes", &SweepView::axes)
        .def_property_readonly("spec", &SweepView::spec)
        .def_property_readonly(
            "shape", [](const SweepView &v) { return py::make_tuple(v.size0(), v.size1()); })
        .def_property_readonly("points", &SweepView::points)
        .def_property_readonly("completed_points", &SweepView::completedPoints)
        .def("table", &SweepView::table)
        .def("grid", &SweepView::grid)
        .def("point", &SweepView::point, py::arg("p"))
        .def("point_config", &SweepView::pointConfig, py::arg("p"))
        .def("point_results", &SweepView::pointResults, py::arg("p"));
}
