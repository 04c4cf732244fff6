// A ConfigError whose message names its keys by position, so that the keys the GUI marks
// and the keys the message names are one list: configError({ConfigKey::SimDimension,
// ConfigKey::ModelWidth}, "{0} must be at least {1}") is the error of those two keys with
// the message "sim.dimension must be at least model.width". Rules across fields
// (validateAll) and the engines' checks build their errors with it.
#pragma once

#include "config/config.h"

#include <string>
#include <vector>

namespace dmftlab
{

/// `pattern` with each {i} (i = 0..9) replaced by keys[i]; every other character is kept.
/// A placeholder beyond the keys is kept as written (a test names such a slip).
std::string keyMessage(const std::vector<std::string> &keys, const std::string &pattern);
/// The error of `keys` with the message keyMessage(keys, pattern).
ConfigError configError(std::vector<std::string> keys, const std::string &pattern);

} // namespace dmftlab
