#include "pyconfig.h"

#include "inputerror.h"
#include "jsonconvert.h"

#include "config/presets.h"

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

} // namespace

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

RunConfig resolveConfig(py::handle preset, py::handle base, py::handle settings)
{
    std::string presetName = preset.is_none() ? std::string() : preset.cast<std::string>();
    const std::string explicitPreset = presetName;
    const json baseTree = base.is_none() ? json() : toJson(base, "");
    if (!baseTree.is_null() && !baseTree.is_object())
        throw InputError("config: expected a dict");
    json tree = json::object();
    if (presetName.empty() && baseTree.is_object() && baseTree.contains("preset") && baseTree["preset"].is_string())
        presetName = baseTree["preset"].get<std::string>();
    if (!presetName.empty()) {
        const Preset *p = findPreset(presetName);
        if (!p)
            throw InputError("unknown preset '" + presetName + "' (known: " + presetNames() + ")", "preset");
        tree = p->overrides;
        tree["preset"] = presetName;
    }
    if (baseTree.is_object()) {
        json patch = baseTree;
        if (!explicitPreset.empty())
            patch.erase("preset");
        mergeJson(tree, patch);
    }
    for (auto item : settings) {
        const auto pair = item.cast<py::tuple>();
        const std::string key = pair[0].cast<std::string>();
        // The CLI's --set path: the value's JSON text, parsed back (exact for doubles).
        if (auto err = applySetting(tree, key + "=" + toJson(pair[1], key).dump()); !err.empty())
            throw InputError(key + ": " + err, key);
    }
    const ConfigResult r = configFromJson(tree, RunConfig {});
    if (!r.ok())
        throw InputError(r.error);
    return *r.config;
}

py::object configTree(const RunConfig &config)
{
    return fromJson(configToJson(config, /*withDerived=*/true));
}

} // namespace dmftlab::python
