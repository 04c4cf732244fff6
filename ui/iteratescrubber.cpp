#include "iteratescrubber.h"

#include "plotpanel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QTimer>
#include <QToolButton>

namespace dmftlab
{

namespace
{
constexpr int kFrameMs = 400; ///< one iterate per frame when playing: slow enough to read
}

IterateScrubber::IterateScrubber(QWidget *parent)
    : QWidget(parent)
    , m_slider(new QSlider(Qt::Horizontal))
    , m_play(new QToolButton)
    , m_label(new QLabel)
    , m_timer(new QTimer(this))
{
    setObjectName("iterateScrubber");
    m_play->setText("▶");
    m_play->setCheckable(true);
    m_play->setToolTip("Play/pause: step through the DMFT iterates from the first.");
    m_slider->setToolTip("The DMFT iterate the panels show; the right end follows the run.");
    m_slider->setMinimumWidth(240);
    m_label->setMinimumWidth(280);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addWidget(new QLabel("DMFT iterate:"));
    layout->addWidget(m_play);
    layout->addWidget(m_slider, 1);
    layout->addWidget(m_label);
    m_timer->setInterval(kFrameMs);
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (index() + 1 >= count()) {
            setPlaying(false);
            return;
        }
        setIndex(index() + 1);
    });
    connect(m_play, &QToolButton::toggled, this, &IterateScrubber::setPlaying);
    connect(m_slider, &QSlider::valueChanged, this, [this](int v) {
        m_following = v >= m_slider->maximum();
        updateLabel();
        emit changed();
    });
    setHistory({}, nullptr, false);
}

int IterateScrubber::count() const
{
    return m_history ? m_history->size() : 0;
}

int IterateScrubber::index() const
{
    return m_following ? count() - 1 : m_slider->value();
}

void IterateScrubber::setIndex(int i)
{
    if (count() == 0)
        return;
    m_slider->setValue(std::clamp(i, 0, count() - 1)); // valueChanged sets m_following
}

bool IterateScrubber::isPlaying() const
{
    return m_timer->isActive();
}

void IterateScrubber::setPlaying(bool on)
{
    if (on && count() > 1) {
        if (index() + 1 >= count())
            setIndex(0); // play from the start
        m_timer->start();
    } else {
        m_timer->stop();
    }
    const QSignalBlocker block(m_play);
    m_play->setChecked(m_timer->isActive());
    m_play->setText(m_timer->isActive() ? "❚❚" : "▶");
}

void IterateScrubber::setHistory(
    const std::string &engine, std::shared_ptr<const IterateHistory> history, bool finished)
{
    const int before = count();
    m_engine = engine;
    m_history = std::move(history);
    m_finished = finished;
    if (count() < before) // a new run
        m_following = true;
    {
        const QSignalBlocker block(m_slider);
        m_slider->setRange(0, std::max(0, count() - 1));
        if (m_following)
            m_slider->setValue(m_slider->maximum());
    }
    m_slider->setEnabled(count() > 1);
    m_play->setEnabled(count() > 1);
    if (count() == 0)
        setPlaying(false);
    updateLabel();
}

QString IterateScrubber::label() const
{
    return m_label->text();
}

void IterateScrubber::updateLabel()
{
    const int n = count(), i = index();
    if (n == 0) {
        m_label->setText("no DMFT iterates yet");
        m_label->setStyleSheet({});
        return;
    }
    const bool result = m_history->isFinal(i);
    const QString which = QString::fromStdString(m_history->label(i));
    m_label->setText(
        result ? which : which + " — not converged" + (m_following && !m_finished ? " (running)" : ""));
    // Unconverged in amber, so a paused iterate is never mistaken for the answer.
    m_label->setStyleSheet(result ? QString() : QString("color: #8a5a00; font-weight: bold;"));
}

void IterateScrubber::apply(ResultView &view) const
{
    if (!m_history || m_history->empty())
        return;
    const int i = index();
    if (m_history->isFinal(i))
        return; // the result, as the window shows it anyway
    const QString which = QString::fromStdString(m_history->label(i));
    const QString note = which + " — not converged" + (m_following && !m_finished ? ", still running" : "");
    for (auto &c : view.curves)
        if (c && c->engine == m_engine) {
            if (!m_following)
                c = m_history->iterate(i);
            view.warnings[m_engine] = note;
            view.unconverged[m_engine] = which; // drawn faded and dotted, live as well
        }
}

} // namespace dmftlab
