// Style of every figure (internal to the figures library): the quantity palette, font
// sizes, pen widths and marker sizes of a Style, how an engine is drawn (marker shape for
// simulations, dash pattern for theories) and the colour gradients of kernel heatmaps.
#pragma once

#include "figures.h"

#include <QColor>
#include <QFont>
#include <qcustomplot.h>

namespace dmftlab::figures
{

/// Quantity colours: colour names the quantity, style names the engine.
extern const QColor kPalette[];
extern const int kPaletteSize;

/// Font sizes (points), pen width and marker size (pixels) of a style.
struct Metrics {
    double font, titleFont, pen, marker;
};
Metrics metricsFor(const Style &style);

QFont font(double pointSize, bool bold = false);
/// "12" -> "₁₂" (Unicode subscript digits).
QString subscript(int i);
/// Simulations: one marker shape per engine.
QCPScatterStyle::ScatterShape markerOf(const std::string &engine);
/// Theories: one dash pattern per engine.
Qt::PenStyle lineOf(const std::string &engine);

void styleAxis(QCPAxis *axis, const Style &style, const QString &label);
void setLogScale(QCPAxis *axis, bool log);

/// Sequential map for non-negative kernels (viridis) and diverging map for signed ones.
QCPColorGradient sequentialGradient();
QCPColorGradient divergingGradient();

} // namespace dmftlab::figures
