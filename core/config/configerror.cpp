#include "config/configerror.h"

namespace dmftlab
{

std::string keyMessage(const std::vector<std::string> &keys, const std::string &pattern)
{
    std::string out;
    out.reserve(pattern.size() + 32);
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const bool placeholder = pattern[i] == '{' && i + 2 < pattern.size() && pattern[i + 1] >= '0'
            && pattern[i + 1] <= '9' && pattern[i + 2] == '}';
        const std::size_t index = placeholder ? static_cast<std::size_t>(pattern[i + 1] - '0') : 0;
        if (placeholder && index < keys.size()) {
            out += keys[index];
            i += 2;
        } else {
            out += pattern[i];
        }
    }
    return out;
}

ConfigError configError(std::vector<std::string> keys, const std::string &pattern)
{
    std::string message = keyMessage(keys, pattern);
    return ConfigError { std::move(keys), std::move(message) };
}

} // namespace dmftlab
