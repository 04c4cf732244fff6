// `dmftlab-cli sweep`: a family (one --vary) or a phase diagram (two --vary) of one
// preset, every point run through the same engines as `dmftlab-cli run` and reduced to
// scalars (core/sweep). Writes DIR/sweep.csv (tidy, one row per finished point),
// DIR/points/<id>/ (the files `run` writes for that configuration, plus point.json),
// DIR/config.json (the sweep spec and the base configuration) and, with --plots, the
// family / phase-diagram figures. Rerunning with the same --out resumes: finished points
// are read back, not recomputed. A cancel (Ctrl-C) finishes no half point: sweep.csv
// always lists exactly the points whose files are complete.
#pragma once

#include <string>
#include <vector>

namespace dmftlab
{

/// The `sweep` subcommand (arguments after the word "sweep"); returns the exit code.
int runSweepCommand(const std::vector<std::string> &args);
/// Its --help text.
std::string sweepHelpText();

} // namespace dmftlab
