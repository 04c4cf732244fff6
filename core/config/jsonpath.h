// Dotted paths into JSON trees: "optimizer.tau" is tree["optimizer"]["tau"]. The one
// walker every caller uses (config parsing, --set, sessions, the parameter dock, help).
// Trees come from io::parseJson, so their depth is bounded and recursion here is safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace dmftlab::jsonpath
{

using json = nlohmann::json;

/// "a.b.c" -> {"a", "b", "c"}.
std::vector<std::string> split(const std::string &path);
/// The value at `path`, or null when a part is missing or not an object.
const json *find(const json &tree, const std::string &path);
/// Sets the value at `path`, creating objects on the way (and replacing non-objects).
void set(json &tree, const std::string &path, json value);
/// Removes the value at `path`; false when it was not there.
bool erase(json &tree, const std::string &path);
/// Leaves (values other than non-empty objects) of `tree` with their dotted paths, in document order.
std::vector<std::pair<std::string, json>> flatten(const json &tree);
/// `tree` with every dotted key written as nesting ({"time.steps": 3} -> {"time": {"steps":
/// 3}}), so that a dotted key in a file means exactly what the nested one does. Empty on
/// success, else the reason (a path given twice, or as both a value and a section).
std::string expandDotted(const json &tree, json *out);

} // namespace dmftlab::jsonpath
