// Progress of a run: one bar per engine with its ETA, and the engines' status lines
// ("SGF seed 3/8, t = 2.4 · DMFT iteration 12, residual 3.1e-4").
#pragma once

#include "runcontroller.h"

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
    QString text() const;

private:
    QHBoxLayout *m_bars;
    QLabel *m_text;
    std::vector<QProgressBar *> m_progress;
};

} // namespace dmftlab
