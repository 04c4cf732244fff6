// The Distributions panel (issue 12): what the DMFT theorem says, visible. At a grid time
// chosen with a slider (play/pause animates over time) it draws, for one unit a,
//   * the law of the coordinates θ_ia(t): the simulation's histogram over d × seeds
//     coordinates (bars, ± SE) against the DMFT θ-process density (line; a mixture for a
//     non-Gaussian teacher prior), and
//   * the law of the training pre-activations r_μa(t) = x_μᵀθ_a(t) — for sign labels of the
//     margins y_μ r_μa(t): the simulation's n × seeds values against the DMFT r-process paths,
//   * the joint picture (θ*_im, θ_ia(t)): a scatter of the simulation's coordinates against
//     their teacher coordinates with its binned conditional means (± SE), over the DMFT's
//     conditional mean M_am(t) θ*_m and ± 1, 2 sd bands (sd² = Q_aa − M_am²),
//   * for k = 2, the joint law of (r_μ1, r_μ2): the DMFT's density as a colour map under a
//     scatter of the simulation's pairs (histogram2DOf, χ²/dof on its cells),
// each with its χ²/dof on the DMFT's bins (observables/distributions.h). The histograms are
// made in core (engineLaws) for the shown time only, so a run with many recorded times
// costs the GUI thread a few milliseconds per frame, not a pass over every time.
#pragma once

#include "config/config.h"
#include "observables/distributions.h"

#include <QWidget>

#include <memory>

class QCustomPlot;
class QGridLayout;
class QLabel;
class QSlider;
class QSpinBox;
class QTimer;
class QToolButton;

namespace dmftlab
{

class DistributionsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit DistributionsPanel(QWidget *parent = nullptr);

    /// New laws of a simulation and of the DMFT (either may be null); `prior` is the
    /// run's teacher prior (it shapes the DMFT's θ law).
    /// `width`, `teacherWidth`: k and k* (the unit choosers' ranges).
    void setLaws(std::shared_ptr<const DistributionRecord> simulation,
        std::shared_ptr<const DistributionRecord> dmft, const TeacherPriorSpec &prior, int width,
        int teacherWidth = 1);
    void clear();

    /// Index into the recorded times; −1 when there are none.
    int timeIndex() const;
    void setTimeIndex(int index);
    int timeCount() const { return static_cast<int>(m_times.size()); }
    bool isPlaying() const;
    void setPlaying(bool on);
    /// The one-line agreement figure shown under the plots.
    QString agreementText() const;
    QCustomPlot *thetaPlot() const { return m_thetaPlot; }
    QCustomPlot *rPlot() const { return m_rPlot; }
    QCustomPlot *jointPlot() const { return m_jointPlot; }
    QCustomPlot *rJointPlot() const { return m_rJointPlot; }

private:
    void redraw();
    void drawLaw(QCustomPlot *plot, const LawHistogram *sim, const LawHistogram *dmft, const QString &xLabel);
    /// The joint picture at grid index n for unit a, teacher unit m; returns its agreement line.
    QString drawJoint(const SimulationLawSample *sim, const DmftLawSample *dmft, int unit, int teacherUnit);
    /// For k = 2: the joint law of (r_1, r_2), or of (y r_1, y r_2) with `margins`; returns its
    /// agreement line.
    QString drawRJoint(const SimulationLawSample *sim, const DmftLawSample *dmft, bool margins);

    /// The records restricted to grid index n (copies of that time's samples).
    std::shared_ptr<const DistributionRecord> m_simRecord, m_dmftRecord;
    TeacherPriorSpec m_prior;
    std::vector<std::pair<int, double>> m_times; ///< grid index, time
    int m_width = 1, m_teacherWidth = 1;
    QSlider *m_slider;
    QSpinBox *m_unit, *m_teacherUnit;
    QToolButton *m_play;
    QTimer *m_timer;
    QLabel *m_timeLabel, *m_agreement, *m_note;
    QCustomPlot *m_thetaPlot, *m_rPlot, *m_jointPlot, *m_rJointPlot;
    QGridLayout *m_plotGrid = nullptr;
};

} // namespace dmftlab
