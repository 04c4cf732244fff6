// Writing a figure to PNG, PDF or SVG at a chosen size.
#include "figures.h"

#include "figurelayout.h"

#include <QFileInfo>
#include <QPageSize>
#include <QPdfWriter>
#include <QSvgGenerator>
#include <qcustomplot.h>

#include <cmath>
#include <memory>

namespace dmftlab::figures
{

// ---- export -------------------------------------------------------------------------

namespace
{

/// Common checks of an export request; empty when fine.
QString checkRequest(const QString &path, int width, int height, double scale)
{
    if (width <= 0 || height <= 0 || width > 20000 || height > 20000)
        return QString("invalid export size %1 x %2").arg(width).arg(height);
    if (!(scale > 0.0) || scale > 10.0)
        return QString("invalid export scale %1 (allowed: (0, 10])").arg(scale);
    const QFileInfo info(path);
    if (!info.absoluteDir().exists())
        return "cannot write " + path + ": folder does not exist";
    const QString suffix = info.suffix().toLower();
    if (suffix != "png" && suffix != "pdf" && suffix != "svg")
        return "unknown figure format '" + suffix + "' in " + path + " (use .png, .pdf or .svg)";
    return {};
}

/// Columns × rows for n panels on a 16:9 page.
QSize slideGrid(int n)
{
    if (n <= 3)
        return QSize(std::max(n, 1), 1);
    return QSize((n + 1) / 2, 2);
}

} // namespace

std::vector<QSize> slideSizes()
{
    return { QSize(1280, 720), QSize(1920, 1080) };
}

bool exportSlide(const std::vector<PanelDrawer> &panels, const QString &path, int width, int height,
    double scale, const Style &style, QString *error)
{
    auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        return false;
    };
    if (panels.empty())
        return fail("no panels chosen for the slide");
    if (const QString err = checkRequest(path, width, height, scale); !err.isEmpty())
        return fail(err);
    const QSize grid = slideGrid(static_cast<int>(panels.size()));
    const int cellW = width / grid.width(), cellH = height / grid.height();
    // Each panel in its own plot at its cell's size (layout, legends, square maps).
    std::vector<std::unique_ptr<QCustomPlot>> plots;
    for (const PanelDrawer &draw : panels) {
        auto plot = std::make_unique<QCustomPlot>();
        plot->resize(cellW, cellH);
        Style cell = style;
        cell.canvas = QSize(cellW, cellH);
        draw(plot.get(), cell);
        plot->setViewport(QRect(0, 0, cellW, cellH));
        applySquareAspect(plot.get());
        plots.push_back(std::move(plot));
    }
    auto paint = [&](QCPPainter *painter) {
        painter->fillRect(QRect(0, 0, width, height), Qt::white);
        for (std::size_t i = 0; i < plots.size(); ++i) {
            const int column = static_cast<int>(i) % grid.width(), row = static_cast<int>(i) / grid.width();
            // A short last row is centred.
            const int inRow = row == grid.height() - 1 ? static_cast<int>(plots.size()) - row * grid.width()
                                                       : grid.width();
            const int x0 = (width - inRow * cellW) / 2 + column * cellW;
            painter->save();
            painter->translate(x0, row * cellH);
            plots[i]->toPainter(painter, cellW, cellH);
            painter->restore();
        }
    };
    const QString suffix = QFileInfo(path).suffix().toLower();
    bool ok = false;
    if (suffix == "png") {
        QImage image(qRound(width * scale), qRound(height * scale), QImage::Format_ARGB32);
        image.fill(Qt::white);
        QCPPainter painter;
        if (painter.begin(&image)) {
            painter.setMode(QCPPainter::pmNoCaching);
            painter.scale(scale, scale);
            paint(&painter);
            painter.end();
            ok = image.save(path, "PNG");
        }
    } else if (suffix == "pdf") {
        // One page of width×height pixels at 96 dpi: fonts keep the proportions of the PNG.
        QPdfWriter writer(path);
        writer.setCreator("DMFT Lab");
        writer.setTitle("DMFT Lab slide");
        writer.setResolution(96);
        writer.setPageSize(QPageSize(QSizeF(width * 72.0 / 96.0, height * 72.0 / 96.0), QPageSize::Point));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        QCPPainter painter;
        if (painter.begin(&writer)) {
            painter.setMode(QCPPainter::pmVectorized);
            painter.setMode(QCPPainter::pmNoCaching);
            paint(&painter);
            ok = painter.end();
        }
    } else {
        QSvgGenerator generator;
        generator.setFileName(path);
        generator.setSize(QSize(width, height));
        generator.setViewBox(QRect(0, 0, width, height));
        generator.setResolution(96);
        generator.setTitle("DMFT Lab slide");
        QCPPainter painter;
        if (painter.begin(&generator)) {
            paint(&painter);
            ok = painter.end();
        }
    }
    if (!ok || !QFileInfo(path).exists() || QFileInfo(path).size() == 0)
        return fail("could not write " + path);
    return true;
}

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
