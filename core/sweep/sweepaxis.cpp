#include "sweep/sweepaxis.h"

#include "config/schema.h"
#include "io/csv.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace dmftlab
{

namespace
{

std::vector<std::string> split(const std::string &s, char sep)
{
    std::vector<std::string> out;
    std::string item;
    std::istringstream in(s);
    while (std::getline(in, item, sep))
        out.push_back(item);
    if (!s.empty() && s.back() == sep)
        out.emplace_back();
    return out;
}

std::string parseRange(const std::string &key, const std::string &text, SweepAxis *axis)
{
    const auto parts = split(text, ':');
    const bool log = parts[0] == "log";
    const std::string form = parts[0] + ":FROM:TO:COUNT";
    if (parts.size() != 4)
        return "--vary " + key + "=" + text + ": expected " + form;
    double from = 0, to = 0, count = 0;
    if (!io::parseNumber(parts[1], &from) || !std::isfinite(from))
        return "--vary " + key + "=" + text + ": FROM '" + parts[1] + "' is not a number";
    if (!io::parseNumber(parts[2], &to) || !std::isfinite(to))
        return "--vary " + key + "=" + text + ": TO '" + parts[2] + "' is not a number";
    if (!io::parseNumber(parts[3], &count) || count != std::floor(count) || count < 1
        || count > kMaxAxisValues)
        return "--vary " + key + "=" + text + ": COUNT '" + parts[3] + "' must be an integer 1.."
            + std::to_string(kMaxAxisValues);
    if (log && !(from > 0 && to > 0))
        return "--vary " + key + "=" + text + ": log spacing needs FROM > 0 and TO > 0";
    const int n = static_cast<int>(count);
    const FieldInfo *field = findField(key);
    const bool integer = field && field->type == FieldType::Int;
    axis->spacing = log ? SweepSpacing::Log : SweepSpacing::Linear;
    for (int i = 0; i < n; ++i) {
        const double f = n == 1 ? 0.0 : double(i) / (n - 1);
        // Exact ends, so FROM and TO appear as written.
        double x = i == 0 ? from
            : i == n - 1  ? to
            : log         ? std::exp(std::log(from) + f * (std::log(to) - std::log(from)))
                          : from + f * (to - from);
        if (integer) {
            const json v = static_cast<long long>(std::llround(x));
            if (!axis->values.empty() && axis->values.back() == v)
                return "--vary " + key + "=" + text + ": " + key + " is an integer and the range gives "
                    + v.dump() + " twice; use fewer values or a list";
            axis->values.push_back(v);
        } else {
            axis->values.push_back(x);
        }
    }
    return {};
}

} // namespace

double SweepAxis::number(int i) const
{
    const json &v = values.at(i);
    return v.is_number() ? v.get<double>() : std::nan("");
}

std::string SweepAxis::label() const
{
    return parameterLabel(key);
}

std::string SweepAxis::valueText(int i) const
{
    const json &v = values.at(i);
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_number_integer())
        return v.dump();
    if (v.is_number())
        return io::formatNumber(v.get<double>());
    return v.dump();
}

std::string SweepAxis::valueLabel(int i) const
{
    const json &v = values.at(i);
    if (!v.is_number_float())
        return valueText(i);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v.get<double>());
    return buf;
}

json SweepAxis::toJson() const
{
    static const char *names[] = { "list", "lin", "log" };
    return { { "key", key }, { "spec", text }, { "spacing", names[static_cast<int>(spacing)] },
        { "values", values } };
}

namespace
{

/// Why `key` cannot be swept (as part of `assignment`), or empty.
std::string checkSweepKey(const std::string &key, const std::string &assignment)
{
    if (isSection(key))
        return "--vary " + assignment + ": '" + key + "' is a section, not a key";
    if (!findField(key))
        return "--vary " + assignment + ": unknown key '" + key + "'";
    if (key == ConfigKey::Preset)
        return "--vary " + assignment + ": 'preset' is a name, not a parameter (sweep one preset)";
    return {};
}

/// Appends list value `v` (written `item`), refusing a value given twice.
std::string addListValue(SweepAxis *axis, json v, const std::string &item, const std::string &assignment)
{
    for (const auto &seen : axis->values)
        if (seen == v)
            return "--vary " + assignment + ": value " + item + " given twice";
    axis->values.push_back(std::move(v));
    if (axis->values.size() > static_cast<std::size_t>(kMaxAxisValues))
        return "--vary " + assignment + ": more than " + std::to_string(kMaxAxisValues) + " values";
    return {};
}

} // namespace

std::string parseSweepAxis(const std::string &assignment, SweepAxis *axis)
{
    *axis = SweepAxis {};
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
        return "--vary expects KEY=VALUES (a,b,c | lin:FROM:TO:COUNT | log:FROM:TO:COUNT), got '" + assignment
            + "'";
    const std::string key = assignment.substr(0, eq);
    const std::string text = assignment.substr(eq + 1);
    if (auto err = checkSweepKey(key, assignment); !err.empty())
        return err;
    axis->key = key;
    axis->text = text;
    if (text.empty())
        return "--vary " + assignment + ": no values";
    if (text.rfind("lin:", 0) == 0 || text.rfind("log:", 0) == 0) {
        if (auto err = parseRange(key, text, axis); !err.empty())
            return err;
    } else {
        axis->spacing = SweepSpacing::List;
        for (const auto &item : split(text, ',')) {
            if (item.empty())
                return "--vary " + assignment + ": empty value in the list";
            json v = json::parse(item, nullptr, /*allow_exceptions=*/false);
            if (v.is_discarded())
                v = item; // a bare word is a string, as in --set
            if (auto err = addListValue(axis, std::move(v), item, assignment); !err.empty())
                return err;
        }
    }
    return {};
}

std::string listSweepAxis(const std::string &key, const std::vector<json> &values, SweepAxis *axis)
{
    *axis = SweepAxis {};
    std::string text;
    for (const auto &v : values)
        text += (text.empty() ? "" : ",") + (v.is_string() ? v.get<std::string>() : v.dump());
    const std::string assignment = key + "=" + text;
    if (auto err = checkSweepKey(key, assignment); !err.empty())
        return err;
    axis->key = key;
    axis->text = text;
    axis->spacing = SweepSpacing::List;
    if (values.empty())
        return "--vary " + assignment + ": no values";
    for (const auto &v : values) {
        if (!v.is_primitive() && !v.is_array())
            return "--vary " + assignment + ": a value is " + v.type_name()
                + ", not a number, string or list";
        if (auto err = addListValue(axis, v, v.is_string() ? v.get<std::string>() : v.dump(), assignment);
            !err.empty())
            return err;
    }
    return {};
}

std::string parameterLabel(const std::string &key)
{
    const FieldInfo *f = findField(key);
    return f && !f->symbol.empty() ? f->symbol : key;
}

} // namespace dmftlab
