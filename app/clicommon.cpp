#include "clicommon.h"

#include <cmath>
#include <cstdio>
#include <sstream>

namespace dmftlab::cli
{

int fail(const std::string &message, int code)
{
    std::fprintf(stderr, "dmftlab-cli: error: %s\n", message.c_str());
    return code;
}

std::string num(double x, int precision)
{
    if (std::isnan(x))
        return "nan";
    std::ostringstream os;
    os.precision(precision);
    os << x;
    return os.str();
}

std::vector<std::string> splitList(const std::string &s)
{
    std::vector<std::string> out;
    std::string item;
    std::istringstream in(s);
    while (std::getline(in, item, ','))
        if (!item.empty())
            out.push_back(item);
    return out;
}

std::string wrap(const std::string &text, std::size_t width, std::size_t indent, std::size_t firstColumn)
{
    std::string out, word;
    std::size_t column = firstColumn;
    std::istringstream in(text);
    bool first = true;
    while (in >> word) {
        if (!first && column + 1 + word.size() > width) {
            out += "\n" + std::string(indent, ' ');
            column = indent;
        } else if (!first) {
            out += ' ';
            ++column;
        }
        out += word;
        column += word.size();
        first = false;
    }
    return out;
}

} // namespace dmftlab::cli
