#include "tourbar.h"

#include "highlightoverlay.h"
#include "plotarea.h"
#include "plotpanel.h"
#include "plotpanels.h"
#include "presentationmode.h"
#include "theorydock.h"
#include "tourmarker.h"

#include <QAction>
#include <QCheckBox>
#include <QDockWidget>
#include <QHBoxLayout>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QShortcut>
#include <QStatusBar>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace dmftlab
{

TourBar::TourBar(QMainWindow *window, PlotArea *area, PresentationMode *presentation)
    : m_window(window)
    , m_area(area)
    , m_presentation(presentation)
    , m_title(new QLabel)
    , m_text(new QLabel)
    , m_count(new QLabel)
    , m_back(new QToolButton)
    , m_next(new QToolButton)
    , m_end(new QToolButton)
{
    setObjectName("tourBar");
    m_text->setObjectName("tourText");
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::RichText);
    m_text->setMinimumWidth(400);
    // Written for a lecture hall: larger than the window's text.
    QFont big = m_text->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    m_text->setFont(big);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_back->setText("◀ Back");
    m_next->setText("Next ▶");
    m_end->setText("End tour");
    m_back->setToolTip("The previous step (Ctrl+←).");
    m_next->setToolTip("The next step (Ctrl+→).");
    for (QToolButton *b : { m_back, m_next, m_end })
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
    auto *left = new QVBoxLayout;
    left->addWidget(m_title);
    left->addWidget(m_count);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 2, 6, 2);
    layout->addLayout(left);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_back);
    layout->addWidget(m_next);
    layout->addWidget(m_end);
    connect(m_back, &QToolButton::clicked, this, &TourBar::previous);
    connect(m_next, &QToolButton::clicked, this, &TourBar::next);
    connect(m_end, &QToolButton::clicked, this, &TourBar::stop);
    for (const auto &[key, forward] :
        { std::pair { Qt::Key_Right, true }, std::pair { Qt::Key_Left, false } }) {
        auto *s = new QShortcut(QKeySequence(Qt::CTRL | key), window);
        connect(s, &QShortcut::activated, this, [this, forward = forward] {
            if (m_active)
                forward ? next() : previous();
        });
    }
}

void TourBar::start(const Tour &tour)
{
    m_tour = tour;
    m_active = !m_tour.steps.empty();
    m_title->setText("Tour: " + m_tour.title);
    emit activeChanged(m_active);
    m_step = -1;
    setStep(0);
}

void TourBar::stop()
{
    if (!m_active)
        return;
    m_active = false;
    delete m_marker;
    closeOpenedDocks();
    emit activeChanged(false);
}

TourMarker *TourBar::marker() const
{
    return m_marker;
}

QString TourBar::text() const
{
    return m_text->text();
}

void TourBar::setStep(int index)
{
    if (!m_active)
        return;
    m_step = std::clamp(index, 0, stepCount() - 1);
    const TourStep &s = m_tour.steps[m_step];
    m_text->setText(s.text);
    m_count->setText(QString("step %1 of %2").arg(m_step + 1).arg(stepCount()));
    m_back->setEnabled(m_step > 0);
    m_next->setEnabled(m_step + 1 < stepCount());
    delete m_marker;
    // A dock the tour opened would keep eating the room of the next step's panel.
    const QString dockName = theoryTargetDock(s.target);
    const auto *target = dockName.isEmpty() ? nullptr : m_window->findChild<QDockWidget *>(dockName);
    const bool opens = target && target->isHidden();
    m_shown = reveal(s.target);
    QWidget *dock = m_shown ? m_shown->parentWidget() : nullptr;
    closeOpenedDocks(qobject_cast<QDockWidget *>(dock));
    if (opens && dock)
        m_openedDocks.emplace_back(dock);
    auto *panel = qobject_cast<PlotPanel *>(m_shown.data());
    if (auto *loss = qobject_cast<LossPanel *>(panel); loss && s.logLoss)
        loss->logY()->setChecked(true);
    if (panel && s.time >= 0.0)
        m_marker = new TourMarker(panel->plot(), s.time);
    if (!m_shown)
        m_window->statusBar()->showMessage("This step's place is not part of this window: " + s.target, 5000);
}

void TourBar::closeOpenedDocks(QWidget *keep)
{
    std::vector<QPointer<QWidget>> kept;
    for (const auto &d : m_openedDocks)
        if (d && d != keep)
            d->hide();
        else if (d)
            kept.push_back(d);
    m_openedDocks = kept;
}

QWidget *TourBar::reveal(const QString &target)
{
    if (target == "iterates") {
        auto *bar = m_window->findChild<QToolBar *>("iteratesToolbar");
        if (!bar)
            return nullptr;
        bar->show();
        HighlightOverlay::flash(bar);
        return bar;
    }
    // In presentation mode a panel is shown alone; docks are hidden there, so they open on top.
    if (m_presentation && m_presentation->isActive()) {
        const QString stem = target.section('/', 0, 0);
        const auto &panels = m_area->panels();
        const auto it = std::find_if(
            panels.begin(), panels.end(), [&](const PlotPanel *p) { return p->fileStem() == stem; });
        if (it != panels.end())
            m_presentation->showPanel(static_cast<int>(it - panels.begin()));
    }
    return revealTheoryTarget(m_window, m_area, target);
}

TourBar *addTourBar(QMainWindow *window, QMenu *view, PlotArea *area, PresentationMode *presentation,
    std::function<QString()> currentPreset, std::function<bool(const QString &)> loadAndRun)
{
    auto *tour = new TourBar(window, area, presentation);
    auto *bar = new QToolBar("Guided tour");
    bar->setObjectName("tourToolbar");
    bar->setMovable(false);
    bar->addWidget(tour);
    window->addToolBarBreak(Qt::TopToolBarArea);
    window->addToolBar(Qt::TopToolBarArea, bar);
    bar->hide();
    QObject::connect(tour, &TourBar::activeChanged, bar, &QToolBar::setVisible);
    QMenu *menu = view->addMenu("&Guided tours");
    menu->setObjectName("toursMenu");
    QAction *start = menu->addAction("&Tour of this preset", window, [window, tour, currentPreset] {
        const QString preset = currentPreset();
        if (const Tour *t = tourFor(preset))
            tour->start(*t);
        else
            window->statusBar()->showMessage("No guided tour for "
                    + (preset.isEmpty() ? QString("a configuration without a preset") : preset)
                    + ": pick one under View ▸ Guided tours.",
                6000);
    });
    start->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_G));
    start->setToolTip("A few steps of what to look at, written for a lecture (Ctrl+G).");
    window->addAction(start); // Ctrl+G also in presentation mode, where the menu bar is hidden
    menu->addSeparator();
    for (const Tour &t : guidedTours()) {
        const QString preset = t.preset;
        QAction *a = menu->addAction(
            t.title + " (loads and runs " + preset + ")", window, [tour, preset, loadAndRun] {
                if (loadAndRun(preset))
                    tour->start(*tourFor(preset));
            });
        a->setObjectName("tour-" + preset);
    }
    return tour;
}

} // namespace dmftlab
