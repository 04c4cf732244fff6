#include "sweeppanel.h"

#include "config/schema.h"
#include "engine/registry.h"
#include "io/csv.h"
#include "io/files.h"
#include "sweep/sweepcsv.h"
#include "sweepcontroller.h"
#include "sweepfigures.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QToolTip>
#include <QVBoxLayout>
#include <qcustomplot.h>

#include <cmath>
#include <sstream>

namespace dmftlab
{

namespace
{

QString number(double x)
{
    return QString::fromStdString(io::formatNumber(x));
}

} // namespace

SweepPanel::SweepPanel(QWidget *parent)
    : QWidget(parent)
    , m_controller(new SweepController(this))
{
    buildUi();
    connect(m_controller, &SweepController::updated, this, [this] {
        updateFamily();
        redraw();
    });
    connect(m_controller, &SweepController::progressed, this, &SweepPanel::showProgress);
    connect(m_controller, &SweepController::finished, this, &SweepPanel::onFinished);
}

void SweepPanel::buildUi()
{
    auto *form = new QFormLayout;
    auto keyBox = [](bool optional) {
        auto *box = new QComboBox;
        box->setEditable(true);
        if (optional)
            box->addItem(QString());
        for (const std::string &key : commonSweepKeys()) // any key can be typed
            box->addItem(
                QString::fromStdString(parameterLabel(key) + "  (" + key + ")"), QString::fromStdString(key));
        return box;
    };
    m_key1 = keyBox(false);
    m_values1 = new QLineEdit("lin:0.5:4:6");
    m_values1->setToolTip("a,b,c or lin:FROM:TO:COUNT or log:FROM:TO:COUNT");
    m_key2 = keyBox(true);
    m_values2 = new QLineEdit;
    m_values2->setPlaceholderText("second parameter: a phase diagram");
    m_engines = new QLineEdit(QString::fromStdString(engineName(EngineId::Dmft)));
    m_engines->setToolTip(
        QString::fromStdString("engines run at every point, comma-separated (" + engineNameList() + ")"));
    m_scalar = new QComboBox;
    m_scalar->setEditable(true);
    for (const auto &[name, meaning] : sweepScalarHelp()) {
        QString n = QString::fromStdString(name);
        n.replace("final_Q_A_B", "final_Q_1_1").replace("final_M_A_M", "final_M_1_1").replace(":L", ":0.5");
        m_scalar->addItem(n);
        m_scalar->setItemData(m_scalar->count() - 1, QString::fromStdString(meaning), Qt::ToolTipRole);
    }
    m_scalar->setCurrentText("final_test_loss");
    m_curves = new QComboBox;
    for (const auto q : { figures::FamilyQuantity::TestLoss, figures::FamilyQuantity::TrainLoss,
             figures::FamilyQuantity::TestError, figures::FamilyQuantity::M11, figures::FamilyQuantity::Q11 })
        m_curves->addItem(figures::familyQuantityLabel(q), static_cast<int>(q));
    m_curves->setToolTip("The curves a family overlays: a loss, or the overlaps M₁₁ (with the teacher) and "
                         "Q₁₁ (squared norm).");
    m_contours = new QLineEdit;
    m_contours->setPlaceholderText("contour levels, e.g. 0.1,0.2");
    form->addRow("Parameter", m_key1);
    form->addRow("Values", m_values1);
    form->addRow("2nd parameter", m_key2);
    form->addRow("Values", m_values2);
    form->addRow("Engines", m_engines);
    form->addRow("Scalar", m_scalar);
    form->addRow("Contours", m_contours);
    form->addRow("Family curves", m_curves);
    m_run = new QPushButton("Run sweep");
    m_stop = new QPushButton("Stop");
    m_stop->setEnabled(false);
    m_export = new QPushButton("Export…");
    m_export->setToolTip("Write the figure (PNG, PDF or SVG; a family also as NAME_curves) or the tidy table "
                         "(CSV: one row per point).");
    m_export->setEnabled(false);
    auto *exportMenu = new QMenu(m_export);
    exportMenu->addAction("Figure (PNG, PDF, SVG)…", this, [this] { exportWithDialog(false); });
    exportMenu->addAction("Figure in slide style…", this, [this] { exportWithDialog(true); });
    exportMenu->addAction("Table (CSV)…", this, [this] { exportWithDialog(false, true); });
    m_export->setMenu(exportMenu);
    m_clear = new QPushButton("Clear from panels");
    m_clear->setToolTip("Remove the family's curves and colour bar from the main Loss and Overlaps panels.");
    m_clear->setEnabled(false);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_run);
    buttons->addWidget(m_stop);
    buttons->addWidget(m_clear);
    buttons->addWidget(m_export);
    m_mainPlot = new QCustomPlot;
    m_endPlot = new QCustomPlot;
    m_mainPlot->setMinimumSize(260, 220);
    m_endPlot->setMinimumSize(260, 160);
    m_mainPlot->setMouseTracking(true);
    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(m_mainPlot);
    splitter->addWidget(m_endPlot);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_status);
    layout->addWidget(splitter, 1);
    connect(m_run, &QPushButton::clicked, this, [this] {
        if (!start())
            m_status->setText("<span style='color:#b00'>" + m_error.toHtmlEscaped() + "</span>");
    });
    connect(m_stop, &QPushButton::clicked, this, &SweepPanel::stop);
    connect(m_clear, &QPushButton::clicked, this, &SweepPanel::clearFamily);
    connect(m_curves, &QComboBox::currentIndexChanged, this, &SweepPanel::redraw);
    connect(m_mainPlot, &QCustomPlot::mouseMove, this, &SweepPanel::onHover);
    connect(m_mainPlot, &QCustomPlot::mousePress, this, &SweepPanel::onClick);
    connect(m_endPlot, &QCustomPlot::mousePress, this, &SweepPanel::onClick);
    figures::plotMessage(m_mainPlot, "Families and phase diagrams",
        "Pick a parameter and values (and a second one for a phase diagram), then Run sweep.",
        figures::Style {});
    m_endPlot->setVisible(false);
}

void SweepPanel::setSpec(const QString &key1, const QString &values1, const QString &key2,
    const QString &values2, const QString &engines, const QString &scalar, const QString &contours)
{
    m_key1->setCurrentText(key1);
    m_values1->setText(values1);
    m_key2->setCurrentText(key2);
    m_values2->setText(values2);
    m_engines->setText(engines);
    m_scalar->setCurrentText(scalar);
    m_contours->setText(contours);
}

bool SweepPanel::start()
{
    m_error.clear();
    auto keyOf = [](QComboBox *box) {
        const int i = box->findText(box->currentText());
        const QString itemKey = i >= 0 ? box->itemData(i).toString() : QString();
        return (itemKey.isEmpty() ? box->currentText() : itemKey).trimmed().toStdString();
    };
    const std::optional<RunConfig> base = m_base ? m_base() : std::nullopt;
    if (!base) {
        m_error = "the parameters are invalid: fix them in the Parameters dock first";
        return false;
    }
    SweepSpec spec;
    spec.base = configToJson(*base);
    SweepAxis a;
    if (auto err = parseSweepAxis(keyOf(m_key1) + "=" + m_values1->text().trimmed().toStdString(), &a);
        !err.empty()) {
        m_error = QString::fromStdString(err);
        return false;
    }
    spec.axes.push_back(a);
    if (!keyOf(m_key2).empty()) {
        SweepAxis b;
        if (auto err = parseSweepAxis(keyOf(m_key2) + "=" + m_values2->text().trimmed().toStdString(), &b);
            !err.empty()) {
            m_error = QString::fromStdString(err);
            return false;
        }
        spec.axes.push_back(b);
    }
    for (const auto &e : m_engines->text().split(',', Qt::SkipEmptyParts)) {
        const std::string engine = e.trimmed().toStdString();
        if (!isKnownEngine(engine)) {
            m_error = "unknown engine '" + e.trimmed() + "' (known: sgd, sgf, online, dmft, ode)";
            return false;
        }
        spec.engines.push_back(engine);
    }
    spec.scalars = { m_scalar->currentText().trimmed().toStdString() };
    SweepPlan plan;
    if (auto err = makeSweepPlan(spec, &plan); !err.empty()) {
        m_error = QString::fromStdString(err);
        return false;
    }
    m_map = nullptr;
    m_familyCleared = false;
    m_controller->start(plan);
    m_export->setEnabled(true);
    m_run->setEnabled(false);
    m_stop->setEnabled(true);
    m_status->setText(QString("Running %1 points…").arg(plan.points.size()));
    updateFamily();
    redraw();
    return true;
}

void SweepPanel::stop()
{
    m_controller->stop();
}

void SweepPanel::exportWithDialog(bool slide, bool table)
{
    const QString path = QFileDialog::getSaveFileName(this, "Export sweep", table ? "sweep.csv" : "sweep.png",
        table ? "CSV (*.csv)" : "Figures (*.png *.pdf *.svg)");
    if (path.isEmpty())
        return;
    const QString err = exportTo(path, slide);
    m_status->setText(err.isEmpty() ? "Wrote " + path.toHtmlEscaped()
                                    : "<span style='color:#b00'>" + err.toHtmlEscaped() + "</span>");
}

void SweepPanel::clearFamily()
{
    m_familyCleared = true;
    m_clear->setEnabled(false);
    if (m_family) {
        m_family.reset();
        emit familyChanged();
    }
}

void SweepPanel::onFinished()
{
    m_run->setEnabled(true);
    m_stop->setEnabled(false);
    const int done = m_controller->completedPoints(), total = int(m_controller->plan().points.size());
    m_status->setText(m_controller->status() == Status::Cancelled
            ? QString("Stopped: %1 of %2 points kept.").arg(done).arg(total)
            : QString("Done: %1 points.").arg(total));
    redraw();
    emit sweepFinished();
}

std::vector<double> SweepPanel::contourLevels() const
{
    std::vector<double> levels;
    for (const auto &t : m_contours->text().split(',', Qt::SkipEmptyParts)) {
        bool ok = false;
        const double x = t.trimmed().toDouble(&ok);
        if (ok && std::isfinite(x))
            levels.push_back(x);
    }
    return levels;
}

void SweepPanel::updateFamily()
{
    const SweepPlan &plan = m_controller->plan();
    const bool family = plan.spec.axes.size() == 1 && !m_familyCleared;
    m_family = family ? std::make_shared<const figures::FamilyOverlay>(
                   figures::familyOverlay(plan, m_controller->results(), plan.spec.engines.front()))
                      : nullptr;
    m_clear->setEnabled(family);
    emit familyChanged();
}

void SweepPanel::redraw()
{
    const SweepPlan &plan = m_controller->plan();
    if (plan.points.empty())
        return;
    const auto &results = m_controller->results();
    const figures::Style style;
    if (plan.spec.axes.size() > 1) {
        m_endPlot->setVisible(false);
        m_map = figures::plotPhaseDiagram(m_mainPlot, plan, results, 0, style, contourLevels());
    } else {
        m_map = nullptr;
        m_endPlot->setVisible(true);
        figures::plotFamilyCurves(m_mainPlot, plan, results, plan.spec.engines.front(),
            static_cast<figures::FamilyQuantity>(m_curves->currentData().toInt()), style);
        figures::plotFamilyScalar(m_endPlot, plan, results, 0, style);
        m_endPlot->replot(QCustomPlot::rpQueuedReplot);
    }
    m_mainPlot->replot(QCustomPlot::rpQueuedReplot);
    showProgress();
}

void SweepPanel::showProgress()
{
    if (m_controller->isRunning())
        m_status->setText(QString("%1 of %2 points. %3")
                              .arg(m_controller->completedPoints())
                              .arg(m_controller->plan().points.size())
                              .arg(m_controller->progressText()));
}

QString SweepPanel::pointText(int i, int j) const
{
    const SweepPlan &plan = m_controller->plan();
    if (plan.points.empty() || i < 0 || i >= plan.size0() || j < 0 || j >= plan.size1())
        return {};
    const int p = plan.pointIndex(i, j);
    const SweepPointResult &r = m_controller->results()[p];
    QString text = QString::fromStdString(plan.describe(p)) + ": ";
    if (!r.done())
        return text + "pending";
    const ScalarValue v = r.scalars[0];
    text += number(v.value);
    if (std::isfinite(v.se))
        text += " ± " + number(v.se);
    return text + " (" + QString::fromStdString(toString(r.status)) + ")";
}

bool SweepPanel::choosePoint(int i, int j)
{
    const SweepPlan &plan = m_controller->plan();
    if (plan.points.empty() || i < 0 || i >= plan.size0() || j < 0 || j >= plan.size1())
        return false;
    const int p = plan.pointIndex(i, j);
    emit configurationChosen(plan.points[p].config);
    return true;
}

bool SweepPanel::cellAt(QMouseEvent *event, int *i, int *j) const
{
    const SweepPlan &plan = m_controller->plan();
    if (plan.points.empty())
        return false;
    QCustomPlot *plot = plan.spec.axes.size() > 1 ? m_mainPlot : m_endPlot;
    if (!plot->xAxis || !plot->yAxis)
        return false;
    if (plan.spec.axes.size() > 1)
        return figures::phaseDiagramCell(m_map, plan, event->position(), i, j);
    // A family: the nearest parameter value on the end-point panel's x axis (in pixels).
    const SweepAxis &axis = plan.spec.axes[0];
    double best = 1e300;
    for (int k = 0; k < axis.size(); ++k) {
        const double kx = std::isfinite(axis.number(k)) ? axis.number(k) : k;
        const double d = std::fabs(plot->xAxis->coordToPixel(kx) - event->pos().x());
        if (d < best) {
            best = d;
            *i = k;
        }
    }
    *j = 0;
    return best < 12;
}

void SweepPanel::onHover(QMouseEvent *event)
{
    int i = 0, j = 0;
    if (m_map && cellAt(event, &i, &j))
        QToolTip::showText(event->globalPosition().toPoint(), pointText(i, j), m_mainPlot);
}

void SweepPanel::onClick(QMouseEvent *event)
{
    int i = 0, j = 0;
    const bool phase = m_controller->plan().spec.axes.size() > 1;
    if (phase != (sender() == m_mainPlot))
        return;
    if (cellAt(event, &i, &j) && m_controller->results()[m_controller->plan().pointIndex(i, j)].done())
        choosePoint(i, j);
}

QString SweepPanel::exportTo(const QString &path, bool slide) const
{
    const SweepPlan &plan = m_controller->plan();
    if (plan.points.empty())
        return "no sweep to export";
    if (path.endsWith(".csv", Qt::CaseInsensitive))
        return QString::fromStdString(
            io::writeFileAtomic(path.toStdString(), sweepCsv(plan, m_controller->results())));
    figures::Style style;
    style.slide = slide;
    QCustomPlot plot;
    plot.resize(900, 600);
    QString error;
    if (plan.spec.axes.size() > 1) {
        figures::plotPhaseDiagram(&plot, plan, m_controller->results(), 0, style, contourLevels());
    } else {
        // A family: the curves beside the end-point figure, as NAME_curves.EXT.
        figures::plotFamilyCurves(&plot, plan, m_controller->results(), plan.spec.engines.front(),
            static_cast<figures::FamilyQuantity>(m_curves->currentData().toInt()), style);
        const QFileInfo info(path);
        const QString curves = info.dir().filePath(info.completeBaseName() + "_curves." + info.suffix());
        if (!figures::exportPlot(&plot, curves, 900, 600, 1.0, &error))
            return error;
        figures::plotFamilyScalar(&plot, plan, m_controller->results(), 0, style);
    }
    if (!figures::exportPlot(&plot, path, 900, 600, 1.0, &error))
        return error;
    return {};
}

} // namespace dmftlab
