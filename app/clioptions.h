// The options of `dmftlab-cli run` (and the figure options `sweep` shares), parsed by QCommandLineParser
// (OPTION VALUE or OPTION=VALUE; --set and --engine repeatable) and checked here: unknown engines and plot
// formats and palettes, sizes out of range (or unknown size names), options given twice, missing
// --out/--engine/--preset.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace dmftlab::cli
{

/// The figure options `run` and `sweep` share: --plots, --plot-size, --plot-scale,
/// --slide, --palette, --stamp (setFigureOption reads the valued ones for both).
struct FigureOptions {
    std::vector<std::string> plotFormats; ///< png, pdf, svg (each once, in the order given)
    int plotWidth = 900, plotHeight = 600;
    double plotScale = 1.0;
    bool slide = false;
    std::string palette = "okabe-ito"; ///< a name of figures::paletteNames()
    bool stamp = false; ///< parameter stamp in a corner of every figure
};

/// Reads the value of figure option `name` ("plots", "plot-size", "plot-scale" or
/// "palette", without dashes) into `o`: formats are added (each once), the others set.
/// Empty on success, else the one-line reason naming the option.
std::string setFigureOption(const std::string &name, const std::string &value, FigureOptions *o);

struct RunOptions : FigureOptions {
    std::optional<std::string> preset; ///< given, even as "" (an error)
    std::optional<std::string> configFile;
    std::vector<std::string> sets; ///< --set key=value, in order
    std::vector<std::string> engines; ///< registry names, in run order
    std::string out;
    bool logX = false, logY = false; ///< time axes / loss axis logarithmic
    bool quiet = false;
};

/// Parses `run`'s arguments. Empty on success, else a one-line reason; `help` is set
/// (and nothing else checked) when --help/-h is among them.
std::string parseRunOptions(const std::vector<std::string> &args, RunOptions *options, bool *help);

} // namespace dmftlab::cli
