#include "distributionspanel.h"
#include "replotqueue.h"

#include "engine/registry.h"

#include <qcustomplot.h>

#include <QGridLayout>
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
constexpr int kTeacherBins = 12; // bins of θ* for the conditional means (Gaussian prior)
constexpr int kScatterPoints = 4000; // coordinates drawn in the joint picture, all seeds

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

/// Every s-th point of the groups' rows, s such that about kScatterPoints are drawn.
long long scatterStride(const std::vector<Eigen::MatrixXd> &groups)
{
    long long total = 0;
    for (const auto &g : groups)
        total += g.rows();
    return std::max<long long>(1, total / kScatterPoints);
}

/// `record` with only the sample of grid index n (null when there is none).
std::unique_ptr<DistributionRecord> atTime(const DistributionRecord *record, int n)
{
    if (!record)
        return nullptr;
    auto out = std::make_unique<DistributionRecord>();
    out->margins = record->margins;
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
    , m_teacherUnit(new QSpinBox)
    , m_play(new QToolButton)
    , m_timer(new QTimer(this))
    , m_timeLabel(new QLabel)
    , m_agreement(new QLabel)
    , m_note(new QLabel)
    , m_thetaPlot(new QCustomPlot)
    , m_rPlot(new QCustomPlot)
    , m_jointPlot(new QCustomPlot)
    , m_rJointPlot(new QCustomPlot)
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
    m_teacherUnit->setPrefix("teacher ");
    m_teacherUnit->setRange(1, 1);
    m_teacherUnit->setToolTip(
        "Which teacher unit m the joint picture (θ*_im, θ_ia) uses (committee machines).");
    controls->addWidget(m_teacherUnit);

    // Two by two: the coordinates' law beside their joint law with θ*, the pre-activations below.
    auto *plots = m_plotGrid = new QGridLayout;
    plots->addWidget(m_thetaPlot, 0, 0);
    plots->addWidget(m_jointPlot, 0, 1);
    plots->addWidget(m_rPlot, 1, 0);
    plots->addWidget(m_rJointPlot, 1, 1);
    m_jointPlot->setObjectName("distributionsJoint");
    // Its five legend entries in two columns: one column stood over the binned means at the
    // right end of the cloud.
    m_jointPlot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_jointPlot->legend->setWrap(2);
    m_rJointPlot->setObjectName("distributionsRJoint");
    // Two rows of plots: at 220 px each the dock could not be less than ~540 px high, and left
    // the main plots about 80 px of a 1366×768 window (capBottomDockHeight).
    for (QCustomPlot *p : { m_thetaPlot, m_rPlot, m_jointPlot, m_rJointPlot }) {
        p->setMinimumSize(280, 150);
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
    connect(m_teacherUnit, &QSpinBox::valueChanged, this, &DistributionsPanel::redraw);
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
    std::shared_ptr<const DistributionRecord> dmft, const TeacherPriorSpec &prior, int width,
    int teacherWidth)
{
    m_width = std::max(1, width);
    m_teacherWidth = std::max(1, teacherWidth);
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
    // The joint law of (r_1, r_2) exists for k = 2 only: otherwise the r law takes its row,
    // not one cell beside an empty one.
    m_plotGrid->removeWidget(m_rPlot);
    m_plotGrid->addWidget(m_rPlot, 1, 0, 1, m_width == 2 ? 1 : 2);
    m_rJointPlot->setVisible(m_width == 2);
    m_unit->setRange(1, m_width);
    m_teacherUnit->setRange(1, m_teacherWidth);
    m_teacherUnit->setVisible(m_teacherWidth > 1);
    m_slider->setRange(0, std::max(0, timeCount() - 1));
    m_slider->setValue(std::max(0, timeCount() - 1));
    QString note;
    for (const auto &r : { m_simRecord, m_dmftRecord })
        if (r && !r->note.empty())
            note += QString::fromStdString(r->note) + " ";
    m_note->setText(note.isEmpty()
            ? QString(
                "Bars: simulation (all seeds pooled, ± 1 SE over seeds). Line: DMFT (θ-process density, "
                "r-process paths%2). Joint: dots are coordinates, squares their mean in bins of θ* (± 1 SE); "
                "lines the DMFT's E[θ | θ*] = M θ* and ± 1, 2 sd. Prior of θ*: %1.")
                  .arg(QString::fromStdString(toString(prior.prior)))
                  .arg((m_simRecord && m_simRecord->margins) || (m_dmftRecord && m_dmftRecord->margins)
                          ? "; sign labels: the law of the margins y_μ r_μ, each path with its own label"
                          : "")
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
    ReplotQueue::request(plot); // one plot per turn, none while hidden
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
        drawJoint(nullptr, nullptr, 0, 0);
        drawRJoint(nullptr, nullptr, false);
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
    drawLaw(m_thetaPlot, s ? &s->theta : nullptr, d ? &d->theta : nullptr,
        QString("coordinates θ_i%1(t)").arg(a));
    const bool margins = (dmftHere && dmftHere->margins) || (simHere && simHere->margins);
    drawLaw(m_rPlot, s ? &s->r : nullptr, d ? &d->r : nullptr,
        margins ? QString("margins y_μ r_μ%1(t)").arg(a) : QString("pre-activations r_μ%1(t)").arg(a));
    const int teacherUnit = std::min(m_teacherUnit->value(), m_teacherWidth) - 1;
    const SimulationLawSample *simSample = simHere && !simHere->sim.empty() ? &simHere->sim.front() : nullptr;
    const DmftLawSample *dmftSample = dmftHere && !dmftHere->dmft.empty() ? &dmftHere->dmft.front() : nullptr;
    const QString joint = drawJoint(simSample, dmftSample, unit, teacherUnit);
    const QString rJoint = drawRJoint(simSample, dmftSample, margins);
    QStringList lines;
    for (const QString &l : { agreementLine("θ law", s ? &s->theta : nullptr, d ? &d->theta : nullptr),
             agreementLine(margins ? "y r law" : "r law", s ? &s->r : nullptr, d ? &d->r : nullptr), joint,
             rJoint })
        if (!l.isEmpty())
            lines << l;
    m_agreement->setText(lines.isEmpty()
            ? QString()
            : "Simulation vs DMFT — " + lines.join("; ") + " (about 1 when they agree)");
}

QString DistributionsPanel::drawJoint(
    const SimulationLawSample *sim, const DmftLawSample *dmft, int unit, int teacherUnit)
{
    QCustomPlot *plot = m_jointPlot;
    plot->clearPlottables();
    const QString a = m_width > 1 ? QString::number(unit + 1) : QString();
    const QString m = m_teacherWidth > 1 ? QString::number(teacherUnit + 1) : QString();
    plot->xAxis->setLabel(QString("teacher θ*_i%1").arg(m));
    plot->yAxis->setLabel(QString("θ_i%1(t)").arg(a));
    const bool haveSim = sim && !sim->theta.empty() && unit < sim->theta.front().cols()
        && teacherUnit < sim->teacher.front().cols();
    const bool haveDmft
        = dmft && !dmft->M.empty() && unit < dmft->M.front().rows() && teacherUnit < dmft->M.front().cols();
    std::vector<double> edges;
    if (haveSim)
        edges = teacherEdges(m_prior, sim->teacher, teacherUnit, kTeacherBins);
    else
        edges = teacherEdges(m_prior, {}, teacherUnit, kTeacherBins); // the atoms, or ±3
    QString agreement;
    if (haveSim) {
        // A thinned scatter (every s-th coordinate of every seed): enough to see the shape.
        const long long stride = scatterStride(sim->theta);
        // A discrete prior stacks every dot of an atom on one vertical line: spread them
        // sideways by a fixed pattern (a fifth of the bin), so their density shows.
        const bool discrete = !priorAtoms(m_prior).empty();
        const double spread = discrete ? 0.2 * (edges[1] - edges[0]) : 0.0;
        QVector<double> x, y;
        long long i = 0, drawn = 0;
        for (std::size_t g = 0; g < sim->theta.size(); ++g)
            for (Eigen::Index r = 0; r < sim->theta[g].rows(); ++r, ++i)
                if (i % stride == 0) {
                    const double jitter = spread * (((drawn++ * 7919) % 1000) / 999.0 - 0.5);
                    x << sim->teacher[g](r, teacherUnit) + jitter;
                    y << sim->theta[g](r, unit);
                }
        auto *dots = plot->addGraph();
        dots->setName(discrete ? "simulation coordinates (spread sideways)" : "simulation coordinates");
        dots->setLineStyle(QCPGraph::lsNone);
        dots->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(110, 140, 215, 90), 4.0));
        dots->setData(x, y);
        const BinnedConditionalMeans means
            = binnedConditionalMeans(sim->theta, sim->teacher, unit, teacherUnit, edges);
        QVector<double> mx, my, me;
        for (Eigen::Index b = 0; b < means.mean.size(); ++b)
            if (means.count[b] >= 20 && std::isfinite(means.se[b])) {
                mx << means.teacherMean[b];
                my << means.mean[b];
                me << means.se[b];
            }
        auto *binned = plot->addGraph();
        binned->setName("simulation E[θ | θ*] (binned)");
        binned->setLineStyle(QCPGraph::lsNone);
        binned->setScatterStyle(QCPScatterStyle(
            QCPScatterStyle::ssSquare, QPen(QColor(20, 40, 120), 1.5), QColor(60, 90, 190), 7.0));
        binned->setData(mx, my);
        auto *err = new QCPErrorBars(plot->xAxis, plot->yAxis);
        err->removeFromLegend();
        err->setDataPlottable(binned);
        err->setData(me);
        err->setPen(QPen(QColor(20, 40, 120), 1.5));
        if (haveDmft) {
            const LawAgreement c
                = compareConditionalMeans(means, thetaConditionalLaw(dmft->Q, dmft->M, unit, teacherUnit));
            if (c.dof > 0)
                agreement = QString("E[θ | θ*]: χ²/dof = %1 over %2 bins (max |z| %3)")
                                .arg(c.chi2PerDof, 0, 'f', 2)
                                .arg(c.dof)
                                .arg(c.maxAbsZ, 0, 'f', 1);
        }
    }
    if (haveDmft) {
        const ConditionalLaw law = thetaConditionalLaw(dmft->Q, dmft->M, unit, teacherUnit);
        const double lo = edges.front(), hi = edges.back();
        const struct {
            double k;
            Qt::PenStyle pen;
            const char *name;
        } lines[] = { { 0.0, Qt::SolidLine, "DMFT E[θ | θ*] = M θ*" }, { 1.0, Qt::DashLine, "± 1 sd" },
            { -1.0, Qt::DashLine, nullptr }, { 2.0, Qt::DotLine, "± 2 sd" }, { -2.0, Qt::DotLine, nullptr } };
        for (const auto &l : lines) {
            auto *g = plot->addGraph();
            g->setPen(QPen(QColor(200, 40, 30), l.k == 0.0 ? 2.0 : 1.3, l.pen));
            g->setData(QVector<double> { lo, hi },
                QVector<double> { law.slope * lo + l.k * law.sd, law.slope * hi + l.k * law.sd }, true);
            if (l.name)
                g->setName(l.name);
            else
                g->removeFromLegend();
        }
    }
    plot->rescaleAxes();
    // E[θ | θ*] rises with θ* (M > 0 once learning starts): the lower right stays free.
    plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    ReplotQueue::request(plot); // one plot per turn, none while hidden
    return agreement;
}

QString DistributionsPanel::drawRJoint(
    const SimulationLawSample *sim, const DmftLawSample *dmft, bool margins)
{
    QCustomPlot *plot = m_rJointPlot;
    plot->clearPlottables();
    plot->setVisible(m_width == 2);
    const bool haveDmft = dmft && !dmft->r.empty() && dmft->r.front().cols() == 2;
    const bool haveSim = sim && !sim->r.empty() && sim->r.front().cols() == 2;
    if (m_width != 2 || !haveDmft) {
        ReplotQueue::request(plot); // one plot per turn, none while hidden
        return {};
    }
    plot->xAxis->setLabel(margins ? "y_μ r_μ1(t)" : "r_μ1(t)");
    plot->yAxis->setLabel(margins ? "y_μ r_μ2(t)" : "r_μ2(t)");
    constexpr int kCells = 24;
    const auto dmftValues = predictionValues(dmft->r, dmft->y, margins);
    const auto xEdges = edgesForValues(unitColumn(dmftValues, 0), kCells);
    const auto yEdges = edgesForValues(unitColumn(dmftValues, 1), kCells);
    const LawHistogram2D theory = histogram2DOf(dmftValues, 0, 1, xEdges, yEdges);
    auto *map = new QCPColorMap(plot->xAxis, plot->yAxis);
    map->setName("DMFT density");
    map->data()->setSize(kCells, kCells);
    map->data()->setRange(
        QCPRange(0.5 * (xEdges[0] + xEdges[1]), 0.5 * (xEdges[kCells - 1] + xEdges[kCells])),
        QCPRange(0.5 * (yEdges[0] + yEdges[1]), 0.5 * (yEdges[kCells - 1] + yEdges[kCells])));
    for (int i = 0; i < kCells; ++i)
        for (int j = 0; j < kCells; ++j)
            map->data()->setCell(i, j, theory.flat.density[i * kCells + j]);
    QCPColorGradient reds;
    reds.setColorStopAt(0.0, Qt::white);
    reds.setColorStopAt(1.0, QColor(200, 40, 30));
    map->setGradient(reds);
    map->rescaleDataRange();
    QString agreement;
    if (haveSim) {
        const auto simValues = predictionValues(sim->r, sim->y, margins);
        const long long stride = scatterStride(simValues);
        QVector<double> x, y;
        long long i = 0;
        for (const auto &r : simValues)
            for (Eigen::Index p = 0; p < r.rows(); ++p, ++i)
                if (i % stride == 0) {
                    x << r(p, 0);
                    y << r(p, 1);
                }
        auto *dots = plot->addGraph();
        dots->setName(margins ? "simulation (y_μ r_μ1, y_μ r_μ2)" : "simulation (r_μ1, r_μ2)");
        dots->setLineStyle(QCPGraph::lsNone);
        dots->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, QColor(40, 70, 170, 110), 3.0));
        dots->setData(x, y);
        const LawAgreement a = compareLaws(histogram2DOf(simValues, 0, 1, xEdges, yEdges).flat, theory.flat);
        if (a.dof > 0)
            agreement = QString(
                margins ? "(y r₁, y r₂): χ²/dof" : "(r₁, r₂): χ²/dof = %1 over %2 cells (max |z| %3)")
                            .arg(a.chi2PerDof, 0, 'f', 2)
                            .arg(a.dof)
                            .arg(a.maxAbsZ, 0, 'f', 1);
    }
    plot->xAxis->setRange(xEdges.front(), xEdges.back());
    plot->yAxis->setRange(yEdges.front(), yEdges.back());
    ReplotQueue::request(plot); // one plot per turn, none while hidden
    return agreement;
}

} // namespace dmftlab
