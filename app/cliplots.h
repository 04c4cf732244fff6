// `dmftlab-cli run --plots`: the GUI's figures (ui/figures.h) drawn offscreen into the
// output folder — loss.EXT, overlaps.EXT and C_theta_<engine>.EXT in every format asked,
// each through a temporary file and a rename. A signal stops before the next figure.
#pragma once

#include "clioptions.h"
#include "observables/curves.h"

#include <functional>
#include <string>
#include <vector>

namespace dmftlab
{
struct RunConfig;
}

namespace dmftlab::cli
{

/// Runs `draw` inside a QApplication (offscreen when there is no display; Qt's own chatter
/// filtered from stderr) and returns what it returns (empty on success).
std::string withOffscreenQt(const std::function<std::string()> &draw);

/// Starts Qt (offscreen when there is no display) and writes the figures of `curves` in
/// the options' size, palette and axes; `config` gives the stamp and the epoch axis.
/// Empty on success; `files` gets the names written (also those before a failure).
std::string writeFigures(const RunOptions &options, const RunConfig &config,
    const std::vector<const Curves *> &curves, std::vector<std::string> *files);

} // namespace dmftlab::cli
