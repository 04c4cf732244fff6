#include "tourmarker.h"

#include <qcustomplot.h>

#include <QEvent>
#include <QPainter>

namespace dmftlab
{

TourMarker::TourMarker(QCustomPlot *plot, double time)
    : QWidget(plot)
    , m_plot(plot)
    , m_time(time)
{
    setObjectName("tourMarker");
    setAttribute(Qt::WA_TransparentForMouseEvents);
    setAttribute(Qt::WA_NoSystemBackground);
    setGeometry(plot->rect());
    plot->installEventFilter(this);
    connect(plot, &QCustomPlot::afterReplot, this, qOverload<>(&QWidget::update));
    show();
    raise();
}

int TourMarker::pixel() const
{
    if (m_plot->axisRectCount() == 0)
        return -1;
    QCPAxis *x = m_plot->axisRect(0)->axis(QCPAxis::atBottom);
    if (!x->range().contains(m_time))
        return -1;
    return qRound(x->coordToPixel(m_time));
}

void TourMarker::paintEvent(QPaintEvent *)
{
    const int px = pixel();
    if (px < 0)
        return;
    const QRect r = m_plot->axisRect(0)->rect();
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    // Wide and translucent first, so the line reads on any curve colour, then a firm core.
    p.setPen(QPen(QColor(255, 200, 0, 110), 10));
    p.drawLine(px, r.top(), px, r.bottom());
    p.setPen(QPen(QColor(150, 90, 0), 2, Qt::DashLine));
    p.drawLine(px, r.top(), px, r.bottom());
    QFont f = font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.2);
    p.setFont(f);
    const QString label = QString("t = %1").arg(m_time, 0, 'g', 3);
    const QRect text = p.fontMetrics().boundingRect(label).adjusted(-4, -2, 4, 2);
    QRect box(px + 6, r.top() + 6, text.width(), text.height());
    if (box.right() > r.right())
        box.moveRight(px - 6);
    p.fillRect(box, QColor(255, 245, 200, 230));
    p.setPen(QColor(120, 70, 0));
    p.drawText(box, Qt::AlignCenter, label);
}

bool TourMarker::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_plot && event->type() == QEvent::Resize)
        setGeometry(m_plot->rect());
    return QWidget::eventFilter(watched, event);
}

} // namespace dmftlab
