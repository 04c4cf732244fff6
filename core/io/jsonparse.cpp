#include "io/jsonparse.h"

#include <algorithm>

namespace dmftlab::io
{

int jsonNestingDepth(const std::string &text, int limit)
{
    int depth = 0, deepest = 0;
    bool inString = false, escaped = false;
    for (const char ch : text) {
        if (inString) {
            if (escaped)
                escaped = false;
            else if (ch == '\\')
                escaped = true;
            else if (ch == '"')
                inString = false;
            continue;
        }
        if (ch == '"') {
            inString = true;
        } else if (ch == '[' || ch == '{') {
            deepest = std::max(deepest, ++depth);
            if (deepest > limit)
                return deepest;
        } else if (ch == ']' || ch == '}') {
            --depth;
        }
    }
    return deepest;
}

std::string parseJson(const std::string &text, nlohmann::json *out, const std::string &source)
{
    const std::string prefix = source.empty() ? std::string() : source + ": ";
    if (jsonNestingDepth(text) > kMaxJsonDepth)
        return prefix + "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
    try {
        *out = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error &e) {
        // "[json.exception.parse_error.101] parse error at line 2, column 21: reason"
        std::string reason = e.what();
        if (const auto p = reason.find("parse error"); p != std::string::npos)
            reason = reason.substr(p + std::string("parse error").size());
        while (!reason.empty() && reason.front() == ' ')
            reason.erase(reason.begin());
        if (reason.rfind("at ", 0) == 0)
            reason = reason.substr(3);
        return prefix + "malformed JSON at " + reason;
    } catch (const nlohmann::json::exception &e) {
        // e.g. out_of_range 406, "number overflow parsing '1e400'"
        std::string reason = e.what();
        if (const auto p = reason.find("] "); p != std::string::npos)
            reason = reason.substr(p + 2);
        return prefix + "malformed JSON: " + reason;
    }
    return {};
}

std::string printable(const std::string &text, std::size_t maxChars)
{
    const bool cut = text.size() > maxChars;
    // dump() escapes control characters; invalid UTF-8 is replaced rather than thrown on.
    std::string s = nlohmann::json(cut ? text.substr(0, maxChars) : text)
                        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    s = s.substr(1, s.size() - 2); // without the quotes
    return cut ? s + "..." : s;
}

} // namespace dmftlab::io
