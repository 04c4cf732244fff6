// Bad input to the module (a config key, type or value, an engine list): raised in
// Python as dmftlab.ConfigError, a ValueError whose message names the key.
#pragma once

#include <stdexcept>

namespace dmftlab::python
{

class ConfigError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

} // namespace dmftlab::python
