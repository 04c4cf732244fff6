// dmftlab._core: the C++ half of the `dmftlab` Python package (python/dmftlab/). It
// exposes the core's presets, config schema, the CLI's config resolution and runEngine;
// the package's Python half adds keyword handling and the result classes.
#include "configerror.h"
#include "enginepump.h"
#include "jsonconvert.h"
#include "resultview.h"

#include "config/config.h"
#include "config/presets.h"
#include "engine/engine.h"

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace py = pybind11;
using json = nlohmann::json;

namespace dmftlab::python
{

namespace
{

void flatten(const json &j, const std::string &prefix, std::vector<std::pair<std::string, json>> *out)
{
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (it.value().is_object())
            flatten(it.value(), key, out);
        else
            out->emplace_back(key, it.value());
    }
}

/// The CLI's resolution: preset -> base tree (a config file's content) -> each setting
/// -> type check and validation. Without `preset`, the base's "preset" key names the
/// preset that provides the defaults, as with `dmftlab-cli run --config FILE`.
RunConfig resolve(const std::string &preset, const json &base, const std::vector<std::pair<std::string, json>> &settings)
{
    json tree = json::object();
    if (!base.is_null() && !base.is_object())
        throw ConfigError("config: expected a dict");
    std::string presetName = preset;
    if (presetName.empty() && base.is_object() && base.contains("preset") && base["preset"].is_string())
        presetName = base["preset"].get<std::string>();
    if (!presetName.empty()) {
        const Preset *p = findPreset(presetName);
        if (!p)
            throw ConfigError("unknown preset '" + presetName + "' (known: " + presetNames() + ")");
        tree = p->overrides;
        tree["preset"] = presetName;
    }
    if (base.is_object()) {
        json patch = base;
        if (!preset.empty())
            patch.erase("preset");
        mergeJson(tree, patch);
    }
    for (const auto &[key, value] : settings)
        if (auto err = applySetting(tree, key + "=" + value.dump()); !err.empty())
            throw ConfigError(key + ": " + err);
    const ConfigResult r = configFromJson(tree, RunConfig {});
    if (!r.ok())
        throw ConfigError(r.error);
    return *r.config;
}

py::object resolvedTree(const RunConfig &c)
{
    return fromJson(configToJson(c, /*withDerived=*/true));
}

py::object resolveFromPython(py::object preset, py::object base, py::list settings)
{
    std::vector<std::pair<std::string, json>> list;
    for (auto item : settings) {
        auto pair = item.cast<py::tuple>();
        const std::string key = pair[0].cast<std::string>();
        list.emplace_back(key, toJson(pair[1], key));
    }
    const json baseTree = base.is_none() ? json() : toJson(base, "");
    return resolvedTree(resolve(preset.is_none() ? std::string() : preset.cast<std::string>(), baseTree, list));
}

py::list presetList()
{
    py::list out;
    for (const auto &p : presets()) {
        py::dict d;
        d["name"] = p.name;
        d["title"] = p.title;
        d["description"] = p.description;
        std::vector<std::pair<std::string, json>> keys;
        flatten(p.overrides, "", &keys);
        py::dict params;
        for (const auto &[key, value] : keys)
            params[py::str(key)] = fromJson(value);
        d["parameters"] = params;
        out.append(d);
    }
    return out;
}

py::list schemaList()
{
    std::vector<std::pair<std::string, json>> keys;
    flatten(configToJson(RunConfig {}), "", &keys);
    py::list out;
    for (const auto &[key, value] : keys) {
        py::dict d;
        d["key"] = key;
        d["default"] = fromJson(value);
        out.append(d);
    }
    return out;
}

/// Runs `engines` one after the other on the resolved `config` (a dict). Everything is
/// checked before the first engine starts; returns (results, interruption).
py::tuple runEngines(py::object config, std::vector<std::string> engines, py::object progress)
{
    if (!progress.is_none() && !PyCallable_Check(progress.ptr()))
        throw py::type_error("progress must be callable as progress(fraction, text) or None");
    if (engines.empty())
        throw ConfigError("engines: give at least one of sgd, sgf, online, dmft, ode");
    for (std::size_t i = 0; i < engines.size(); ++i) {
        if (!isKnownEngine(engines[i]))
            throw ConfigError("unknown engine '" + engines[i] + "' (known: sgd, sgf, online, dmft, ode)");
        for (std::size_t j = 0; j < i; ++j)
            if (engines[j] == engines[i])
                throw ConfigError("engine '" + engines[i] + "' given twice");
    }
    const RunConfig resolved = resolve({}, toJson(config, ""), {});
    for (const auto &e : engines)
        if (auto err = checkEngine(e, resolved); !err.empty())
            throw ConfigError(err);

    EnginePump pump(resolved, progress);
    py::list results;
    for (const auto &engine : engines) {
        if (pump.interrupted()) {
            EngineResult skipped;
            skipped.message = "cancelled before it started";
            results.append(std::make_shared<ResultView>(engine, std::move(skipped), "skipped"));
            continue;
        }
        results.append(std::make_shared<ResultView>(engine, pump.run(engine)));
    }
    return py::make_tuple(results, pump.interruption());
}

} // namespace

} // namespace dmftlab::python

PYBIND11_MODULE(_core, m)
{
    using namespace dmftlab::python;
    m.doc() = "C++ core of the dmftlab package (use the dmftlab package, not this module)";
    py::register_exception<ConfigError>(m, "ConfigError", PyExc_ValueError);

    m.def("presets", &presetList);
    m.def("schema", &schemaList);
    m.def("resolve", &resolveFromPython, py::arg("preset"), py::arg("base"), py::arg("settings"));
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
