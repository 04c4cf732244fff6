// How `dmftlab-cli run` turns its options into a RunConfig: preset → --config file →
// each --set → type check and validation, with one-line errors naming the key.
#pragma once

#include "clioptions.h"
#include "config/config.h"

#include <string>

namespace dmftlab::cli
{

/// Empty on success (and `config` set), else the reason.
std::string resolveConfig(const RunOptions &options, RunConfig *config);

} // namespace dmftlab::cli
