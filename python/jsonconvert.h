// Python values <-> the JSON trees of the configuration (core/config): a Python config is
// the same nested object the CLI reads from --config and writes to config.json, so one
// resolution path serves both. Doubles cross exactly (no text in between).
#pragma once

#include <nlohmann/json.hpp>
#include <pybind11/pybind11.h>

#include <string>

namespace dmftlab::python
{

/// Converts dict (str keys), list, tuple, str, bool, int, float, None and NumPy scalars
/// and arrays (through .tolist()) to JSON. Throws pybind11::value_error naming `key`
/// (the dotted key the value belongs to) for anything else or an out-of-range integer.
nlohmann::json toJson(pybind11::handle value, const std::string &key);

/// JSON to dict/list/str/bool/int/float/None (objects keep the tree's key order).
pybind11::object fromJson(const nlohmann::json &value);

} // namespace dmftlab::python
