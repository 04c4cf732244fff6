#include "wheelguard.h"

#include <QAbstractScrollArea>
#include <QAbstractSpinBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QFocusEvent>
#include <QScrollBar>
#include <QWheelEvent>

#include <cstdlib>

namespace dmftlab
{

WheelGuard::WheelGuard(QObject *parent)
    : QObject(parent)
{
}

bool WheelGuard::eventFilter(QObject *watched, QEvent *event)
{
    if (!watched->isWidgetType())
        return false;
    if (event->type() == QEvent::Polish) {
        // Qt focuses a WheelFocus field on the wheel before any filter sees the event:
        // fields take focus by click and tab only.
        auto *w = static_cast<QWidget *>(watched);
        if ((qobject_cast<QComboBox *>(w) || qobject_cast<QAbstractSpinBox *>(w))
            && w->focusPolicy() == Qt::WheelFocus)
            w->setFocusPolicy(Qt::StrongFocus);
        return false;
    }
    if (event->type() == QEvent::FocusIn || event->type() == QEvent::FocusOut) {
        // Only a field the user chose (click, tab, shortcut) takes the wheel; the focus a
        // window hands its first field when it opens does not count.
        auto *w = static_cast<QWidget *>(watched);
        if (qobject_cast<QComboBox *>(w) || qobject_cast<QAbstractSpinBox *>(w)) {
            const auto reason = static_cast<QFocusEvent *>(event)->reason();
            const bool chosen = event->type() == QEvent::FocusIn
                && (reason == Qt::MouseFocusReason || reason == Qt::TabFocusReason
                    || reason == Qt::BacktabFocusReason || reason == Qt::ShortcutFocusReason);
            w->setProperty("dmftlabWheelOk", chosen);
        }
        return false;
    }
    if (event->type() != QEvent::Wheel)
        return false;
    QWidget *field = nullptr;
    for (auto *w = static_cast<QWidget *>(watched); w && !w->isWindow(); w = w->parentWidget()) {
        if (qobject_cast<QComboBox *>(w) || qobject_cast<QAbstractSpinBox *>(w)) {
            field = w;
            break;
        }
    }
    if (!field || (field->hasFocus() && field->property("dmftlabWheelOk").toBool()))
        return false;
    // Hand the turn to the nearest scroll area's scroll bar (horizontal wheels included).
    for (QWidget *w = field->parentWidget(); w; w = w->parentWidget()) {
        if (auto *area = qobject_cast<QAbstractScrollArea *>(w)) {
            const auto *wheel = static_cast<QWheelEvent *>(event);
            const bool horizontal = std::abs(wheel->angleDelta().x()) > std::abs(wheel->angleDelta().y());
            QScrollBar *bar = horizontal ? area->horizontalScrollBar() : area->verticalScrollBar();
            if (bar)
                QCoreApplication::sendEvent(bar, event);
            break;
        }
    }
    return true; // never the field's value
}

} // namespace dmftlab
