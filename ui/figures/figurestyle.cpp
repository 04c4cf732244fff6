// Style of every figure: colours, fonts, pen widths, marker shapes, axis looks.
#include "figurestyle.h"

#include <qcustomplot.h>

namespace dmftlab::figures
{

// Quantity colours (Tableau 10): colour names the quantity, style names the engine.
extern const QColor kPalette[] = { QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28), QColor(0x2c, 0xa0, 0x2c),
    QColor(0xff, 0x7f, 0x0e), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b), QColor(0xe3, 0x77, 0xc2),
    QColor(0x17, 0xbe, 0xcf), QColor(0xbc, 0xbd, 0x22), QColor(0x7f, 0x7f, 0x7f) };
extern const int kPaletteSize = sizeof(kPalette) / sizeof(kPalette[0]);

Metrics metricsFor(const Style &style)
{
    return style.slide ? Metrics { 15.0, 18.0, 3.0, 9.0 } : Metrics { 9.0, 11.0, 1.6, 5.5 };
}

QFont font(double pointSize, bool bold)
{
    QFont f;
    f.setPointSizeF(pointSize);
    f.setBold(bold);
    return f;
}

QString subscript(int i)
{
    static const QChar digits[] = { QChar(0x2080), QChar(0x2081), QChar(0x2082), QChar(0x2083), QChar(0x2084),
        QChar(0x2085), QChar(0x2086), QChar(0x2087), QChar(0x2088), QChar(0x2089) };
    QString s;
    for (QChar c : QString::number(i))
        s += digits[c.digitValue()];
    return s;
}

QCPScatterStyle::ScatterShape markerOf(const std::string &engine)
{
    if (engine == "sgd")
        return QCPScatterStyle::ssSquare;
    if (engine == "online")
        return QCPScatterStyle::ssTriangle;
    return QCPScatterStyle::ssCircle; // sgf and anything unknown
}

Qt::PenStyle lineOf(const std::string &engine)
{
    return engine == "ode" ? Qt::DashLine : Qt::SolidLine;
}

void styleAxis(QCPAxis *axis, const Style &style, const QString &label)
{
    const Metrics m = metricsFor(style);
    axis->setLabel(label);
    axis->setLabelFont(font(m.font));
    axis->setTickLabelFont(font(m.font * 0.92));
    axis->grid()->setSubGridVisible(false);
    axis->grid()->setPen(QPen(QColor(220, 220, 220), 1, Qt::DotLine));
    axis->setSubTicks(!style.slide);
    const QPen axisPen(Qt::black, style.slide ? 1.5 : 1.0);
    axis->setBasePen(axisPen);
    axis->setTickPen(axisPen);
    axis->setSubTickPen(axisPen);
}

void setLogScale(QCPAxis *axis, bool log)
{
    if (log) {
        axis->setScaleType(QCPAxis::stLogarithmic);
        axis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
        axis->setNumberFormat("eb");
        axis->setNumberPrecision(0);
    } else {
        axis->setScaleType(QCPAxis::stLinear);
        axis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        axis->setNumberFormat("gb");
        axis->setNumberPrecision(6);
    }
}


// Perceptually uniform sequential map (matplotlib's viridis, 5 stops).
QCPColorGradient sequentialGradient()
{
    QCPColorGradient g;
    g.clearColorStops();
    g.setColorStopAt(0.0, QColor(0x44, 0x01, 0x54));
    g.setColorStopAt(0.25, QColor(0x3b, 0x52, 0x8b));
    g.setColorStopAt(0.5, QColor(0x21, 0x91, 0x8c));
    g.setColorStopAt(0.75, QColor(0x5e, 0xc9, 0x62));
    g.setColorStopAt(1.0, QColor(0xfd, 0xe7, 0x25));
    g.setNanHandling(QCPColorGradient::nhTransparent);
    return g;
}

QCPColorGradient divergingGradient()
{
    QCPColorGradient g;
    g.clearColorStops();
    g.setColorStopAt(0.0, QColor(0x3b, 0x4c, 0xc0));
    g.setColorStopAt(0.5, QColor(0xf7, 0xf7, 0xf7));
    g.setColorStopAt(1.0, QColor(0xb4, 0x04, 0x26));
    g.setNanHandling(QCPColorGradient::nhTransparent);
    return g;
}

// ---- engines --------------------------------------------------------------------------

QString engineLabel(const std::string &engine)
{
    if (engine == "dmft")
        return "DMFT";
    if (engine == "ode")
        return "online ODE";
    if (engine == "sgf")
        return "SGF";
    if (engine == "sgd")
        return "SGD";
    if (engine == "online")
        return "online SGD";
    return QString::fromStdString(engine);
}

bool isTheoryEngine(const std::string &engine)
{
    return engine == "dmft" || engine == "ode";
}

} // namespace dmftlab::figures
