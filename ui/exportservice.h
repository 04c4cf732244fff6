// One export entry point keyed by format (LabPlot's exportToFile idea):
//   png, pdf, svg  — a panel's figure (PNG at width×height×scale pixels), in the screen
//                    or the slide style;
//   csv, json      — the run's data in the CLI's formats (core/io): config.json
//                    (resolved), <engine>_curves.csv and kernel CSVs, <engine>_curves.json,
//                    summary.json.
// Failures come back as one-line messages; data files are written atomically.
#pragma once

#include "figures.h"
#include "runcontroller.h"

#include <QString>
#include <QStringList>
#include <vector>

namespace dmftlab
{

class PlotPanel;

struct FigureSettings {
    int width = 1200;
    int height = 800;
    double scale = 1.0;
    bool slide = false;
    figures::Palette palette = figures::Palette::OkabeIto;
    QString stamp; ///< parameter stamp drawn in a corner (empty: none)
    double timePerEpoch = 0.0; ///< > 0: an epoch axis over the time axis

    figures::Style style() const;
};

class ExportService
{
public:
    static QStringList figureFormats() { return { "png", "pdf", "svg" }; }
    static QStringList dataFormats() { return { "csv", "json" }; }

    /// A panel's figure to `path` (format from the suffix). Empty on success.
    static QString exportFigure(const PlotPanel &panel, const QString &path, const FigureSettings &settings);
    /// Every panel in every figure format of `formats` into `dir` as <stem>.<format>.
    static QString exportAllFigures(const std::vector<const PlotPanel *> &panels, const QString &dir,
        const QStringList &formats, const FigureSettings &settings, QStringList *written);
    /// The chosen panels side by side on one page (a 16:9 slide at 1280×720 or 1920×1080).
    static QString exportSlide(
        const std::vector<const PlotPanel *> &panels, const QString &path, const FigureSettings &settings);
    /// The run's data in `formats` (csv and/or json) into `dir`.
    static QString exportData(const RunConfig &config, const std::vector<RunController::EngineState> &results,
        const QString &dir, const QStringList &formats, QStringList *written);
};

} // namespace dmftlab
