// Progress of a run: one bar per engine with its ETA, and the engines' status lines
// ("SGF seed 3/8, t = 2.4 · DMFT iteration 12, residual 3.1e-4"); while nothing runs and
// the parameters are invalid, why Run is disabled ("Cannot run: α = n/d must be > 0").
#pragma once

#include "runcontroller.h"

#include <QStringList>
#include <QWidget>
#include <vector>

class QHBoxLayout;
class QLabel;
class QProgressBar;

namespace dmftlab
{

class RunStatus : public QWidget
{
    Q_OBJECT
public:
    explicit RunStatus(QWidget *parent = nullptr);
    void update(const std::vector<RunController::EngineState> &states, bool running);
    /// Why Run is disabled (the parameter dock's errors; empty: it is not). While nothing
    /// runs, the text says so instead of "Ready", in the words of the reasons next to Run.
    void setBlocked(const QStringList &reasons);
    QString text() const;
    /// The DMFT's error budget (summary.json's error_budget, dmft/timestep.h) as lines for an
    /// engine's tooltip: per quantity the largest relative total error over t and its parts
    /// (t_0.975 × Monte-Carlo SE, truncation, time step); empty when `budget` has none.
    static QString errorBudgetText(const json &budget);

protected:
    void changeEvent(QEvent *event) override;

private:
    void showText();
    /// Sizes an engine chip to its whole text.
    static void fitChip(QProgressBar *bar);

    QHBoxLayout *m_bars;
    QLabel *m_text;
    QString m_summary; ///< the engines' lines, "Done. …" or "Cancelled. …"; empty before a run
    QStringList m_blocked;
    bool m_running = false;
    std::vector<QProgressBar *> m_progress;
};

} // namespace dmftlab
