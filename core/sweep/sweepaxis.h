// One swept parameter of a family or phase diagram: a config key (dotted, as in --set)
// and its values, written `KEY=a,b,c`, `KEY=lin:FROM:TO:COUNT` or `KEY=log:FROM:TO:COUNT`
// (COUNT values evenly spaced in x or in log x, both ends included). Values are JSON so a
// list may hold strings (model.loss=square,logistic); integer keys (B, k, d) get integer
// values, and a range that rounds two values onto one integer is refused.
#pragma once

#include "config/config.h"

#include <string>
#include <vector>

namespace dmftlab
{

enum class SweepSpacing { List, Linear, Log };

struct SweepAxis {
    std::string key; ///< dotted config key, e.g. "data.alpha"
    SweepSpacing spacing = SweepSpacing::List;
    std::vector<json> values; ///< in the order given (ranges: FROM to TO)
    std::string text; ///< the VALUES text as written, for messages and config.json

    int size() const { return static_cast<int>(values.size()); }
    /// Value i as a number (NaN for a string value).
    double number(int i) const;
    /// "α", "τ", "B", ... for the known keys, else the key itself.
    std::string label() const;
    /// Value i exactly (shortest round-trip text: CSV, file names): "0.5", "square".
    std::string valueText(int i) const;
    /// Value i for people (4 significant digits): "1.667".
    std::string valueLabel(int i) const;
    json toJson() const;
};

/// Parses `KEY=VALUES` (the argument of --vary). Checks the key exists in the config
/// schema and the VALUES syntax; whether each value is acceptable for the key is checked
/// when the points are resolved (SweepPlan). Empty error on success.
std::string parseSweepAxis(const std::string &assignment, SweepAxis *axis);

/// The axis of `key` over `values` as given (a list axis, as `KEY=a,b,c` parses, without
/// the text in between: the Python module's lists). The same checks as parseSweepAxis
/// (known key, no value twice, at most kMaxAxisValues). Empty error on success.
std::string listSweepAxis(const std::string &key, const std::vector<json> &values, SweepAxis *axis);

/// Greek/short label of a config key (the schema's FieldInfo::symbol: "data.alpha" -> "α");
/// the key when it has none.
std::string parameterLabel(const std::string &key);

/// Upper limit of values per axis (a 2-D sweep is at most this squared before the
/// point and time limits of SweepPlan apply).
constexpr int kMaxAxisValues = 1000;

} // namespace dmftlab
