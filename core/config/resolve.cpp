#include "config/resolve.h"

#include "config/configkey.h"
#include "config/jsonpath.h"
#include "config/presets.h"
#include "io/files.h"
#include "io/jsonparse.h"

namespace dmftlab
{

namespace
{

ConfigResult failure(std::vector<std::string> keys, std::string message)
{
    ConfigResult r;
    r.errors.push_back({ std::move(keys), std::move(message) });
    r.error = r.errors.front().message;
    return r;
}

} // namespace

ConfigResult resolveConfig(const ConfigSources &sources, json *merged)
{
    const std::string where = sources.treeSource.empty() ? std::string() : sources.treeSource + ": ";
    json fileTree = json::object();
    if (sources.tree) {
        if (!sources.tree->is_object())
            return failure({}, where + "expected a JSON object at the top level");
        if (std::string err = jsonpath::expandDotted(*sources.tree, &fileTree); !err.empty())
            return failure({}, where + err);
        fileTree.erase("derived"); // output only (configToJson(withDerived))
    }

    std::optional<std::string> presetName = sources.preset;
    if (presetName && presetName->empty())
        return failure({ ConfigKey::Preset }, "the preset name is empty (known: " + presetNames() + ")");
    // A tree may name its preset: it then provides the defaults, as an explicit preset would.
    if (!presetName) {
        if (const json *p = jsonpath::find(fileTree, ConfigKey::Preset); p && p->is_string())
            presetName = p->get<std::string>();
    }
    json tree = json::object();
    if (presetName && !presetName->empty()) {
        const Preset *p = findPreset(*presetName);
        if (!p)
            return failure({ ConfigKey::Preset },
                "unknown preset '" + io::printable(*presetName) + "' (known: " + presetNames() + ")");
        tree = p->overrides;
        tree[ConfigKey::Preset] = *presetName;
    }
    if (sources.preset)
        fileTree.erase(ConfigKey::Preset); // the explicit preset names the run
    mergeJson(tree, fileTree);
    for (const auto &s : sources.sets)
        if (std::string err = applySetting(tree, s); !err.empty())
            return failure({ s.substr(0, s.find('=')) }, "--set " + io::printable(s) + ": " + err);
    if (merged)
        *merged = tree;
    return configFromJson(tree, RunConfig {});
}

std::string readConfigFile(const std::string &path, json *tree)
{
    if (path.empty())
        return "the config file name is empty";
    std::string text;
    if (std::string err = io::readFile(path, &text); !err.empty())
        return err;
    return io::parseJson(text, tree, path);
}

} // namespace dmftlab
