// The subcommands of dmftlab-cli, each in its own file, dispatched by runCli (app/cli.cpp)
// through one table: adding one is a function here, its file, and a row in that table.
#pragma once

#include <string>
#include <vector>

namespace dmftlab::cli
{

/// `dmftlab-cli run ...` (app/clirun.cpp); returns the exit code.
int runCommand(const std::vector<std::string> &args);
/// `dmftlab-cli presets` (app/clihelp.cpp).
int presetsCommand(const std::vector<std::string> &args);

} // namespace dmftlab::cli
