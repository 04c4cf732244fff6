#include "runstatus.h"

#include "figures.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <optional>

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
                + (s.reused                 ? QString(" (reused)")
                        : s.wallSeconds > 0 ? QString(" (%1 s)").arg(s.wallSeconds, 0, 'f', 1)
                                            : QString());
        bar->setFormat(format);
        fitChip(bar);
        QString tip = s.message.isEmpty() ? s.text : s.message;
        if (s.reused)
            tip = QString("Reused, not computed again: an earlier run had the same settings for this engine "
                          "(computed in %1 s). Run ▸ Recompute all (Shift+F5) computes it anew.\n\n")
                      .arg(s.wallSeconds, 0, 'f', 1)
                + tip;
        if (s.finished && s.extra.contains("error_budget"))
            if (const QString budget = errorBudgetText(s.extra["error_budget"]); !budget.isEmpty())
                tip += "\n\n" + budget;
        bar->setToolTip(tip);
        if (!s.finished)
            lines << s.text;
        else if (s.reused)
            lines << name + " reused (same settings as an earlier run)";
        else if (!s.message.isEmpty())
            lines << name + ": " + s.message;
        else
            lines << QString("%1 %2 in %3 s")
                         .arg(name, QString::fromStdString(toString(s.status)))
                         .arg(s.wallSeconds, 0, 'f', 1);
    }
    const bool cancelled = std::any_of(states.begin(), states.end(),
        [](const auto &s) { return s.finished && s.status == Status::Cancelled; });
    m_running = running;
    if (!states.empty())
        m_summary = (running ? "" : cancelled ? "Cancelled. " : "Done. ") + lines.join("  ·  ");
    else if (!running)
        m_summary.clear();
    showText();
}

QString RunStatus::errorBudgetText(const json &budget)
{
    if (!budget.is_object())
        return {};
    // Every entry is looked up, never assumed: a missing or non-numeric one shows as "–".
    auto number = [](const json &o, const char *key) {
        const auto it = o.find(key);
        return it != o.end() && it->is_number() ? std::optional<double>(it->get<double>()) : std::nullopt;
    };
    auto percent = [&](const json &o, const char *key) {
        const auto v = number(o, key);
        return v ? QString::number(100.0 * *v, 'g', 2) + " %" : QString("–");
    };
    QStringList lines;
    const QString goalText = number(budget, "goal") ? percent(budget, "goal") : QString("the goal");
    for (const auto &[name, q] : budget.items()) {
        if (!q.is_object() || !number(q, "total"))
            continue;
        QString line
            = QString("  %1: %2 at t = %3 (Monte-Carlo %4 × %5, truncation %6, time step %7)")
                  .arg(QString::fromStdString(name), percent(q, "total"))
                  .arg(number(q, "worst_t").value_or(0.0), 0, 'g', 3)
                  .arg(number(budget, "t_quantile_95").value_or(0.0), 0, 'f', 2)
                  .arg(percent(q, "se_monte_carlo"), percent(q, "truncation"), percent(q, "discretisation"));
        if (const auto share = number(q, "share_within_goal"))
            line += QString("; median %1, within %2 at %3 % of the points")
                        .arg(percent(q, "median_total"), goalText)
                        .arg(100.0 * *share, 0, 'f', 0);
        lines << line;
    }
    if (lines.isEmpty())
        return {};
    return "Largest relative error over t of each curve (t_0.975 × Monte-Carlo SE + truncation + "
           "time step; points below 0.1 % of the curve's largest value left out):\n"
        + lines.join("\n");
}

void RunStatus::fitChip(QProgressBar *bar)
{
    // The whole text on one line ("online SGD completed (1.3 s)" did not fit): the shown
    // text (100 % instead of %p%) in the bar's own font, plus the style's frame and room
    // for the ETA to grow a digit without being cut before the next layout.
    const QFontMetrics metrics = bar->fontMetrics();
    const int text = metrics.horizontalAdvance(bar->text()) + 2 * metrics.horizontalAdvance("0") + 16;
    bar->setMinimumWidth(std::max(170, text));
    bar->setMaximumWidth(std::max(230, bar->minimumWidth()));
}

void RunStatus::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    // Presentation mode: larger text, wider chips. Refitted once every widget has its new
    // font (an application font reaches the chips in no particular order).
    if (event->type() == QEvent::FontChange)
        QTimer::singleShot(0, this, [this] {
            for (QProgressBar *bar : m_progress)
                fitChip(bar);
        });
}

void RunStatus::setBlocked(const QStringList &reasons)
{
    m_blocked = reasons;
    showText();
}

void RunStatus::showText()
{
    QString text = m_summary;
    if (!m_running && !m_blocked.isEmpty()) {
        // As next to the Run button: the first reason, and how many more.
        text = "Cannot run: " + m_blocked.first()
            + (m_blocked.size() > 1 ? QString(" (and %1 more)").arg(m_blocked.size() - 1) : QString())
            + (m_summary.isEmpty() ? QString() : "  ·  Last run: " + m_summary);
    } else if (text.isEmpty() && !m_running) {
        text = "Ready — choose a preset and press Run (F5).";
    }
    if (!text.isEmpty())
        m_text->setText(text);
    m_text->setToolTip(
        m_blocked.isEmpty() || m_running ? m_text->text() : "Cannot run:\n" + m_blocked.join("\n"));
}

} // namespace dmftlab
