// The five panels of the plot area (issue 4): loss, overlaps, C_θ of theory vs
// simulation (shared colour scale + difference), the DMFT's R_θ / C_u / K, and the DMFT
// fixed-point convergence. Each only chooses what ui/figures draws. The kernel panels
// also show the difference live − pinned for a pinned run, and the loss and overlap panels
// overlay the Explore dock's family under the live run (issue 11).
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

/// "Δ pin": the kernel panels can show live − pinned instead (the visible pins with the
/// engine's kernels; the first entry is the live run itself).
class KernelComparisonPanel : public PlotPanel
{
    Q_OBJECT
public:
    explicit KernelComparisonPanel(QWidget *parent = nullptr);
    void draw(QCustomPlot *plot, const figures::Style &style) const override;
    QComboBox *pinChooser() const { return m_pin; }

protected:
    void viewChanged() override;

private:
    QComboBox *m_pin;
};

class DmftKernelPanel : public PlotPanel
{
    Q_OBJECT
public:
    explicit DmftKernelPanel(QWidget *parent = nullptr);
    void draw(QCustomPlot *plot, const figures::Style &style) const override;
    /// Shows `kind` (R_θ, C_u or K; the Theory view's links). False for another kind.
    bool setKind(figures::KernelKind kind);
    QComboBox *pinChooser() const { return m_pin; }

protected:
    bool uses(const std::string &engine) const override { return engine == dmftEngine(); }
    void viewChanged() override;

private:
    RichTextComboBox *m_kind;
    QComboBox *m_pin;
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
