// Bad input to the module (a config key, type or value, an engine list): raised in
// Python as dmftlab.ConfigError, a ValueError whose message names the key, with the keys
// at fault in its `keys` attribute and every problem found in `errors`.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace dmftlab::python
{

class InputError : public std::runtime_error
{
public:
    struct Problem {
        std::vector<std::string> keys;
        std::string message;
    };

    /// One problem; `key` empty when none is at fault (an engine list, a preset name).
    explicit InputError(const std::string &message, const std::string &key = {})
        : std::runtime_error(message)
    {
        m_problems.push_back(
            { key.empty() ? std::vector<std::string> {} : std::vector<std::string> { key }, message });
    }
    /// Several problems; what() is the first one's message.
    explicit InputError(std::vector<Problem> problems)
        : std::runtime_error(problems.empty() ? std::string("invalid input") : problems.front().message)
        , m_problems(std::move(problems))
    {
    }

    const std::vector<Problem> &problems() const { return m_problems; }

private:
    std::vector<Problem> m_problems;
};

} // namespace dmftlab::python
