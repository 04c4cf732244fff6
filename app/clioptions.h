// The options of `dmftlab-cli run`, parsed by QCommandLineParser (OPTION VALUE or
// OPTION=VALUE; --set and --engine repeatable) and checked here: unknown engines and
// plot formats and palettes, sizes out of range (or unknown size names), options given twice, missing
// --out/--engine/--preset.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace dmftlab::cli
{

struct RunOptions {
    std::optional<std::string> preset;     ///< given, even as "" (an error)
    std::optional<std::string> configFile;
    std::vector<std::string> sets;    ///< --set key=value, in order
    std::vector<std::string> engines; ///< registry names, in run order
    std::string out;
    std::vector<std::string> plotFormats;
    int plotWidth = 900, plotHeight = 600;
    double plotScale = 1.0;
    bool slide = false;
    bool logX = false, logY = false; ///< time axes / loss axis logarithmic
    std::string palette = "okabe-ito"; ///< a name of figures::paletteNames()
    bool stamp = false; ///< parameter stamp in a corner of every figure
    bool quiet = false;
};

/// Parses `run`'s arguments. Empty on success, else a one-line reason; `help` is set
/// (and nothing else checked) when --help/-h is among them.
std::string parseRunOptions(const std::vector<std::string> &args, RunOptions *options, bool *help);

} // namespace dmftlab::cli
