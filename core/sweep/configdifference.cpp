#include "sweep/configdifference.h"

#include "config/jsonpath.h"
#include "config/schema.h"
#include "sweep/sweepaxis.h"

#include <cstdio>

namespace dmftlab
{

namespace
{

std::string valueText(const json &v)
{
    if (v.is_string())
        return v.get<std::string>();
    if (v.is_number_float()) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.4g", v.get<double>());
        return buf;
    }
    if (v.is_null())
        return "η/B";
    return v.dump();
}

} // namespace

std::vector<std::string> differingKeys(const RunConfig &a, const RunConfig &b)
{
    const auto fa = jsonpath::flatten(configToJson(a)), fb = jsonpath::flatten(configToJson(b));
    std::vector<std::string> keys;
    for (std::size_t i = 0; i < fa.size() && i < fb.size(); ++i) {
        const std::string &key = fa[i].first;
        if (const FieldInfo *f = findField(key); f && !f->affectsResults)
            continue;
        if (fa[i].second != fb[i].second)
            keys.push_back(key);
    }
    return keys;
}

std::string describeDifference(const RunConfig &a, const RunConfig &b, int maxItems)
{
    const auto keys = differingKeys(a, b);
    if (keys.empty())
        return "same configuration";
    const auto fa = jsonpath::flatten(configToJson(a));
    std::string out;
    int shown = 0;
    for (const auto &key : keys) {
        if (shown == maxItems) {
            out += ", …";
            break;
        }
        for (const auto &[k, v] : fa)
            if (k == key) {
                out += (out.empty() ? "" : ", ") + parameterLabel(key) + " = " + valueText(v);
                ++shown;
            }
    }
    return out;
}

} // namespace dmftlab
