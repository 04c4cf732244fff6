#include "cliresolve.h"

#include "config/presets.h"
#include "io/files.h"

namespace dmftlab::cli
{

namespace
{

/// "file: malformed JSON at line L, column C: reason" from nlohmann's parse error.
std::string describeParseError(const std::string &file, const std::string &what)
{
    std::string reason = what;
    if (const auto p = reason.find("parse error"); p != std::string::npos)
        reason = reason.substr(p + std::string("parse error").size());
    while (!reason.empty() && reason.front() == ' ')
        reason.erase(reason.begin());
    if (reason.rfind("at ", 0) == 0)
        reason = reason.substr(3);
    return file + ": malformed JSON at " + reason;
}

} // namespace

std::string resolveConfig(const RunOptions &o, RunConfig *config)
{
    json tree = json::object();
    json fileTree;
    if (!o.configFile.empty()) {
        std::string text;
        if (auto err = io::readFile(o.configFile, &text); !err.empty())
            return err;
        try {
            fileTree = json::parse(text);
        } catch (const json::parse_error &e) {
            return describeParseError(o.configFile, e.what());
        }
        if (!fileTree.is_object())
            return o.configFile + ": expected a JSON object at the top level";
    }
    std::string presetName = o.preset;
    // A config file may name its preset: it then provides the defaults, as --preset would.
    if (presetName.empty() && fileTree.is_object() && fileTree.contains("preset")
        && fileTree["preset"].is_string())
        presetName = fileTree["preset"].get<std::string>();
    if (!presetName.empty()) {
        const Preset *p = findPreset(presetName);
        if (!p)
            return "unknown preset '" + presetName + "' (known: " + presetNames() + ")";
        tree = p->overrides;
        tree["preset"] = presetName;
    }
    if (fileTree.is_object()) {
        json patch = fileTree;
        if (!o.preset.empty())
            patch.erase("preset"); // --preset names the run
        mergeJson(tree, patch);
    }
    for (const auto &s : o.sets)
        if (auto err = applySetting(tree, s); !err.empty())
            return "--set " + s + ": " + err;
    const ConfigResult r = configFromJson(tree, RunConfig {});
    if (!r.ok())
        return r.error;
    *config = *r.config;
    return {};
}

} // namespace dmftlab::cli
