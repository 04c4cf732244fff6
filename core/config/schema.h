// The config schema: one row per key of the run configuration, the single source of its
// type, default (RunConfig{}), allowed range or choices, one-line doc and GUI label.
// dmftlab-cli --help, the parameter dock (labels, tooltips), the help page's reference
// table, parsing and validation (configFromJson, validate) and the Python module all
// read this table; adding a key is adding a row in schema.cpp (and its RunConfig member).
#pragma once

#include "config/config.h"
#include "config/configkey.h"

#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace dmftlab
{

enum class FieldType { Int, Number, String, NumberOrNull, NumberOrMatrix, NumberList };

/// The box of the parameter dock that shows a field, in the dock's order; None: the field is
/// set in files, sessions and --set only (the preset's name, second layers, output times).
enum class DockGroup {
    None,
    Student,
    Teacher,
    DataOptimizer,
    InitTime,
    Simulation,
    Theory,
    AdvancedTheory, ///< under the dock's "Advanced" toggle, solver details first
    AdvancedSimulation, ///< then simulation details
};

struct FieldInfo {
    std::string key; ///< dotted: "data.alpha" (nested in JSON files)
    FieldType type = FieldType::Number;
    std::string label; ///< what the GUI shows next to the field (UTF-8), e.g. "α = n/d"
    std::string doc; ///< one line (ASCII): --help, tooltips, the help page
    std::vector<std::string> choices; ///< the allowed strings of a String field (empty: any)
    /// Range of Int/Number values (and of the number of a NumberOrNull/NumberOrMatrix).
    /// Int fields always have finite bounds that fit their C++ type.
    double min = -std::numeric_limits<double>::infinity();
    double max = std::numeric_limits<double>::infinity();
    bool minExclusive = false; ///< x > min instead of x >= min
    bool nonZero = false; ///< x != 0 as well
    /// Short symbol (UTF-8) for sweep axes and run comparisons: "α" for data.alpha; empty
    /// when the key itself is shown.
    std::string symbol;
    /// What the key is, with its symbol (UTF-8), for figure axes: "sample ratio α = n/d";
    /// empty when the key itself is shown.
    std::string title;
    DockGroup dock = DockGroup::None;
    /// False for keys that never change a number (the preset's name, sim.threads: results
    /// are identical for every thread count), so comparisons of runs ignore them.
    bool affectsResults = true;
    /// Stores a value that checkValue accepted.
    std::function<void(RunConfig &, const json &)> set;
    std::function<json(const RunConfig &)> get;

    json defaultValue() const { return get(RunConfig {}); }
    /// "int", "number", "string", "number|null", "number|matrix", "list".
    std::string typeText() const;
    /// The allowed values in words: "1..5000", "> 0", ">= 0, != 0", "square|logistic"; empty
    /// when anything of the type goes.
    std::string rangeText() const;
    /// Dotted sections of the key ("data" for "data.alpha"); empty for a top-level key.
    std::string section() const;
};

/// Every key, in the order a user thinks in (preset, model, teacher, data, optimizer, init,
/// time, sim, dmft).
const std::vector<FieldInfo> &configSchema();
/// The row of `key`, or null.
const FieldInfo *findField(const std::string &key);
/// Is `prefix` a section holding keys ("data", "dmft")?
bool isSection(const std::string &prefix);
/// The keys a sweep varies most often, in the order a user thinks in (the sweep panel offers
/// them first; any key can be varied).
const std::vector<std::string> &commonSweepKeys();

/// The schema as data, for the Python module (dmftlab.schema()) and other languages: an
/// array of {"key", "type", "label", "doc", "default", "choices", "min", "max",
/// "min_exclusive", "non_zero", "range"} in configSchema() order (min/max null when
/// unbounded).
json schemaJson();

/// Checks a JSON value against its row: type, choices, range, finiteness. Empty on
/// success, else one line naming the key, e.g. "time.steps must be between 1 and 5000
/// (got 4294967297)" or "model.width: expected an integer, got \"two\"".
std::string checkValue(const FieldInfo &field, const json &value);

} // namespace dmftlab
