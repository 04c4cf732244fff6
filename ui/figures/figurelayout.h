// Layout of every figure (internal to the figures library): a title row over a grid of
// axis rects, a legend that never covers data, square heatmap axes that survive resizes
// and exports, and line-wrapped messages (QCustomPlot's text elements do not wrap).
#pragma once

#include "figures.h"

#include <QRectF>
#include <vector>

class QCPAxisRect;
class QCPLayoutElement;
class QCPLayoutGrid;

namespace dmftlab::figures
{

/// The grid under the title and its axis rects (one per column).
struct Layout {
    QCPLayoutGrid *grid = nullptr;
    std::vector<QCPAxisRect *> rects;
};

/// Clears `plot` and lays out a title row above a grid holding `columns` axis rects.
/// plot->xAxis/yAxis and plot->legend point into the first rect afterwards.
Layout resetPlot(QCustomPlot *plot, const Style &style, const QString &title, int columns, bool legend);

/// Lays `plot` out now (what a replot does first), so element rects and axis-to-pixel
/// conversions are valid before drawing. Returns false when the plot has no usable size.
bool layoutNow(QCustomPlot *plot);

/// Keeps the marked axis rects of `plot` square (see keepSquare); called before each
/// replot and by the export before it draws.
void applySquareAspect(QCustomPlot *plot);
/// Marks `rect` as square: C(t, s) has the same quantity on both axes.
void keepSquare(QCustomPlot *plot, QCPAxisRect *rect);

/// Data points (means and band edges) of the graphs in `rect` that fall inside `area`.
int pointsInside(QCPAxisRect *rect, const QRectF &area);

/// Legends never cover data: a free corner of the axes, else beside or under them.
void placeLegend(QCustomPlot *plot, const Layout &layout, const Style &style);

/// Breaks a long message into lines of about `width` characters.
QString wrapped(const QString &text, int width = 60);

/// The style's parameter stamp as a small grey line at the bottom right of the figure
/// (a layout row of its own, so it never covers axes or data). Nothing when empty.
void addStamp(QCustomPlot *plot, const Style &style);

/// Aligns the top and bottom margins of `elements` (maps side by side, a map and its bar).
void alignMargins(QCustomPlot *plot, const std::vector<QCPLayoutElement *> &elements);

} // namespace dmftlab::figures
