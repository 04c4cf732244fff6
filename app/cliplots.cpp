#include "cliplots.h"

#include "clisignals.h"
#include "config/config.h"
#include "figures.h"
#include "io/files.h"

#include <QApplication>
#include <qcustomplot.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>

namespace dmftlab::cli
{

namespace
{

std::string writePlots(const RunOptions &o, const RunConfig &config,
    const std::vector<const Curves *> &curves, std::vector<std::string> *files)
{
    figures::Style style = figureStyle(o);
    if (o.stamp)
        style.stamp = figures::parameterStamp(config, o.engines);
    style.timePerEpoch = figures::timePerEpoch(config); // an epoch axis on top, as in the window
    figures::LossOptions loss;
    loss.logX = o.logX;
    loss.logY = o.logY;
    figures::OverlapOptions overlaps;
    overlaps.logX = o.logX; // overlaps change sign (M), so --log-y is for the loss only
    std::vector<Figure> list;
    list.push_back({ "loss", [&](QCustomPlot *p) { figures::plotLoss(p, curves, style, loss); } });
    list.push_back(
        { "overlaps", [&](QCustomPlot *p) { figures::plotOverlaps(p, curves, style, overlaps); } });
    for (const Curves *c : curves)
        if (!c->Ctheta.empty())
            list.push_back({ "C_theta_" + c->engine,
                [c, &style](QCustomPlot *p) { figures::plotKernel(p, *c, style); } });
    return writeFigureFiles(list, o, o.out, true, files);
}

// Qt's own chatter (e.g. "QStandardPaths: XDG_RUNTIME_DIR not set" on headless
// machines) is not an error of the run; everything else is passed on, prefixed.
void qtMessages(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    if (type == QtDebugMsg || type == QtInfoMsg || message.startsWith("QStandardPaths:"))
        return;
    std::fprintf(stderr, "dmftlab-cli: qt: %s\n", message.toLocal8Bit().constData());
}

void ensureQtPlatform()
{
    const char *display = std::getenv("DISPLAY");
    const char *wayland = std::getenv("WAYLAND_DISPLAY");
    const char *platform = std::getenv("QT_QPA_PLATFORM");
    const bool noDisplay = (!display || !*display) && (!wayland || !*wayland);
    if (noDisplay && (!platform || !*platform))
        ::setenv("QT_QPA_PLATFORM", "offscreen", 1);
}

} // namespace

figures::Style figureStyle(const FigureOptions &o)
{
    figures::Style style;
    style.slide = o.slide;
    style.canvas = QSize(o.plotWidth, o.plotHeight); // text keeps its share of the picture
    figures::paletteFromName(QString::fromStdString(o.palette), &style.palette); // checked by the parser
    return style;
}

std::string writeFigureFiles(const std::vector<Figure> &list, const FigureOptions &o, const std::string &out,
    bool stopOnSignal, std::vector<std::string> *files)
{
    for (const auto &fig : list) {
        if (stopOnSignal && cancelFlag().load())
            return {}; // honour a signal: no further figures (the run ends "cancelled")
        QCustomPlot plot;
        plot.resize(o.plotWidth, o.plotHeight);
        fig.draw(&plot);
        for (const auto &format : o.plotFormats) {
            const std::string name = fig.name + "." + format;
            const std::string path = (std::filesystem::path(out) / name).string();
            const std::string tmp = io::temporaryPathFor(path);
            QString error;
            if (!figures::exportPlot(
                    &plot, QString::fromStdString(tmp), o.plotWidth, o.plotHeight, o.plotScale, &error)) {
                std::remove(tmp.c_str());
                return "cannot write " + path + ": " + error.toStdString();
            }
            if (auto err = io::commitFile(tmp, path); !err.empty())
                return err;
            files->push_back(name);
        }
    }
    return {};
}

std::string withOffscreenQt(const std::function<std::string()> &draw)
{
    ensureQtPlatform();
    static int qtArgc = 1;
    static char qtName[] = "dmftlab-cli";
    static char *qtArgv[] = { qtName, nullptr };
    qInstallMessageHandler(qtMessages);
    QApplication app(qtArgc, qtArgv);
    return draw();
}

std::string writeFigures(const RunOptions &options, const RunConfig &config,
    const std::vector<const Curves *> &curves, std::vector<std::string> *files)
{
    return withOffscreenQt([&] { return writePlots(options, config, curves, files); });
}

} // namespace dmftlab::cli
