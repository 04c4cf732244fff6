// Figures of a sweep (issue 11), shared by the GUI's family and phase-diagram panels and
// `dmftlab-cli sweep --plots`:
//  * a family's curves overlaid, coloured by the swept parameter on a sequential,
//    colour-blind-safe map (viridis) with a colour bar labelled with the parameter;
//  * the end-point panel: one scalar against the parameter with ±1 SE error bars;
//  * a phase diagram: the scalar as a heat map over the two parameters in data
//    coordinates (a log axis for log-spaced values, each cell reaching halfway to its
//    neighbours; string values by index), axes titled with the parameter's name, pending
//    cells transparent, optional contour lines at chosen levels.
//  * pinned runs: the live test loss with pinned references drawn faded.
// Only finished points (SweepPointResult::done()) are drawn.
#pragma once

#include "figures.h"
#include "sweep/sweeprunner.h"

#include <QColor>
#include <QPointF>
#include <vector>

class QCPAxisRect;
class QCPColorMap;
class QCPColorScale;
class QCPLayoutGrid;

namespace dmftlab::figures
{

/// What a family's overlaid curves show: a loss, or the overlaps M₁₁ (student unit 1 with
/// teacher unit 1) and Q₁₁ (student unit 1's squared norm).
enum class FamilyQuantity { TrainLoss, TestLoss, TestError, M11, Q11 };
/// "test loss", "M₁₁", ... (the curves' axis label and chooser text).
QString familyQuantityLabel(FamilyQuantity q);

/// Viridis at f in [0, 1].
QColor familyColor(double f);
/// The opacity of a family's curves in the main loss and overlap panels: faded, so the
/// live run drawn over them stands out.
constexpr int kFamilyAlpha = 150;
/// Position of axis value i on the colour map: by value (log for log spacing), by index
/// for a list of strings.
double familyPosition(const SweepAxis &axis, int i);

/// The family of a one-parameter sweep for the main loss and overlap panels: `engine`'s
/// curves of every finished point (sharing the results), the parameter's colour bar.
FamilyOverlay familyOverlay(
    const SweepPlan &plan, const std::vector<SweepPointResult> &results, const std::string &engine);
/// The family's colour bar (sequential map, titled with the parameter, a tick at each
/// value of a short family) in cell (row, column) of `grid`, aligned with `rect`.
QCPColorScale *addFamilyColorBar(QCustomPlot *plot, QCPLayoutGrid *grid, int row, int column,
    QCPAxisRect *rect, const FamilyOverlay &family, const Style &style);

void plotFamilyCurves(QCustomPlot *plot, const SweepPlan &plan, const std::vector<SweepPointResult> &results,
    const std::string &engine, FamilyQuantity quantity, const Style &style);
void plotFamilyScalar(QCustomPlot *plot, const SweepPlan &plan, const std::vector<SweepPointResult> &results,
    int scalar, const Style &style);
/// Returns the colour map (owned by the plot) so a panel can map the mouse to a cell.
QCPColorMap *plotPhaseDiagram(QCustomPlot *plot, const SweepPlan &plan,
    const std::vector<SweepPointResult> &results, int scalar, const Style &style,
    const std::vector<double> &contourLevels = {});

/// The cell (i, j) of the phase diagram drawn by plotPhaseDiagram (returning `map`) under
/// the pixel `pos` of its plot; false outside the grid.
bool phaseDiagramCell(const QCPColorMap *map, const SweepPlan &plan, const QPointF &pos, int *i, int *j);

/// A pinned run's curves with the pin's name (for the legend).
/// Test loss against t: the live engines solid, each pinned run's engines faded (lighter,
/// thinner, dashed) with a legend entry "name (engine)".
void plotPinnedLoss(QCustomPlot *plot, const std::vector<const Curves *> &live,
    const std::vector<PinnedCurves> &pinned, const Style &style);

} // namespace dmftlab::figures
