#include "pyconfig.h"

#include "inputerror.h"
#include "jsonconvert.h"

#include "config/jsonpath.h"
#include "config/presets.h"
#include "config/resolve.h"
#include "config/schema.h"

#include <pybind11/stl.h>

#include <string>
#include <vector>

namespace py = pybind11;
using json = nlohmann::json;

namespace dmftlab::python
{

py::list presetList()
{
    py::list out;
    for (const auto &p : presets()) {
        py::dict d;
        d["name"] = p.name;
        d["title"] = p.title;
        d["description"] = p.description;
        py::dict params;
        for (const auto &[key, value] : jsonpath::flatten(p.overrides))
            params[py::str(key)] = fromJson(value);
        d["parameters"] = params;
        out.append(d);
    }
    return out;
}

py::list schemaList()
{
    py::list out;
    for (const FieldInfo &f : configSchema()) {
        py::dict d;
        d["key"] = f.key;
        d["type"] = f.typeText();
        d["default"] = fromJson(f.defaultValue());
        d["doc"] = f.doc;
        d["label"] = f.label;
        d["range"] = f.rangeText();
        d["choices"] = f.choices;
        d["min"] = f.min;
        d["max"] = f.max;
        out.append(d);
    }
    return out;
}

RunConfig resolvePythonConfig(py::handle preset, py::handle base, py::handle settings, json *tree)
{
    ConfigSources sources;
    if (!preset.is_none())
        sources.preset = preset.cast<std::string>();
    if (!base.is_none())
        sources.tree = toJson(base, "");
    for (auto item : settings) {
        const auto pair = item.cast<py::tuple>();
        const std::string key = pair[0].cast<std::string>();
        // The CLI's --set path with the value's JSON text (exact for doubles).
        sources.sets.push_back(key + "=" + toJson(pair[1], key).dump());
    }
    const ConfigResult r = dmftlab::resolveConfig(sources, tree);
    if (!r.ok()) {
        std::vector<InputError::Problem> problems;
        for (const ConfigError &e : r.errors)
            problems.push_back({ e.keys, e.message });
        if (problems.empty())
            problems.push_back({ {}, r.error });
        throw InputError(std::move(problems));
    }
    return *r.config;
}

py::object configTree(const RunConfig &config)
{
    return fromJson(configToJson(config, /*withDerived=*/true));
}

} // namespace dmftlab::python
