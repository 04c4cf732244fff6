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

/// Colour names the quantity (train loss, Q₁₂, ...); so does the marker shape, a second
/// cue for readers who cannot tell the colours apart.
QColor quantityColor(const Style &style, int index);
QCPScatterStyle::ScatterShape quantityMarker(int index);

/// Font sizes (points), pen width and marker size (pixels) of a style, and the factor
/// by which they are scaled for its canvas (other pixel sizes use it too).
struct Metrics {
    double font, titleFont, pen, marker, scale;
};
Metrics metricsFor(const Style &style);
double canvasScale(const Style &style);

QFont font(double pointSize, bool bold = false);
/// "12" -> "₁₂" (Unicode subscript digits).
QString subscript(int i);
/// Simulations: the engine is the marker's fill (SGF open, SGD filled, online tinted).
QBrush markerFill(const std::string &engine, const QColor &color);
/// Theories: one dash pattern per engine.
Qt::PenStyle lineOf(const std::string &engine);

void styleAxis(QCPAxis *axis, const Style &style, const QString &label);
void setLogScale(QCPAxis *axis, bool log);

/// Sequential map for non-negative kernels (viridis) and diverging map for signed ones.
QCPColorGradient sequentialGradient();
QCPColorGradient divergingGradient();

} // namespace dmftlab::figures
