// The Explore dock (issue 11): families (one parameter) and phase diagrams (two) of the
// current configuration. The user picks the parameter(s) and their values (a,b,c or
// lin:FROM:TO:COUNT or log:FROM:TO:COUNT, as `dmftlab-cli sweep --vary`), the engines and
// a scalar; the sweep runs in a SweepController worker, most informative points first,
// and the panel redraws as points arrive:
//  * family: the curves of a chosen quantity (a loss, M₁₁ or Q₁₁) overlaid on a viridis
//    colour map with a colour bar, and
//    the end-point panel (the scalar against the parameter with ±1 SE error bars);
//  * phase diagram: the heat map filling in coarse to fine, contour lines at the chosen
//    levels; hovering a cell shows value ± SE; clicking it emits configurationChosen with
//    that cell's configuration (the main window loads and runs it).
// A family is also overlaid in the main window's Loss and Overlaps panels as its points
// finish (familyOverlay; faded under the live run, a colour bar titled with the
// parameter), until "Clear from panels" or the next sweep.
// Stop keeps what was computed; results are cached across sweeps (SweepController).
#pragma once

#include "figures.h"
#include "sweep/sweepplan.h"

#include <QWidget>

#include <functional>
#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QCustomPlot;
class QCPColorMap;
class QMouseEvent;

namespace dmftlab
{

class SweepController;

class SweepPanel : public QWidget
{
    Q_OBJECT
public:
    explicit SweepPanel(QWidget *parent = nullptr);

    /// Where the base configuration comes from (the parameter dock's current config).
    void setBaseProvider(std::function<std::optional<RunConfig>()> provider) { m_base = std::move(provider); }

    /// Fills the controls (tests, scripting); key2 empty = a family.
    void setSpec(const QString &key1, const QString &values1, const QString &key2, const QString &values2,
        const QString &engines, const QString &scalar, const QString &contours = QString());
    /// Validates and starts the sweep; false with the reason in error().
    bool start();
    void stop();
    QString error() const { return m_error; }

    SweepController *controller() const { return m_controller; }
    /// The family to overlay in the main loss and overlap panels: the first engine's curves
    /// of the finished points of a one-parameter sweep; null for a phase diagram, before a
    /// sweep, and after clearFamily(). A new object whenever it changes (familyChanged).
    std::shared_ptr<const figures::FamilyOverlay> familyOverlay() const { return m_family; }
    /// Removes the family from the main panels (until the next sweep starts).
    void clearFamily();
    QCustomPlot *mainPlot() const { return m_mainPlot; }
    QCustomPlot *endPointPlot() const { return m_endPlot; }
    /// Which curve a family overlays (losses, M₁₁, Q₁₁); its data is a FamilyQuantity.
    QComboBox *familyCurves() const { return m_curves; }
    /// The hover text of phase-diagram cell (i, j) or family point i ("α = 2, τ = 0.5: 0.31 ± 0.01").
    QString pointText(int i, int j = 0) const;
    /// As a click on that cell/point: emits configurationChosen for a finished point.
    bool choosePoint(int i, int j = 0);

    /// Writes the shown figure in the format of the suffix (png/pdf/svg; a family writes
    /// its end-point figure there and its curves to NAME_curves.EXT), or the tidy table for
    /// .csv. Empty on success. The dock's Export… button asks for the file.
    QString exportTo(const QString &path, bool slide = false) const;

signals:
    void configurationChosen(const RunConfig &config);
    void sweepFinished();
    /// familyOverlay() changed (a point finished, a sweep started, the family was cleared).
    void familyChanged();

private:
    void buildUi();
    void redraw();
    void updateFamily();
    void showProgress();
    /// Asks for a file and exports the figure (slide style if asked) or the table.
    void exportWithDialog(bool slide,
        bool table = false); ///< the status line while running: points done, the engine's progress
    void onFinished();
    void onHover(QMouseEvent *event);
    void onClick(QMouseEvent *event);
    bool cellAt(QMouseEvent *event, int *i, int *j) const;
    std::vector<double> contourLevels() const;

    std::function<std::optional<RunConfig>()> m_base;
    SweepController *m_controller;
    QComboBox *m_key1, *m_key2, *m_scalar, *m_curves;
    QLineEdit *m_values1, *m_values2, *m_engines, *m_contours;
    QPushButton *m_run, *m_stop, *m_clear, *m_export;
    QLabel *m_status;
    QCustomPlot *m_mainPlot, *m_endPlot;
    QCPColorMap *m_map = nullptr;
    QString m_error;
    std::shared_ptr<const figures::FamilyOverlay> m_family;
    bool m_familyCleared = false;
};

} // namespace dmftlab
