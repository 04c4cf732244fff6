// `dmftlab-cli run --plots` and `sweep --plots`: the GUI's figures (ui/figures.h) drawn
// offscreen into the output folder in the figure options' size, palette and format —
// for a run loss.EXT, overlaps.EXT and C_theta_<engine>.EXT, each through a temporary
// file and a rename. A signal stops a run's figures before the next one.
#pragma once

#include "clioptions.h"
#include "figures.h"
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

/// A figure the CLI writes: its file stem ("loss", "phase_final_test_loss") and how to draw it.
struct Figure {
    std::string name;
    std::function<void(QCustomPlot *)> draw;
};

/// The figures' style for the options: slide, canvas (the plot size, so text keeps its
/// share of the picture) and palette. The stamp is the caller's (it names what was run).
figures::Style figureStyle(const FigureOptions &o);

/// Draws each figure at the options' plot size and writes it in every format of
/// o.plotFormats into `out`, each through a temporary file and a rename. With
/// stopOnSignal a signal stops before the next figure. Empty on success; `files` gets the
/// names written (also those before a failure).
std::string writeFigureFiles(const std::vector<Figure> &list, const FigureOptions &o, const std::string &out,
    bool stopOnSignal, std::vector<std::string> *files);

/// Runs `draw` inside a QApplication (offscreen when there is no display; Qt's own chatter
/// filtered from stderr) and returns what it returns (empty on success).
std::string withOffscreenQt(const std::function<std::string()> &draw);

/// Starts Qt (offscreen when there is no display) and writes the figures of `curves` in
/// the options' size, palette and axes; `config` gives the stamp and the epoch axis.
/// Empty on success; `files` gets the names written (also those before a failure).
std::string writeFigures(const RunOptions &options, const RunConfig &config,
    const std::vector<const Curves *> &curves, std::vector<std::string> *files);

} // namespace dmftlab::cli
