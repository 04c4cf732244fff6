// Small helpers shared by the dmftlab-cli subcommands: the one error line, number and
// list formatting, word wrapping for the help texts.
#pragma once

#include "cli.h"
#include "config/config.h"

#include <string>
#include <vector>

namespace dmftlab::cli
{

/// Prints "dmftlab-cli: error: MESSAGE" to stderr and returns `code`.
int fail(const std::string &message, int code = kExitBadInput);
/// `x` with `precision` significant digits; "nan" for NaN.
std::string num(double x, int precision = 6);
/// "a,b,,c" → {a, b, c}.
std::vector<std::string> splitList(const std::string &s);
/// Word-wraps `text` to `width` columns, indenting continuation lines by `indent`.
std::string wrap(const std::string &text, std::size_t width, std::size_t indent, std::size_t firstColumn = 0);

} // namespace dmftlab::cli
