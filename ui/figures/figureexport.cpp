// Writing a figure to PNG, PDF or SVG at a chosen size.
#include "figures.h"

#include "figurelayout.h"

#include <QFileInfo>
#include <QSvgGenerator>
#include <qcustomplot.h>

namespace dmftlab::figures
{

// ---- export -------------------------------------------------------------------------

bool exportPlot(QCustomPlot *plot, const QString &path, int width, int height, double scale, QString *error)
{
    auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (!plot)
        return fail("no plot to export");
    if (width <= 0)
        width = plot->width();
    if (height <= 0)
        height = plot->height();
    if (width <= 0 || height <= 0 || width > 20000 || height > 20000)
        return fail(QString("invalid export size %1 x %2").arg(width).arg(height));
    if (!(scale > 0.0) || scale > 10.0)
        return fail(QString("invalid export scale %1 (allowed: (0, 10])").arg(scale));
    const QFileInfo info(path);
    if (!info.absoluteDir().exists())
        return fail("cannot write " + path + ": folder does not exist");
    const QString suffix = info.suffix().toLower();
    // Lay out at the export size first (square heatmaps depend on it).
    plot->setViewport(QRect(0, 0, width, height));
    applySquareAspect(plot);
    bool ok = false;
    if (suffix == "png") {
        ok = plot->savePng(path, width, height, scale);
    } else if (suffix == "pdf") {
        ok = plot->savePdf(path, width, height);
    } else if (suffix == "svg") {
        QSvgGenerator generator;
        generator.setFileName(path);
        generator.setSize(QSize(width, height));
        generator.setViewBox(QRect(0, 0, width, height));
        generator.setResolution(plot->logicalDpiX());
        generator.setTitle("DMFT Lab figure");
        QCPPainter painter;
        if (painter.begin(&generator)) {
            plot->toPainter(&painter, width, height);
            ok = painter.end();
        }
    } else {
        return fail("unknown figure format '" + suffix + "' in " + path + " (use .png, .pdf or .svg)");
    }
    if (!ok || !QFileInfo(path).exists() || QFileInfo(path).size() == 0)
        return fail("could not write " + path);
    return true;
}

} // namespace dmftlab::figures
