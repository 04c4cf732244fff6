#include "plotpanels.h"

#include "engine/registry.h"
#include "richtextcombobox.h"

#include <QCheckBox>
#include <QComboBox>
#include <QMenu>
#include <QToolButton>
#include <qcustomplot.h>

namespace dmftlab
{

const std::string &dmftEngine()
{
    return engineInfo(EngineId::Dmft).name;
}

namespace
{

QCheckBox *option(const QString &text, const QString &tip, bool checked = false)
{
    auto *box = new QCheckBox(text);
    box->setToolTip(tip);
    box->setChecked(checked);
    return box;
}

QCheckBox *deviationOption()
{
    return option("Δ/SE",
        "Show (simulation − DMFT) / SE instead of the curves: agreement within ±2 reads at a glance.");
}

/// The "Δ pin" chooser: "live" (no difference) and the visible pins (fillPinChooser).
QComboBox *makePinChooser(PlotPanel *panel)
{
    auto *box = new QComboBox;
    box->setToolTip("Show the DMFT kernel's difference live − pinned run instead (Run ▸ Pinned runs; visible "
                    "pins only).");
    box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    QObject::connect(box, &QComboBox::currentIndexChanged, panel, &PlotPanel::redraw);
    return box;
}

/// The pinned curves of `engine` in the view, by pin name.
std::vector<std::pair<QString, const Curves *>> pinsOf(const ResultView *view, const std::string &engine)
{
    std::vector<std::pair<QString, const Curves *>> out;
    if (view)
        for (const auto &[name, c] : view->pinned)
            if (c && c->engine == engine)
                out.emplace_back(name, c.get());
    return out;
}

/// Refills the chooser with the view's pins that have `engine`'s curves, keeping the
/// chosen pin while it is still shown (else back to "live"); hidden without such pins.
void fillPinChooser(QComboBox *box, const ResultView *view, const std::string &engine)
{
    QStringList names { "live" };
    for (const auto &p : pinsOf(view, engine))
        names << "Δ " + p.first;
    QStringList old;
    for (int i = 0; i < box->count(); ++i)
        old << box->itemText(i);
    if (old == names)
        return;
    const QString chosen = box->currentText();
    const QSignalBlocker block(box);
    box->clear();
    box->addItems(names);
    box->setCurrentIndex(std::max(0, int(names.indexOf(chosen))));
    box->setVisible(names.size() > 1); // no pins, no chooser
}

/// The pinned curves chosen in the box (null for "live").
std::pair<QString, const Curves *> chosenPin(
    const QComboBox *box, const ResultView *view, const std::string &engine)
{
    if (box->currentIndex() <= 0)
        return { QString(), nullptr };
    const QString name = box->currentText().mid(2); // without "Δ "
    for (const auto &p : pinsOf(view, engine))
        if (p.first == name)
            return p;
    return { QString(), nullptr };
}

} // namespace

// ---- loss ---------------------------------------------------------------------------

LossPanel::LossPanel(QWidget *parent)
    : PlotPanel("Loss", "loss", parent)
{
    m_logX = option("log t", "Logarithmic time axis.");
    m_logY = option("log y", "Logarithmic loss axis.");
    m_error
        = option("test error", "Also show the test error (misclassification rate, or ½E(f − f*)²).", true);
    m_deviation = deviationOption();
    for (QCheckBox *b : { m_error, m_logX, m_logY, m_deviation }) {
        addOption(b);
        connect(b, &QCheckBox::toggled, this, &PlotPanel::redraw);
    }
}

void LossPanel::draw(QCustomPlot *plot, const figures::Style &style) const
{
    figures::LossOptions o;
    o.logX = m_logX->isChecked();
    o.logY = m_logY->isChecked();
    o.error = m_error->isChecked();
    o.deviation = m_deviation->isChecked();
    if (view()) {
        o.pinned = view()->pinnedCurves();
        o.family = view()->family.get();
    }
    figures::plotLoss(plot, view() ? view()->all() : std::vector<const Curves *> {}, style, o);
}

// ---- overlaps -----------------------------------------------------------------------

OverlapsPanel::OverlapsPanel(QWidget *parent)
    : PlotPanel("Overlaps", "overlaps", parent)
{
    m_entriesButton = new QToolButton;
    m_entriesButton->setText("Entries");
    m_entriesButton->setToolTip("Choose which entries of M (k×k*) and Q (k×k) to draw.");
    m_entriesButton->setPopupMode(QToolButton::InstantPopup);
    m_entries = new QMenu(m_entriesButton);
    m_entriesButton->setMenu(m_entries);
    addOption(m_entriesButton);
    m_deviation = deviationOption();
    addOption(m_deviation);
    connect(m_deviation, &QCheckBox::toggled, this, &PlotPanel::redraw);
    rebuildEntries(1, 1);
}

void OverlapsPanel::rebuildEntries(int k, int kStar)
{
    if (k == m_k && kStar == m_kStar)
        return;
    m_k = k;
    m_kStar = kStar;
    m_entries->clear();
    for (const QString &name : figures::overlapEntryNames(k, kStar)) {
        QAction *a = m_entries->addAction(name);
        a->setCheckable(true);
        a->setChecked(true);
        connect(a, &QAction::toggled, this, &PlotPanel::redraw);
    }
    m_entriesButton->setEnabled(k * kStar > 1 || k > 1);
}

void OverlapsPanel::viewChanged()
{
    int k = 1, kStar = 1;
    if (view())
        for (const Curves *c : view()->all()) {
            k = std::max(k, c->k);
            kStar = std::max(kStar, c->kStar);
        }
    rebuildEntries(k, kStar);
}

void OverlapsPanel::draw(QCustomPlot *plot, const figures::Style &style) const
{
    figures::OverlapOptions o;
    for (QAction *a : m_entries->actions())
        if (a->isChecked())
            o.entries.push_back(a->text());
    if (o.entries.empty())
        o.entries.push_back("none");
    o.deviation = m_deviation->isChecked();
    if (view()) {
        o.pinned = view()->pinnedCurves();
        o.family = view()->family.get();
    }
    figures::plotOverlaps(plot, view() ? view()->all() : std::vector<const Curves *> {}, style, o);
}

// ---- C_θ comparison -----------------------------------------------------------------

KernelComparisonPanel::KernelComparisonPanel(QWidget *parent)
    : PlotPanel("Correlation kernel C_θ(t, s)", "kernel_C_theta", parent)
{
    m_pin = makePinChooser(this);
    addOption(m_pin);
    fillPinChooser(m_pin, nullptr, dmftEngine());
}

void KernelComparisonPanel::viewChanged()
{
    fillPinChooser(m_pin, view(), dmftEngine());
}

void KernelComparisonPanel::draw(QCustomPlot *plot, const figures::Style &style) const
{
    const ResultView *v = view();
    if (!v) {
        figures::plotMessage(plot, figures::kernelSymbolHtml(figures::KernelKind::Ctheta, false),
            "press Run (F5) to compute", style);
        return;
    }
    if (const auto [name, pinned] = chosenPin(m_pin, v, dmftEngine()); pinned) {
        if (const Curves *live = v->find(dmftEngine()))
            figures::plotKernelDifference(plot, *live, *pinned, name, figures::KernelKind::Ctheta, style);
        else
            figures::plotMessage(plot, "Δ" + figures::kernelSymbolHtml(figures::KernelKind::Ctheta, false),
                "the live run has no DMFT kernel to compare with '" + name + "'", style);
        return;
    }
    const Curves *theory = v->firstTheory();
    const Curves *sim = v->firstSimulation();
    QString reason;
    if (!theory && !v->reasonFor(dmftEngine()).isEmpty())
        reason = QString::fromStdString(engineLabel(dmftEngine())) + ": " + v->reasonFor(dmftEngine());
    figures::plotKernelComparison(plot, theory, sim, style, reason);
}

// ---- DMFT kernels -------------------------------------------------------------------

DmftKernelPanel::DmftKernelPanel(QWidget *parent)
    : PlotPanel("DMFT response and noise", "dmft_kernels", parent)
{
    m_kind = new RichTextComboBox;
    for (const auto &[kind, meaning] : { std::pair(figures::KernelKind::Rtheta, " response"),
             std::pair(figures::KernelKind::Cu, " noise"), std::pair(figures::KernelKind::K, " memory") })
        m_kind->addRichItem(figures::kernelSymbolHtml(kind, false) + meaning, static_cast<int>(kind));
    m_kind->setToolTip("Which DMFT kernel to show.");
    addOption(m_kind);
    connect(m_kind, &QComboBox::currentIndexChanged, this, &PlotPanel::redraw);
    m_pin = makePinChooser(this);
    addOption(m_pin);
    fillPinChooser(m_pin, nullptr, dmftEngine());
}

void DmftKernelPanel::viewChanged()
{
    fillPinChooser(m_pin, view(), dmftEngine());
}

bool DmftKernelPanel::setKind(figures::KernelKind kind)
{
    const int i = m_kind->findData(static_cast<int>(kind));
    if (i >= 0)
        m_kind->setCurrentIndex(i);
    return i >= 0;
}

void DmftKernelPanel::draw(QCustomPlot *plot, const figures::Style &style) const
{
    const auto kind = static_cast<figures::KernelKind>(m_kind->currentData().toInt());
    const QString symbol = figures::kernelSymbolHtml(kind, false);
    const ResultView *v = view();
    const Curves *dmft = v ? v->find(dmftEngine()) : nullptr;
    const auto [pinName, pinned] = chosenPin(m_pin, v, dmftEngine());
    if (dmft && pinned) {
        figures::plotKernelDifference(plot, *dmft, *pinned, pinName, kind, style);
    } else if (dmft) {
        figures::plotKernel(plot, *dmft, kind, style);
    } else if (v && !v->reasonFor(dmftEngine()).isEmpty()) {
        figures::plotMessage(plot, symbol, "DMFT " + v->reasonFor(dmftEngine()), style);
    } else {
        figures::plotMessage(plot, symbol,
            v && v->hasRun() ? "DMFT not run (enable it in the parameters)" : "press Run (F5)", style);
    }
}

// ---- convergence --------------------------------------------------------------------

ConvergencePanel::ConvergencePanel(QWidget *parent)
    : PlotPanel("DMFT convergence", "dmft_convergence", parent)
{
}

void ConvergencePanel::draw(QCustomPlot *plot, const figures::Style &style) const
{
    const ResultView *v = view();
    const Curves *dmft = v ? v->find(dmftEngine()) : nullptr;
    if (!dmft && v)
        dmft = v->findFailed(dmftEngine()); // the residuals up to the divergence are real
    if (dmft) {
        figures::plotConvergence(plot, { dmft }, style, v->dmftTolerance, v->dmftNoiseFraction);
    } else if (v && !v->reasonFor(dmftEngine()).isEmpty()) {
        figures::plotMessage(plot, "DMFT convergence", "DMFT " + v->reasonFor(dmftEngine()), style);
    } else {
        figures::plotMessage(plot, "DMFT convergence",
            v && v->hasRun() ? "DMFT not run (enable it in the parameters)" : "press Run (F5)", style);
    }
}

} // namespace dmftlab
