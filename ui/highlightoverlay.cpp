#include "highlightoverlay.h"

#include <QEvent>
#include <QPainter>
#include <QTimer>

namespace dmftlab
{

HighlightOverlay::HighlightOverlay(QWidget *target)
    : QWidget(target)
{
    setObjectName("highlightOverlay");
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setAttribute(Qt::WA_NoSystemBackground);
    setGeometry(target->rect());
    target->installEventFilter(this);
}

HighlightOverlay *HighlightOverlay::flash(QWidget *target, int milliseconds)
{
    if (!target)
        return nullptr;
    // One frame per target: a repeated click restarts the old one's time instead of stacking.
    delete target->findChild<HighlightOverlay *>(QString(), Qt::FindDirectChildrenOnly);
    auto *overlay = new HighlightOverlay(target);
    overlay->show();
    overlay->raise();
    QTimer::singleShot(milliseconds, overlay, &QObject::deleteLater);
    return overlay;
}

bool HighlightOverlay::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == parent() && event->type() == QEvent::Resize)
        setGeometry(parentWidget()->rect());
    return QWidget::eventFilter(watched, event);
}

void HighlightOverlay::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    // Okabe-Ito orange: visible on the white plots and on a projector.
    QPen pen(QColor(0xE6, 0x9F, 0x00), 6);
    painter.setPen(pen);
    painter.drawRect(rect().adjusted(3, 3, -3, -3));
}

} // namespace dmftlab
