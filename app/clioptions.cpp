#include "clioptions.h"

#include "clicommon.h"
#include "engine/registry.h"
#include "figures.h"

#include <QCommandLineParser>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace dmftlab::cli
{

namespace
{

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

/// "--name" (or "-n" for a one-letter name) as the user typed it.
std::string dashed(const QString &name)
{
    return (name.size() == 1 ? "-" : "--") + name.toStdString();
}

/// The parser's own message, in the CLI's words where it has them.
std::string parserError(const QCommandLineParser &parser)
{
    if (!parser.unknownOptionNames().isEmpty())
        return "unknown option '" + dashed(parser.unknownOptionNames().first())
            + "' (see dmftlab-cli --help)";
    const QString text = parser.errorText(); // "Missing value after '--preset'."
    const int open = text.indexOf('\''), close = text.lastIndexOf('\'');
    if (text.startsWith("Missing value") && open >= 0 && close > open)
        return "option " + text.mid(open + 1, close - open - 1).toStdString() + " needs a value";
    return text.toStdString();
}

/// The 16:9 names --plot-size accepts besides WxH (figures::slideSizes()).
bool namedPlotSize(const std::string &name, int *w, int *h)
{
    const std::vector<QSize> sizes = figures::slideSizes(); // 1280x720, 1920x1080
    const QSize size = name == "slide" ? sizes.back() : name == "slide-small" ? sizes.front() : QSize();
    *w = size.width();
    *h = size.height();
    return size.isValid();
}

} // namespace

std::string setFigureOption(const std::string &name, const std::string &value, FigureOptions *o)
{
    if (name == "plots") {
        const auto formats = splitList(value);
        if (formats.empty())
            return "option --plots needs at least one format (png, pdf, svg)";
        for (const auto &f : formats) {
            if (f != "png" && f != "pdf" && f != "svg")
                return "unknown plot format '" + f + "' (known: png, pdf, svg)";
            if (std::find(o->plotFormats.begin(), o->plotFormats.end(), f) == o->plotFormats.end())
                o->plotFormats.push_back(f);
        }
    } else if (name == "plot-size") {
        int w = 0, h = 0;
        char tail = 0;
        if (!namedPlotSize(value, &w, &h)
            && (std::sscanf(value.c_str(), "%dx%d%c", &w, &h, &tail) != 2 || w < 50 || h < 50 || w > 10000
                || h > 10000))
            return "--plot-size expects WIDTHxHEIGHT in pixels (50..10000), slide (1920x1080) or slide-small "
                   "(1280x720), got '"
                + value + "'";
        o->plotWidth = w;
        o->plotHeight = h;
    } else if (name == "plot-scale") {
        char *end = nullptr;
        const double scale = std::strtod(value.c_str(), &end);
        if (end == value.c_str() || *end != '\0' || !(scale >= 0.1 && scale <= 10.0))
            return "--plot-scale expects a number between 0.1 and 10, got '" + value + "'";
        o->plotScale = scale;
    } else if (name == "palette") {
        figures::Palette known;
        if (!figures::paletteFromName(q(value), &known))
            return "unknown palette '" + value
                + "' (known: " + figures::paletteNames().join(", ").toStdString() + ")";
        o->palette = q(value).trimmed().toLower().toStdString();
    } else {
        return "unknown figure option '" + name + "'";
    }
    return {};
}

std::string parseRunOptions(const std::vector<std::string> &args, RunOptions *o, bool *help)
{
    const QCommandLineOption helpOption(QStringList { "h", "help" });
    const QCommandLineOption preset("preset", {}, "NAME"), config("config", {}, "FILE"),
        set("set", {}, "KEY=VALUE");
    const QCommandLineOption engine(QStringList { "engine", "engines" }, {}, "LIST"),
        out(QStringList { "o", "out" }, {}, "DIR");
    const QCommandLineOption plots("plots", {}, "LIST"), plotSize("plot-size", {}, "WxH"),
        plotScale("plot-scale", {}, "S"), slide("slide"), quiet(QStringList { "q", "quiet" });
    const QCommandLineOption logX("log-x"), logY("log-y"), palette("palette", {}, "NAME"), stamp("stamp");
    QCommandLineParser parser;
    parser.addOptions({ helpOption, preset, config, set, engine, out, plots, plotSize, plotScale, slide,
        quiet, logX, logY, palette, stamp });
    QStringList argv { "dmftlab-cli run" };
    for (const auto &a : args)
        argv << q(a);
    const bool parsed = parser.parse(argv);
    if (parser.isSet(helpOption)) {
        *help = true;
        return {};
    }
    if (!parsed)
        return parserError(parser);
    if (!parser.positionalArguments().isEmpty())
        return "unexpected argument '" + parser.positionalArguments().first().toStdString()
            + "' (see dmftlab-cli --help)";
    for (const QCommandLineOption *once : { &preset, &config, &out, &plots, &palette })
        if (parser.values(*once).size() > 1)
            return "option " + dashed(once->names().last()) + " given twice";

    if (parser.isSet(preset))
        o->preset = parser.value(preset).toStdString();
    if (parser.isSet(config))
        o->configFile = parser.value(config).toStdString();
    o->out = parser.value(out).toStdString();
    for (const QString &s : parser.values(set))
        o->sets.push_back(s.toStdString());
    for (const QString &value : parser.values(engine)) {
        const auto list = splitList(value.toStdString());
        if (list.empty())
            return "option --engine needs at least one engine (" + engineNameList() + ")";
        for (const auto &e : list) {
            if (!isKnownEngine(e))
                return "unknown engine '" + e + "' (known: " + engineNameList() + ")";
            for (const auto &seen : o->engines)
                if (seen == e)
                    return "engine '" + e + "' given twice";
            o->engines.push_back(e);
        }
    }
    for (const QCommandLineOption *valued : { &plots, &plotSize, &plotScale, &palette })
        for (const QString &v : parser.values(*valued)) // plot size and scale: the last one counts
            if (auto err = setFigureOption(valued->names().first().toStdString(), v.toStdString(), o);
                !err.empty())
                return err;
    o->slide = parser.isSet(slide);
    o->quiet = parser.isSet(quiet);
    o->logX = parser.isSet(logX);
    o->logY = parser.isSet(logY);
    o->stamp = parser.isSet(stamp);

    if (!parser.isSet(out))
        return "missing --out DIR (the folder to write the results into)";
    if (o->engines.empty())
        return "missing --engine (one or more of " + engineNameList() + ", comma-separated)";
    if (!parser.isSet(preset) && !parser.isSet(config))
        return "give --preset NAME and/or --config FILE.json (see dmftlab-cli presets)";
    return {};
}

} // namespace dmftlab::cli
