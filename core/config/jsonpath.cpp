#include "config/jsonpath.h"

#include "io/jsonparse.h"

namespace dmftlab::jsonpath
{

std::vector<std::string> split(const std::string &path)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = path.find('.', start);
        parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos)
            return parts;
        start = dot + 1;
    }
}

const json *find(const json &tree, const std::string &path)
{
    const json *node = &tree;
    for (const std::string &part : split(path)) {
        if (!node->is_object())
            return nullptr;
        const auto it = node->find(part);
        if (it == node->end())
            return nullptr;
        node = &*it;
    }
    return node;
}

void set(json &tree, const std::string &path, json value)
{
    const std::vector<std::string> parts = split(path);
    json *node = &tree;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        if (!node->is_object())
            *node = json::object();
        node = &(*node)[parts[i]];
    }
    if (!node->is_object())
        *node = json::object();
    (*node)[parts.back()] = std::move(value);
}

bool erase(json &tree, const std::string &path)
{
    const std::vector<std::string> parts = split(path);
    json *node = &tree;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        if (!node->is_object() || !node->contains(parts[i]))
            return false;
        node = &(*node)[parts[i]];
    }
    return node->is_object() && node->erase(parts.back()) > 0;
}

namespace
{

void flattenInto(const json &node, const std::string &prefix, std::vector<std::pair<std::string, json>> *out)
{
    for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (it.value().is_object() && !it.value().empty())
            flattenInto(it.value(), key, out);
        else
            out->emplace_back(key, it.value());
    }
}

} // namespace

std::vector<std::pair<std::string, json>> flatten(const json &tree)
{
    std::vector<std::pair<std::string, json>> out;
    if (tree.is_object())
        flattenInto(tree, "", &out);
    return out;
}

std::string expandDotted(const json &tree, json *out)
{
    if (!tree.is_object()) {
        *out = tree;
        return {};
    }
    json result = json::object();
    for (const auto &[path, value] : flatten(tree)) {
        // Refuse a path that is already a value, or lies under one, or above one.
        const std::vector<std::string> parts = split(path);
        const json *node = &result;
        std::string prefix;
        for (const std::string &part : parts) {
            prefix += (prefix.empty() ? "" : ".") + part;
            const auto it = node->find(part);
            if (it == node->end())
                break;
            node = &*it;
            if (!node->is_object() || prefix == path)
                return "'" + io::printable(prefix)
                    + "' is given twice (as a dotted and a nested key, or as a value and a section)";
        }
        set(result, path, value);
    }
    *out = std::move(result);
    return {};
}

} // namespace dmftlab::jsonpath
