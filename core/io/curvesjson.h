// Curves as JSON (for sessions and "data to JSON" exports): every field of Curves,
// kernels as arrays of rows per block; non-finite numbers become null and read back as
// NaN. Cut to validPoints like the CSV files.
#pragma once

#include "observables/curves.h"

#include <nlohmann/json.hpp>
#include <string>

namespace dmftlab::io
{

nlohmann::json curvesToJson(const Curves &curves);
/// Reads curvesToJson's output; empty string on success, else the reason naming the field.
std::string curvesFromJson(const nlohmann::json &j, Curves *curves);

} // namespace dmftlab::io
