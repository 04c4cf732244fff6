// The one JSON reader of every input the program accepts (--config files, --set values,
// sessions, presets). nlohmann::json parses iteratively, but the parsed tree is copied,
// dumped and compared recursively, so a document nested 60 000 levels deep would
// overflow the stack later: the nesting depth is bounded before parsing.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace dmftlab::io
{

/// Deepest nesting of arrays and objects accepted (a config needs 3: section, matrix, row).
inline constexpr int kMaxJsonDepth = 64;

/// Nesting depth of `text` (arrays and objects, brackets inside strings ignored), stopping
/// early once it exceeds `limit`.
int jsonNestingDepth(const std::string &text, int limit = kMaxJsonDepth);

/// Parses `text` into `out`. Empty on success, else one line prefixed by `source` (a file
/// name; may be empty): "SOURCE: malformed JSON at line L, column C: reason" or
/// "SOURCE: JSON nested deeper than 64 levels".
std::string parseJson(const std::string &text, nlohmann::json *out, const std::string &source = {});

/// `text` on one line for an error message: control characters (a newline in a --set
/// value) escaped as in JSON, cut to `maxChars` with "...".
std::string printable(const std::string &text, std::size_t maxChars = 60);

} // namespace dmftlab::io
