#include "effectivepathspanel.h"
#include "replotqueue.h"

#include <qcustomplot.h>

#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>

namespace dmftlab
{

namespace
{
QVector<double> toVector(const Eigen::VectorXd &v)
{
    return QVector<double>(v.data(), v.data() + v.size());
}

/// Okabe-Ito without the band's grey and the mean's black, for the paths.
QColor pathColor(int i)
{
    static const QColor colors[] = { QColor(0xE6, 0x9F, 0x00), QColor(0x56, 0xB4, 0xE9),
        QColor(0x00, 0x9E, 0x73), QColor(0xD5, 0x5E, 0x00), QColor(0x00, 0x72, 0xB2),
        QColor(0xCC, 0x79, 0xA7), QColor(0xF0, 0xE4, 0x42), QColor(0x99, 0x99, 0x99) };
    return colors[i % 8];
}
} // namespace

EffectivePathsPanel::EffectivePathsPanel(QWidget *parent)
    : QWidget(parent)
    , m_unit(new QSpinBox)
    , m_note(new QLabel)
    , m_rPlot(new QCustomPlot)
    , m_thetaPlot(new QCustomPlot)
    , m_muPlot(new QCustomPlot)
{
    setObjectName("effectivePathsPanel");
    m_unit->setPrefix("unit ");
    m_unit->setRange(1, 1);
    m_unit->setToolTip("Which student unit a (committee machines).");
    auto *hint
        = new QLabel("One training sample (r-process) and one coordinate (θ-process) of the d → ∞ limit: "
                     "a few sample paths over the DMFT's mean ± sd.");
    hint->setWordWrap(true);
    auto *controls = new QHBoxLayout;
    controls->addWidget(hint, 1);
    controls->addWidget(m_unit);

    auto *plots = new QHBoxLayout;
    m_muPlot->setObjectName("teacherDriftPlot");
    for (QCustomPlot *p : { m_rPlot, m_thetaPlot, m_muPlot }) {
        p->setMinimumSize(280, 220);
        p->xAxis->setLabel("training time t");
        p->legend->setVisible(true);
        p->legend->setFont(QFont(font().family(), 8));
        // The paths wander everywhere, also under the legend: let them show through it.
        p->legend->setBrush(QColor(255, 255, 255, 170));
        plots->addWidget(p, 1);
    }
    m_note->setWordWrap(true);
    m_note->setStyleSheet("color: #666;");
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addLayout(plots, 1);
    layout->addWidget(m_note);
    connect(m_unit, &QSpinBox::valueChanged, this, &EffectivePathsPanel::redraw);
    clear();
}

void EffectivePathsPanel::clear()
{
    m_paths = {};
    m_mu.resize(0, 0);
    m_muTimes.clear();
    drawDrift();
    m_note->setText("Run the DMFT: sample paths of its effective processes appear here when it finishes.");
    redraw();
}

QString EffectivePathsPanel::note() const
{
    return m_note->text();
}

void EffectivePathsPanel::setResult(const std::shared_ptr<const Curves> &dmft,
    const std::shared_ptr<const DistributionRecord> &laws, const RunConfig &config)
{
    const TeacherPriorSpec &prior = config.teacherPrior;
    // After an extrapolation the curves are continuous-time; paths and drift are those of the
    // Euler solve the laws come from (its K and M belong together)
    const std::shared_ptr<const Curves> scheme = laws && laws->schemeCurves ? laws->schemeCurves : dmft;
    m_mu = scheme ? dmftlab::teacherDrift(*scheme, config.M0(), config.problem.ridge) : Eigen::MatrixXd();
    m_muTimes = dmft ? dmft->t : std::vector<double>();
    m_teacherWidth = dmft ? dmft->kStar : 1;
    drawDrift();
    std::string error = "the DMFT did not finish";
    // Fixed seed: the same run shows the same paths.
    m_paths
        = dmft && laws ? effectivePaths(*laws, *dmft, prior, kPaths, 2026, 201, &error) : EffectivePaths {};
    if (m_paths.empty()) {
        m_note->setText("No sample paths: " + QString::fromStdString(error) + ".");
    } else {
        m_note->setText(
            QString("Band: r over all %1 DMFT paths; θ exactly 0 ± √Q(t). θ paths are drawn given their "
                    "teacher entry θ* (from teacher.prior): θ(t) | θ* ~ N(M(t)θ*, C_θ − M Mᵀ).%2")
                .arg(m_paths.rSamples)
                .arg(laws->schemeCurves ? QString(" Of the Euler solve at dt = %1 (the curves are "
                                                  "extrapolated to continuous time).")
                                              .arg(config.dt(), 0, 'g', 4)
                                        : QString()));
    }
    m_unit->setRange(1, std::max(1, m_paths.k));
    redraw();
}

void EffectivePathsPanel::drawProcess(QCustomPlot *plot, const Eigen::VectorXd &mean,
    const Eigen::VectorXd &sd, const Eigen::MatrixXd &paths, const QString &label,
    const std::vector<PathGroup> &groups)
{
    plot->clearPlottables();
    plot->yAxis->setLabel(label);
    if (m_paths.empty()) {
        ReplotQueue::request(plot); // one plot per turn, none while hidden
        return;
    }
    const QVector<double> t(m_paths.t.begin(), m_paths.t.end());
    // The band: upper edge filled down to the lower edge (one fill, not per path).
    auto *lower = plot->addGraph();
    lower->setPen(QPen(QColor(150, 150, 150), 1.0));
    lower->removeFromLegend();
    lower->setData(t, toVector(mean - sd), true);
    auto *upper = plot->addGraph();
    upper->setName("DMFT mean ± sd");
    upper->setPen(QPen(QColor(150, 150, 150), 1.0));
    upper->setBrush(QColor(200, 200, 200, 110));
    upper->setChannelFillGraph(lower);
    upper->setData(t, toVector(mean + sd), true);
    auto *centre = plot->addGraph();
    centre->setPen(QPen(Qt::black, 1.5, Qt::DashLine));
    centre->removeFromLegend();
    centre->setData(t, toVector(mean), true);
    std::vector<bool> named(groups.size(), false);
    for (Eigen::Index p = 0; p < paths.rows(); ++p) {
        auto *g = plot->addGraph();
        g->setData(t, toVector(paths.row(p).transpose()), true);
        // One colour and one legend entry per group (a θ* value of a discrete prior), else per path.
        std::size_t group = groups.size();
        for (std::size_t i = 0; i < groups.size(); ++i)
            if (std::find(groups[i].paths.begin(), groups[i].paths.end(), p) != groups[i].paths.end())
                group = i;
        g->setPen(
            QPen(pathColor(group < groups.size() ? static_cast<int>(group) : static_cast<int>(p)), 1.6));
        if (group < groups.size() && !named[group]) {
            g->setName(groups[group].name);
            named[group] = true;
        } else {
            g->removeFromLegend();
        }
    }
    plot->rescaleAxes();
    ReplotQueue::request(plot); // one plot per turn, none while hidden
}

void EffectivePathsPanel::redraw()
{
    const int a = m_unit->value() - 1;
    const QString unit = m_paths.k > 1 ? QString::number(a + 1) : QString();
    if (m_paths.empty() || a >= m_paths.k) {
        drawProcess(m_rPlot, {}, {}, {}, "r-process r" + unit + "(t)", {});
        drawProcess(m_thetaPlot, {}, {}, {}, "θ-process θ" + unit + "(t)", {});
        return;
    }
    // r paths: a colour each, one legend entry (the group of path 0).
    drawProcess(m_rPlot, m_paths.rMean[a], m_paths.rSd[a], m_paths.rPaths[a],
        "r-process r" + unit + "(t) (one training sample)", { { "sample paths", { 0 } } });
    // θ paths grouped by their teacher entry θ*_1 when it takes few values (Rademacher,
    // sparse): the mixture of the θ-process law shows as bundles of one colour each.
    std::vector<PathGroup> groups;
    for (Eigen::Index p = 0; p < m_paths.thetaStar.rows(); ++p) {
        const QString name
            = QString("θ*%1 = %2").arg(m_paths.kStar > 1 ? "₁" : "").arg(m_paths.thetaStar(p, 0), 0, 'g', 3);
        auto g
            = std::find_if(groups.begin(), groups.end(), [&](const PathGroup &x) { return x.name == name; });
        if (g == groups.end())
            groups.push_back({ name, { p } });
        else
            g->paths.push_back(p);
    }
    if (groups.size() > 3) // a continuous prior: a colour per path, one legend entry
        groups = { { "sample paths, each with its own θ*", { 0 } } };
    drawProcess(m_thetaPlot, m_paths.thetaMean[a], m_paths.thetaSd[a], m_paths.thetaPaths[a],
        "θ-process θ" + unit + "(t) (one coordinate)", groups);
}

void EffectivePathsPanel::drawDrift()
{
    QCustomPlot *plot = m_muPlot;
    plot->clearPlottables();
    plot->yAxis->setLabel("teacher drift μ(t)");
    if (m_mu.size() > 0) {
        // μ_n drives b_n from t_n to t_{n+1}: drawn at the left end, as the Itô scheme uses it.
        const QVector<double> t(m_muTimes.begin(), m_muTimes.begin() + m_mu.rows());
        const int k = static_cast<int>(m_mu.cols()) / std::max(1, m_teacherWidth);
        for (Eigen::Index j = 0; j < m_mu.cols(); ++j) {
            auto *g = plot->addGraph();
            const int a = static_cast<int>(j) / m_teacherWidth, m = static_cast<int>(j) % m_teacherWidth;
            g->setName(k > 1 || m_teacherWidth > 1
                    ? QString("μ%1%2").arg(QChar(0x2080 + a + 1)).arg(QChar(0x2080 + m + 1))
                    : QString("μ"));
            g->setPen(QPen(pathColor(static_cast<int>(j)), 2.0));
            g->setData(t, toVector(m_mu.col(j)), true);
        }
    }
    plot->rescaleAxes();
    ReplotQueue::request(plot); // one plot per turn, none while hidden
}

} // namespace dmftlab
