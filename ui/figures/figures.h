// Shared figure code: the GUI's plot panels and the CLI's `--plots png,pdf,svg` draw the
// same pictures through these functions. Conventions (issue 4):
//  * d = ∞ engines (DMFT, ODE) are lines with a ±1 SE band; simulations (SGF, SGD,
//    online) are markers with ±1 SE error bars. Colour names the quantity (train loss,
//    Q_ab, ...), line/marker style names the engine, so "DMFT vs SGF" of one quantity is
//    one colour.
//  * Only the first Curves::validPoints grid points are drawn (runs in progress, diverged).
//  * Axes carry the symbols: t, C_θ(t, s), Q(t), M(t), ...
// No numerics here beyond differences and traces of stored kernels.
#pragma once

#include "observables/curves.h"

#include <QSize>
#include <QString>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

class QCustomPlot;

namespace dmftlab
{
struct RunConfig;
}

namespace dmftlab::figures
{

/// Quantity colours. Okabe–Ito (colour-blind safe, the default) or Tableau 10 (the
/// colours of earlier versions). Each quantity also has its own marker shape.
enum class Palette { OkabeIto, Tableau };
/// "okabe-ito" / "tableau"; false for an unknown name.
bool paletteFromName(const QString &name, Palette *palette);
QStringList paletteNames();

struct Style {
    bool slide = false; ///< slide: larger fonts, thicker lines, no clutter
    /// The canvas the figure is drawn for (exports). Fonts, pens and markers scale with
    /// it, so text takes the same share of the height at 960×540 and at 1920×1080.
    /// Empty: sizes for an on-screen panel.
    QSize canvas;
    Palette palette = Palette::OkabeIto;
    /// Drawn small in the bottom-right corner when not empty (see parameterStamp).
    QString stamp;
    /// Training time per epoch (α τ); > 0 adds an epoch axis on top of time axes.
    double timePerEpoch = 0.0;
    /// Theory engines whose curves are an unconverged fixed-point iterate (engine → label,
    /// e.g. "iteration 3 of 12"): their lines are drawn faded and dotted, and the legend and
    /// kernel titles carry the label, so an iterate is never mistaken for the result.
    std::map<std::string, QString> unconverged;
};

/// One line naming a run's parameters: "α = 2, τ = 0.1, d = 1000, 8 seeds, DMFT 4×10000
/// paths" (simulation and DMFT parts only for the engines given).
QString parameterStamp(const RunConfig &config, const std::vector<std::string> &engines);
/// The stamp of a sweep from its first and last point: what differs reads "first…last"
/// ("α = 0.5…4, τ = 0.05…1, DMFT 4 × 10000 paths").
QString parameterStamp(
    const RunConfig &first, const RunConfig &last, const std::vector<std::string> &engines);
/// α τ of `config` (training time per epoch), 0 when τ = 0 (gradient flow).
double timePerEpoch(const RunConfig &config);

// ---- the API the CLI relies on ----------------------------------------------------

/// Train loss, test loss and test error against t, for every engine in `curves`.
void plotLoss(QCustomPlot *plot, const std::vector<const Curves *> &curves, const Style &style);
/// M_am(t) and Q_ab(t) (a ≤ b) against t.
void plotOverlaps(QCustomPlot *plot, const std::vector<const Curves *> &curves, const Style &style);
/// Heatmap of C_θ(t, s) (the trace over units for k > 1).
void plotKernel(QCustomPlot *plot, const Curves &curves, const Style &style);
/// Writes the plot at width×height (logical pixels); the format comes from the suffix:
/// .png (pixels = size × scale), .pdf, .svg. False with a one-line message on failure.
bool exportPlot(QCustomPlot *plot, const QString &path, int width, int height, double scale, QString *error);

/// Slide sizes (16:9) offered next to the figure sizes: 1280×720 and 1920×1080.
std::vector<QSize> slideSizes();

/// Draws one panel of a slide into `plot` in `style` (whose canvas is the panel's cell).
using PanelDrawer = std::function<void(QCustomPlot *plot, const Style &style)>;
/// Several figures on ONE page of width×height (e.g. 1920×1080): one panel beside the
/// other (two or three), or in two rows (four to six). Format from the suffix as for
/// exportPlot; a PDF has exactly one page. Each panel's fonts scale with its cell, so the
/// text of a two-panel 1920×1080 slide is as large as on a 960×540 single figure.
bool exportSlide(const std::vector<PanelDrawer> &panels, const QString &path, int width, int height,
    double scale, const Style &style, QString *error);

// ---- additions used by the GUI ------------------------------------------------------

/// A pinned run's curves (one engine), drawn faded and dashed next to the live ones with
/// one legend entry "pinned: name" per pin.
struct PinnedCurves {
    QString name;
    const Curves *curves;
};

/// A family of runs (issue 11) overlaid in the loss and overlap panels: every member's
/// curves thin and faded under the live run, coloured by its parameter value on the
/// sequential colour-blind-safe map (viridis), and a colour bar titled with the parameter.
/// Built from a sweep by familyOverlay (sweepfigures.h).
struct FamilyOverlay {
    QString parameter; ///< the colour bar's title, e.g. "sample ratio α = n/d"
    double lower = 0.0, upper = 1.0; ///< the colour bar's range (parameter values)
    bool log = false; ///< log-spaced values: a log colour bar
    std::vector<std::pair<double, QString>> ticks; ///< a tick at each value (short families)
    struct Member {
        double position = 0.0; ///< on the colour map, in [0, 1]
        QString label; ///< "α = 2" (hover names)
        std::shared_ptr<const Curves> curves;
    };
    std::vector<Member> members; ///< the finished points, in parameter order
};

struct LossOptions {
    bool train = true, test = true, error = true;
    bool logX = false, logY = false;
    /// (simulation − theory) / SE instead of the curves: agreement read directly.
    bool deviation = false;
    std::vector<PinnedCurves> pinned; ///< not drawn in the deviation view
    const FamilyOverlay *family = nullptr; ///< not drawn in the deviation view
};
void plotLoss(QCustomPlot *plot, const std::vector<const Curves *> &curves, const Style &style,
    const LossOptions &options);

struct OverlapOptions {
    bool showQ = true, showM = true;
    /// Entries to draw, as "Q_a_b" / "M_a_m" with 1-based indices; empty = all.
    std::vector<QString> entries;
    bool logX = false;
    /// (simulation − theory) / SE instead of the curves.
    bool deviation = false;
    std::vector<PinnedCurves> pinned; ///< not drawn in the deviation view
    const FamilyOverlay *family = nullptr; ///< not drawn in the deviation view
};
void plotOverlaps(QCustomPlot *plot, const std::vector<const Curves *> &curves, const Style &style,
    const OverlapOptions &options);
/// The names OverlapOptions::entries accepts for widths k, k* ("Q_1_1", "M_2_1", ...).
std::vector<QString> overlapEntryNames(int k, int kStar);

/// Which kernel of a Curves a heatmap shows.
enum class KernelKind { Ctheta, Rtheta, Cu, Cg, K };
QString kernelSymbol(KernelKind kind, bool trace); ///< plain text, e.g. "C_θ(t, s)", "tr R_θ(t, s)"
/// The same as HTML with subscripts, e.g. "C<sub>θ</sub>(<i>t</i>, <i>s</i>)" (figure titles).
QString kernelSymbolHtml(KernelKind kind, bool trace);
const Kernel &kernelOf(const Curves &curves, KernelKind kind);

/// Heatmap of one kernel of `curves` (trace over units when k > 1).
void plotKernel(QCustomPlot *plot, const Curves &curves, KernelKind kind, const Style &style);

/// The difference live − pinned of one kernel (issue 11, pinned runs) on a symmetric
/// diverging scale, titled "ΔR_θ(t, s): live − NAME"; a message instead when
/// either has no such kernel or the time grids differ.
void plotKernelDifference(QCustomPlot *plot, const Curves &live, const Curves &pinned, const QString &pinName,
    KernelKind kind, const Style &style);

/// Side by side: C_θ from the theory and from the simulation on ONE shared colour scale,
/// and their difference (theory − simulation) on a symmetric diverging scale. Either
/// pointer may be null; the missing map then shows `missingReason`.
void plotKernelComparison(QCustomPlot *plot, const Curves *theory, const Curves *simulation,
    const Style &style, const QString &missingReason = QString());

/// DMFT fixed-point residual against iteration, log y; with tolerance > 0 also the
/// stopping level as a dashed horizontal line, whose legend names the other stop
/// (dmft.noise_fraction) when noiseFraction > 0: a run stopped by it ends above the line.
void plotConvergence(QCustomPlot *plot, const std::vector<const Curves *> &curves, const Style &style,
    double tolerance = 0.0, double noiseFraction = 0.0);

/// Clears the plot and shows a centred message instead of data (e.g. "DMFT solver not
/// available in this build") — a panel never shows invented curves. The title may carry
/// markup (kernelSymbolHtml), so it is escaped HTML; the message is plain text.
void plotMessage(QCustomPlot *plot, const QString &title, const QString &message, const Style &style);

/// Engine name as shown to users ("DMFT", "SGF", ...).
QString engineLabel(const std::string &engine);
/// True for the d = ∞ engines (drawn as lines with bands).
bool isTheoryEngine(const std::string &engine);

} // namespace dmftlab::figures
