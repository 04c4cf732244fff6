#include "exportservice.h"

#include "io/curvesjson.h"
#include "io/files.h"
#include "plotpanel.h"

#include <QDir>

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
        drawers.push_back([panel](QCustomPlot *plot, const figures::Style &style) { panel->draw(plot, style); });
    QString error;
    if (!figures::exportSlide(drawers, path, settings.width, settings.height, settings.scale, settings.style(), &error))
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
    json summary;
    summary["preset"] = config.preset;
    summary["engines"] = json::object();
    for (const auto &r : results) {
        json s = { { "status", toString(r.status) }, { "message", r.message.toStdString() },
            { "wall_seconds", r.wallSeconds }, { "valid_points", r.curves ? r.curves->validPoints : 0 } };
        if (r.curves && !r.curves->residuals.empty()) {
            s["iterations"] = static_cast<int>(r.curves->residuals.size());
            s["final_residual"] = r.curves->residuals.back();
        }
        summary["engines"][r.engine] = s;
        if (!r.curves)
            continue;
        if (formats.contains("csv")) {
            const io::WriteResult w = io::writeCurvesFiles(*r.curves, base);
            for (const auto &f : w.files)
                add(f);
            if (!w.ok())
                return QString::fromStdString(w.error);
        }
        if (formats.contains("json")) {
            const std::string name = r.engine + "_curves.json";
            if (auto err = io::writeFileAtomic(base + "/" + name, io::jsonText(io::curvesToJson(*r.curves)));
                !err.empty())
                return QString::fromStdString(err);
            add(name);
        }
    }
    if (auto err = io::writeFileAtomic(base + "/summary.json", io::jsonText(summary)); !err.empty())
        return QString::fromStdString(err);
    add("summary.json");
    return {};
}

} // namespace dmftlab
