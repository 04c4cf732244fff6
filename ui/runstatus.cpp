#include "runstatus.h"

#include "figures.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>

#include <algorithm>
#include <cmath>

namespace dmftlab
{

namespace
{

QString duration(double seconds)
{
    if (seconds < 0)
        return "?";
    if (seconds < 60)
        return QString::number(std::ceil(seconds)) + " s";
    return QString("%1 min %2 s").arg(static_cast<int>(seconds) / 60).arg(static_cast<int>(seconds) % 60);
}

} // namespace

RunStatus::RunStatus(QWidget *parent)
    : QWidget(parent)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_bars = new QHBoxLayout;
    layout->addLayout(m_bars);
    m_text = new QLabel("Ready — choose a preset and press Run (F5).");
    m_text->setObjectName("statusText");
    // Long engine messages must not widen the window: the label may be cut, the tooltip
    // holds the whole text.
    m_text->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_text->setMinimumWidth(50);
    layout->addWidget(m_text, 1);
}

QString RunStatus::text() const
{
    return m_text->text();
}

void RunStatus::update(const std::vector<RunController::EngineState> &states, bool running)
{
    while (m_progress.size() > states.size()) {
        delete m_progress.back();
        m_progress.pop_back();
    }
    while (m_progress.size() < states.size()) {
        auto *bar = new QProgressBar;
        bar->setRange(0, 1000);
        bar->setMaximumWidth(230);
        bar->setMinimumWidth(170);
        m_bars->addWidget(bar);
        m_progress.push_back(bar);
    }
    QStringList lines;
    for (std::size_t i = 0; i < states.size(); ++i) {
        const auto &s = states[i];
        const QString name = figures::engineLabel(s.engine);
        QProgressBar *bar = m_progress[i];
        bar->setValue(static_cast<int>(std::lround(1000 * s.fraction)));
        QString format = name + " %p%";
        if (!s.finished && s.etaSeconds >= 0)
            format += " · ETA " + duration(s.etaSeconds);
        else if (s.finished)
            format = name + " " + QString::fromStdString(toString(s.status))
                + (s.wallSeconds > 0 ? QString(" (%1 s)").arg(s.wallSeconds, 0, 'f', 1) : QString());
        bar->setFormat(format);
        // The whole text on one line ("online SGD completed (1.3 s)" did not fit).
        bar->setMinimumWidth(std::max(170, bar->fontMetrics().horizontalAdvance(format) + 24));
        bar->setMaximumWidth(std::max(230, bar->minimumWidth()));
        bar->setToolTip(s.message.isEmpty() ? s.text : s.message);
        if (!s.finished)
            lines << s.text;
        else if (!s.message.isEmpty())
            lines << name + ": " + s.message;
        else
            lines << QString("%1 %2 in %3 s")
                         .arg(name, QString::fromStdString(toString(s.status)))
                         .arg(s.wallSeconds, 0, 'f', 1);
    }
    const bool cancelled = std::any_of(
        states.begin(), states.end(), [](const auto &s) { return s.finished && s.status == Status::Cancelled; });
    if (!states.empty())
        m_text->setText((running ? "" : cancelled ? "Cancelled. " : "Done. ") + lines.join("  ·  "));
    else if (!running)
        m_text->setText("Ready — choose a preset and press Run (F5).");
    m_text->setToolTip(m_text->text());
}

} // namespace dmftlab
