// The effective processes, sampled (issue 12: what "one effective particle" means): a few
// r-process paths (one training sample's pre-activation r_a(t)) and θ-process paths (one
// coordinate θ_a(t), each with its own teacher entry θ*) drawn over their mean ± sd band,
// from the DMFT's final state (core: dmft/effectivepaths.h), and the teacher drift μ(t) that
// pulls the θ-process towards θ* (teacherDrift). Shown in a dock (View ▸
// Effective processes); the GUI's runs record the laws at every grid time, so the paths span
// the whole run.
#pragma once

#include "config/config.h"
#include "dmft/effectivepaths.h"

#include <QWidget>
#include <vector>

class QCustomPlot;
class QLabel;
class QSpinBox;

namespace dmftlab
{

class EffectivePathsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit EffectivePathsPanel(QWidget *parent = nullptr);

    /// Draws the paths of the DMFT result `dmft` with the laws it recorded (either may be
    /// null: the panel then says what is missing) and its μ(t); `config` is the run's
    /// (teacher prior, M_0, λ).
    void setResult(const std::shared_ptr<const Curves> &dmft,
        const std::shared_ptr<const DistributionRecord> &laws, const RunConfig &config);
    void clear();
    const EffectivePaths &paths() const { return m_paths; }
    QCustomPlot *rPlot() const { return m_rPlot; }
    QCustomPlot *thetaPlot() const { return m_thetaPlot; }
    QCustomPlot *muPlot() const { return m_muPlot; }
    /// μ(t_n) of the result (teacherDrift), empty before a DMFT result.
    const Eigen::MatrixXd &teacherDrift() const { return m_mu; }
    QString note() const;

    /// Paths drawn per process.
    static constexpr int kPaths = 8;

private:
    /// Paths drawn in one colour with one legend entry.
    struct PathGroup {
        QString name;
        std::vector<Eigen::Index> paths;
    };
    void redraw();
    void drawDrift();
    void drawProcess(QCustomPlot *plot, const Eigen::VectorXd &mean, const Eigen::VectorXd &sd,
        const Eigen::MatrixXd &paths, const QString &label, const std::vector<PathGroup> &groups);

    EffectivePaths m_paths;
    Eigen::MatrixXd m_mu;
    std::vector<double> m_muTimes;
    int m_teacherWidth = 1;
    QSpinBox *m_unit;
    QLabel *m_note;
    QCustomPlot *m_rPlot, *m_thetaPlot, *m_muPlot;
};

} // namespace dmftlab
