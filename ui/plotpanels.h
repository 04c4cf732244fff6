// The five panels of the plot area (issue 4): loss, overlaps, C_θ of theory vs
// simulation (shared colour scale + difference), the DMFT's R_θ / C_u / K, and the DMFT
// fixed-point convergence. Each only chooses what ui/figures draws.
#pragma once

#include "plotpanel.h"

class QCheckBox;
class QComboBox;
class QToolButton;
class QMenu;

namespace dmftlab
{

class RichTextComboBox;

/// The engine whose response kernels and fixed-point residuals the DMFT panels show.
const std::string &dmftEngine();

class LossPanel : public PlotPanel
{
    Q_OBJECT
public:
    explicit LossPanel(QWidget *parent = nullptr);
    void draw(QCustomPlot *plot, const figures::Style &style) const override;
    QCheckBox *logX() const { return m_logX; }
    QCheckBox *logY() const { return m_logY; }

private:
    QCheckBox *m_logX, *m_logY, *m_error, *m_deviation;
};

class OverlapsPanel : public PlotPanel
{
    Q_OBJECT
public:
    explicit OverlapsPanel(QWidget *parent = nullptr);
    void draw(QCustomPlot *plot, const figures::Style &style) const override;

protected:
    void viewChanged() override;

private:
    void rebuildEntries(int k, int kStar);
    QToolButton *m_entriesButton;
    QMenu *m_entries;
    QCheckBox *m_deviation;
    int m_k = 0, m_kStar = 0;
};

class KernelComparisonPanel : public PlotPanel
{
    Q_OBJECT
public:
    explicit KernelComparisonPanel(QWidget *parent = nullptr);
    void draw(QCustomPlot *plot, const figures::Style &style) const override;
};

class DmftKernelPanel : public PlotPanel
{
    Q_OBJECT
public:
    explicit DmftKernelPanel(QWidget *parent = nullptr);
    void draw(QCustomPlot *plot, const figures::Style &style) const override;
    /// Shows `kind` (R_θ, C_u or K; the Theory view's links). False for another kind.
    bool setKind(figures::KernelKind kind);

protected:
    bool uses(const std::string &engine) const override { return engine == dmftEngine(); }

private:
    RichTextComboBox *m_kind;
};

class ConvergencePanel : public PlotPanel
{
    Q_OBJECT
public:
    explicit ConvergencePanel(QWidget *parent = nullptr);
    void draw(QCustomPlot *plot, const figures::Style &style) const override;

protected:
    bool uses(const std::string &engine) const override { return engine == dmftEngine(); }
};

} // namespace dmftlab
