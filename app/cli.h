// dmftlab-cli: headless runs of every engine from a preset, a JSON config and --set
// overrides, writing CSV/JSON data (core/io) and, with --plots, the same figures the GUI
// draws (ui/figures.h). `dmftlab-cli --help` is the reference; README.md summarises it.
//
// Exit codes: 0 done, 1 an output file could not be written after the run began,
// 2 bad input (nothing written), 3 an engine diverged, 4 a DMFT run hit
// dmft.max_iterations without converging, 5 internal error (an engine threw: a bug),
// 130 cancelled (SIGINT/SIGTERM).
#pragma once

#include <string>

namespace dmftlab
{

namespace cli
{
constexpr int kExitOk = 0;
constexpr int kExitWriteFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitDiverged = 3;
constexpr int kExitNotConverged = 4;
constexpr int kExitInternalError = 5;
constexpr int kExitCancelled = 130;

/// The full --help text (config keys generated from configToJson(RunConfig{})).
std::string helpText();
/// What `dmftlab-cli presets` prints.
std::string presetsText();
} // namespace cli

/// Entry point of the dmftlab-cli binary; returns the process exit code.
int runCli(int argc, char **argv);

} // namespace dmftlab
