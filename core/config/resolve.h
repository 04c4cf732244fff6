// The one way a run configuration is put together, for every caller (dmftlab-cli run,
// the GUI's --preset/--open/--set, File ▸ Open session, the Python module, sweeps):
//
//   1. the preset: `preset` if given, else the "preset" key of the config tree, else the
//      built-in defaults RunConfig{};
//   2. the config tree (a --config file, a session's "config" section) merged over it,
//      dotted keys meaning the same as nested ones; its "derived" section is ignored;
//   3. each `key=value` assignment, in order, always last;
//   4. type check and validation (configFromJson): every problem, each naming its keys.
#pragma once

#include "config/config.h"

#include <optional>
#include <string>
#include <vector>

namespace dmftlab
{

struct ConfigSources {
    std::optional<std::string> preset; ///< an explicit preset name (--preset); "" is an error
    std::optional<json> tree; ///< the config tree (already parsed)
    std::string treeSource; ///< where the tree came from, to prefix its errors ("" = none)
    std::vector<std::string> sets; ///< "key=value" assignments, applied in order
};

/// When `tree` is given it receives the merged tree of steps 1-3 (preset overrides with the
/// preset's name, the config tree, the assignments; sparse: keys nobody set are absent) —
/// the base a sweep varies keys on, so that unset keys keep following the varied ones as
/// in `dmftlab-cli sweep --preset P --set ...`. Unchanged when one of steps 1-3 fails.
ConfigResult resolveConfig(const ConfigSources &sources, json *tree = nullptr);

/// Reads and parses a config file (depth-bounded, io::parseJson) into `tree`; the error
/// names the file. An empty path is an error.
std::string readConfigFile(const std::string &path, json *tree);

} // namespace dmftlab
