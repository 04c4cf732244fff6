#include "distributionspanel.h"

#include "engine/registry.h"

#include <qcustomplot.h>

#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace dmftlab
{

namespace
{
constexpr int kBins = 40;
constexpr int kFrameMs = 250; // play: one recorded time every quarter second

QVector<double> centres(const LawHistogram &h)
{
    QVector<double> x;
    for (std::size_t b = 0; b + 1 < h.edges.size(); ++b)
        x << 0.5 * (h.edges[b] + h.edges[b + 1]);
    return x;
}

QVector<double> values(const Eigen::VectorXd &v)
{
    return QVector<double>(v.data(), v.data() + v.size());
}

/// `record` with only the sample of grid index n (null when there is none).
std::unique_ptr<DistributionRecord> atTime(const DistributionRecord *record, int n)
{
    if (!record)
        return nullptr;
    auto out = std::make_unique<DistributionRecord>();
    for (const auto &s : record->sim)
        if (s.gridIndex == n)
            out->sim.push_back(s);
    for (const auto &s : record->dmft)
        if (s.gridIndex == n)
            out->dmft.push_back(s);
    return out;
}

QString agreementLine(const char *what, const LawHistogram *sim, const LawHistogram *dmft)
{
    if (!sim || !dmft || sim->density.size() == 0 || dmft->density.size() == 0)
        return {};
    const LawAgreement a = compareLaws(*sim, *dmft);
    return QString("%1: χ²/dof = %2 over %3 bins (max |z| %4), KS D = %5 (≈ %6 expected)")
        .arg(what)
        .arg(a.chi2PerDof, 0, 'f', 2)
        .arg(a.dof)
        .arg(a.maxAbsZ, 0, 'f', 1)
        .arg(a.ks, 0, 'f', 3)
        .arg(a.ksExpected, 0, 'f', 3);
}
} // namespace

DistributionsPanel::DistributionsPanel(QWidget *parent)
    : QWidget(parent)
    , m_slider(new QSlider(Qt::Horizontal))
    , m_unit(new QSpinBox)
    , m_play(new QToolButton)
    , m_timer(new QTimer(this))
    , m_timeLabel(new QLabel)
    , m_agreement(new QLabel)
    , m_note(new QLabel)
    , m_thetaPlot(new QCustomPlot)
    , m_rPlot(new QCustomPlot)
{
    setObjectName("distributionsPanel");
    auto *controls = new QHBoxLayout;
    m_play->setText("▶");
    m_play->setCheckable(true);
    m_play->setObjectName("distributionsPlay");
    m_play->setToolTip("Play/pause: step through the recorded times.");
    m_slider->setObjectName("distributionsTime");
    m_slider->setToolTip("The time t at which the laws are drawn.");
    m_unit->setPrefix("unit ");
    m_unit->setRange(1, 1);
    m_unit->setToolTip("Which student unit a (committee machines).");
    controls->addWidget(m_play);
    controls->addWidget(m_slider, 1);
    controls->addWidget(m_timeLabel);
    controls->addWidget(m_unit);

    auto *plots = new QHBoxLayout;
    plots->addWidget(m_thetaPlot, 1);
    plots->addWidget(m_rPlot, 1);
    for (QCustomPlot *p : {m_thetaPlot, m_rPlot}) {
        p->setMinimumSize(280, 220);
        p->yAxis->setLabel("density");
        p->legend->setVisible(true);
        p->legend->setFont(QFont(font().family(), 8));
    }

    m_agreement->setObjectName("distributionsAgreement");
    m_agreement->setWordWrap(true);
    m_note->setWordWrap(true);
    m_note->setStyleSheet("color: #666;");

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addLayout(plots, 1);
    layout->addWidget(m_agreement);
    layout->addWidget(m_note);

    m_timer->setInterval(kFrameMs);
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (m_times.empty())
            return;
        setTimeIndex((timeIndex() + 1) % timeCount());
    });
    connect(m_play, &QToolButton::toggled, this, &DistributionsPanel::setPlaying);
    connect(m_slider, &QSlider::valueChanged, this, &DistributionsPanel::redraw);
    connect(m_unit, &QSpinBox::valueChanged, this, &DistributionsPanel::redraw);
    clear();
}

void DistributionsPanel::clear()
{
    m_simRecord.reset();
    m_dmftRecord.reset();
    m_times.clear();
    setPlaying(false);
    m_slider->setRange(0, 0);
    m_note->setText("Run the simulation and the DMFT: the laws of the coordinates θ_i(t) and of the "
                    "pre-activations r_μ(t) appear here when they finish.");
    redraw();
}

void DistributionsPanel::setLaws(std::shared_ptr<const DistributionRecord> simulation,
    std::shared_ptr<const DistributionRecord> dmft, const TeacherPriorSpec &prior, int width)
{
    m_width = std::max(1, width);
    m_prior = prior;
    m_simRecord = std::move(simulation);
    m_dmftRecord = std::move(dmft);
    m_times.clear();
    const auto addTime = [this](int n, double t) {
        if (std::none_of(m_times.begin(), m_times.end(), [n](const auto &x) { return x.first == n; }))
            m_times.emplace_back(n, t);
    };
    if (m_simRecord)
        for (const auto &s : m_simRecord->sim)
            addTime(s.gridIndex, s.time);
    if (m_dmftRecord)
        for (const auto &s : m_dmftRecord->dmft)
            addTime(s.gridIndex, s.time);
    std::sort(m_times.begin(), m_times.end());
    m_unit->setRange(1, m_width);
    m_slider->setRange(0, std::max(0, timeCount() - 1));
    m_slider->setValue(std::max(0, timeCount() - 1));
    QString note;
    for (const auto &r : {m_simRecord, m_dmftRecord})
        if (r && !r->note.empty())
            note += QString::fromStdString(r->note) + " ";
    m_note->setText(note.isEmpty()
            ? QString("Bars: simulation (all seeds pooled, ± 1 SE over seeds). Line: DMFT (θ-process density, "
                      "r-process paths). Prior of θ*: %1.")
                  .arg(QString::fromStdString(toString(prior.prior)))
            : note);
    redraw();
}

int DistributionsPanel::timeIndex() const
{
    return m_times.empty() ? -1 : m_slider->value();
}

void DistributionsPanel::setTimeIndex(int index)
{
    m_slider->setValue(index);
}

bool DistributionsPanel::isPlaying() const
{
    return m_timer->isActive();
}

void DistributionsPanel::setPlaying(bool on)
{
    if (on && m_times.size() > 1)
        m_timer->start();
    else
        m_timer->stop();
    const QSignalBlocker block(m_play);
    m_play->setChecked(m_timer->isActive());
    m_play->setText(m_timer->isActive() ? "❚❚" : "▶");
}

QString DistributionsPanel::agreementText() const
{
    return m_agreement->text();
}

void DistributionsPanel::drawLaw(
    QCustomPlot *plot, const LawHistogram *sim, const LawHistogram *dmft, const QString &xLabel)
{
    plot->clearPlottables();
    plot->xAxis->setLabel(xLabel);
    if (sim && sim->density.size() > 0) {
        auto *bars = new QCPBars(plot->xAxis, plot->yAxis);
        bars->setName("simulation");
        bars->setWidth(sim->edges[1] - sim->edges[0]);
        bars->setPen(QPen(QColor(90, 120, 200), 0.5));
        bars->setBrush(QColor(150, 175, 230));
        bars->setData(centres(*sim), values(sim->density), true);
        auto *err = new QCPErrorBars(plot->xAxis, plot->yAxis);
        err->removeFromLegend();
        err->setDataPlottable(bars);
        err->setData(values(sim->se));
        err->setPen(QPen(QColor(40, 60, 140), 1.0));
    }
    if (dmft && dmft->density.size() > 0) {
        auto *g = plot->addGraph();
        g->setName(QString::fromStdString(engineInfo(EngineId::Dmft).label));
        g->setPen(QPen(QColor(200, 40, 30), 2.0));
        g->setData(centres(*dmft), values(dmft->density), true);
    }
    plot->rescaleAxes();
    plot->yAxis->setRangeLower(0.0);
    plot->replot(QCustomPlot::rpQueuedReplot);
}

void DistributionsPanel::redraw()
{
    const int i = timeIndex();
    const int unit = m_unit->value() - 1;
    if (i < 0) {
        m_timeLabel->setText("t = –");
        m_agreement->clear();
        drawLaw(m_thetaPlot, nullptr, nullptr, "θ_ia(t)");
        drawLaw(m_rPlot, nullptr, nullptr, "r_μa(t)");
        return;
    }
    const auto [n, t] = m_times[i];
    m_timeLabel->setText(QString("t = %1").arg(t, 0, 'g', 3));
    // DMFT bins first, so that the simulation is binned on them (a comparison in SE).
    const auto dmftHere = atTime(m_dmftRecord.get(), n), simHere = atTime(m_simRecord.get(), n);
    const EngineLaws dmftLaws = dmftHere ? engineLaws(*dmftHere, m_prior, kBins) : EngineLaws {};
    const EngineLaws simLaws
        = simHere ? engineLaws(*simHere, m_prior, kBins, dmftHere ? &dmftLaws : nullptr) : EngineLaws {};
    const auto *s = simLaws.find(n, unit);
    const auto *d = dmftLaws.find(n, unit);
    const QString a = m_width > 1 ? QString::number(unit + 1) : QString();
    drawLaw(m_thetaPlot, s ? &s->theta : nullptr, d ? &d->theta : nullptr, QString("coordinates θ_i%1(t)").arg(a));
    drawLaw(m_rPlot, s ? &s->r : nullptr, d ? &d->r : nullptr, QString("pre-activations r_μ%1(t)").arg(a));
    QStringList lines;
    for (const QString &l : {agreementLine("θ law", s ? &s->theta : nullptr, d ? &d->theta : nullptr),
             agreementLine("r law", s ? &s->r : nullptr, d ? &d->r : nullptr)})
        if (!l.isEmpty())
            lines << l;
    m_agreement->setText(lines.isEmpty() ? QString() : "Simulation vs DMFT — " + lines.join("; ")
            + " (about 1 when they agree)");
}

} // namespace dmftlab
