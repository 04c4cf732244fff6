// Named presets — a contract with users and the other engines: each name keeps its
// meaning; defaults give an instructive picture within ~10 s on 2 cores.
#pragma once

#include "config/config.h"

#include <string>
#include <vector>

namespace dmftlab
{

struct Preset {
    std::string name;
    std::string title; ///< one line
    std::string description; ///< one paragraph for users
    json overrides; ///< applied on top of RunConfig{} defaults
};

const std::vector<Preset> &presets();
const Preset *findPreset(const std::string &name);
std::string presetNames(); ///< "a, b, c"

/// The preset's full config (with `preset` set to its name). Precondition: name exists.
RunConfig presetConfig(const std::string &name);

} // namespace dmftlab
