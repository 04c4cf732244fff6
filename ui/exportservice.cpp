#include "exportservice.h"

#include "io/curvesjson.h"
#include "io/files.h"
#include "io/summary.h"
#include "plotpanel.h"

#include <QDir>

#include <algorithm>

namespace dmftlab
{

figures::Style FigureSettings::style() const
{
    figures::Style s;
    s.slide = slide;
    s.palette = palette;
    s.stamp = stamp;
    s.timePerEpoch = timePerEpoch;
    return s;
}

QString ExportService::exportSlide(
    const std::vector<const PlotPanel *> &panels, const QString &path, const FigureSettings &settings)
{
    std::vector<figures::PanelDrawer> drawers;
    for (const PlotPanel *panel : panels)
        drawers.push_back(
            [panel](QCustomPlot *plot, const figures::Style &style) { panel->draw(plot, style); });
    QString error;
    if (!figures::exportSlide(
            drawers, path, settings.width, settings.height, settings.scale, settings.style(), &error))
        return error;
    return {};
}

QString ExportService::exportFigure(const PlotPanel &panel, const QString &path, const FigureSettings &s)
{
    QString error;
    if (!panel.exportTo(path, s.width, s.height, s.scale, s.style(), &error))
        return error.isEmpty() ? "could not write " + path : error;
    return {};
}

QString ExportService::exportAllFigures(const std::vector<const PlotPanel *> &panels, const QString &dir,
    const QStringList &formats, const FigureSettings &settings, QStringList *written)
{
    if (const std::string err = io::createOutputDirectory(dir.toStdString()); !err.empty())
        return QString::fromStdString(err);
    for (const QString &format : formats) {
        if (!figureFormats().contains(format))
            return "unknown figure format '" + format + "' (use png, pdf or svg)";
        for (const PlotPanel *panel : panels) {
            const QString path = QDir(dir).filePath(panel->fileStem() + "." + format);
            if (QString err = exportFigure(*panel, path, settings); !err.isEmpty())
                return err;
            if (written)
                written->append(path);
        }
    }
    return {};
}

QString ExportService::exportData(const RunConfig &config,
    const std::vector<RunController::EngineState> &results, const QString &dir, const QStringList &formats,
    QStringList *written)
{
    for (const QString &format : formats)
        if (!dataFormats().contains(format))
            return "unknown data format '" + format + "' (use csv or json)";
    if (const std::string err = io::createOutputDirectory(dir.toStdString()); !err.empty())
        return QString::fromStdString(err);
    const std::string base = QDir(dir).absolutePath().toStdString();
    auto add = [&](const std::string &name) {
        if (written)
            written->append(QString::fromStdString(base + "/" + name));
    };
    if (auto err = io::writeFileAtomic(base + "/config.json", io::jsonText(configToJson(config, true)));
        !err.empty())
        return QString::fromStdString(err);
    add("config.json");
    // The same summary.json as the CLI's (core/io/summary.h). The engines ran side by side:
    // the run's wall time is the longest engine's.
    std::vector<std::string> engines;
    for (const auto &r : results)
        engines.push_back(r.engine);
    io::RunSummary summary(config, engines, base);
    double wall = 0.0;
    QString error;
    for (const auto &r : results) {
        wall = std::max(wall, r.wallSeconds);
        if (r.status != Status::Running) // exported while it still runs: its entry says "running"
            summary.record(io::runStatusFor(r.status));
        io::EngineOutcome outcome { r.engine, r.status, r.message.toStdString(), r.wallSeconds,
            r.curves.get(), r.extra, {} };
        if (r.curves && error.isEmpty() && formats.contains("csv")) {
            const io::WriteResult w = io::writeCurvesFiles(*r.curves, base);
            outcome.files = w.files;
            if (!w.ok())
                error = QString::fromStdString(w.error);
        }
        if (r.curves && error.isEmpty() && formats.contains("json")) {
            const std::string name = r.engine + "_curves.json";
            if (auto err = io::writeFileAtomic(base + "/" + name, io::jsonText(io::curvesToJson(*r.curves)));
                !err.empty())
                error = QString::fromStdString(err);
            else
                outcome.files.push_back(name);
        }
        for (const auto &f : outcome.files)
            add(f);
        summary.setEngine(outcome);
    }
    summary.setWallSeconds(wall);
    if (!error.isEmpty())
        summary.record(io::RunStatus::WriteFailed);
    // Written even after a failure, so that it lists exactly what the folder holds.
    if (auto err = summary.finish(); !err.empty())
        return error.isEmpty() ? QString::fromStdString(err) : error;
    if (!error.isEmpty())
        return error;
    add("summary.json");
    return {};
}

} // namespace dmftlab
