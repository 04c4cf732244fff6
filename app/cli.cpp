// dmftlab-cli's dispatcher: --help, --version and a table of subcommands, each in its own
// file (app/clirun.cpp, ...; declared in app/clicommands.h).
#include "cli.h"

#include "clicommands.h"
#include "clicommon.h"
#include "sweepcommand.h"
#include "version.h"

#include <cstdio>

namespace dmftlab
{

namespace
{

struct Subcommand {
    const char *name;
    int (*run)(const std::vector<std::string> &args);
};

const std::vector<Subcommand> &subcommands()
{
    static const std::vector<Subcommand> table = {
        { "run", &cli::runCommand },
        { "presets", &cli::presetsCommand },
        { "sweep", &runSweepCommand },
    };
    return table;
}

std::string commandList()
{
    std::string out;
    for (const auto &c : subcommands())
        out += (out.empty() ? "" : ", ") + std::string(c.name);
    return out;
}

} // namespace

int runCli(int argc, char **argv)
{
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty()) {
        std::string usage;
        for (const auto &c : subcommands())
            usage += std::string(c.name) + "|";
        std::fprintf(
            stderr, "usage: dmftlab-cli %s--help|--version (see dmftlab-cli --help)\n", usage.c_str());
        return cli::kExitBadInput;
    }
    const std::string command = args[0];
    args.erase(args.begin());
    if (command == "--help" || command == "-h" || command == "help") {
        std::fputs(cli::helpText().c_str(), stdout);
        return cli::kExitOk;
    }
    if (command == "--version" || command == "version") {
        std::printf("dmftlab-cli %s\n", kProgramVersion);
        return cli::kExitOk;
    }
    for (const auto &c : subcommands())
        if (command == c.name)
            return c.run(args);
    const std::string hint = " (commands: " + commandList() + "; see dmftlab-cli --help)";
    if (command.rfind("-", 0) == 0)
        return cli::fail("unknown option '" + command + "'" + hint);
    return cli::fail("unknown command '" + command + "'" + hint);
}

} // namespace dmftlab
