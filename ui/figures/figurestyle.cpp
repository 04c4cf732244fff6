// Style of every figure: colours, fonts, pen widths, marker shapes, axis looks.
#include "figurestyle.h"

#include "engine/registry.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace dmftlab::figures
{

namespace
{

// Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour
// vision deficiency. Yellow (#F0E442) is left out: too faint on white.
const QColor kOkabeIto[] = { QColor(0x00, 0x72, 0xb2), QColor(0xd5, 0x5e, 0x00), QColor(0x00, 0x9e, 0x73),
    QColor(0xe6, 0x9f, 0x00), QColor(0xcc, 0x79, 0xa7), QColor(0x56, 0xb4, 0xe9), QColor(0x00, 0x00, 0x00) };
// Tableau 10, the colours of earlier versions.
const QColor kTableau[] = { QColor(0x1f, 0x77, 0xb4), QColor(0xd6, 0x27, 0x28), QColor(0x2c, 0xa0, 0x2c),
    QColor(0xff, 0x7f, 0x0e), QColor(0x94, 0x67, 0xbd), QColor(0x8c, 0x56, 0x4b), QColor(0xe3, 0x77, 0xc2),
    QColor(0x17, 0xbe, 0xcf), QColor(0xbc, 0xbd, 0x22), QColor(0x7f, 0x7f, 0x7f) };

// The canvases the base sizes are designed for: an export at another size scales them by
// the square root of the area ratio (text keeps its share of the picture).
constexpr double kSlideArea = 960.0 * 540.0;
constexpr double kFigureArea = 900.0 * 600.0;

// QCustomPlot's log ticker falls back to linear ticks (0.3, 0.5, 0.8, 1, 1.2) when the
// range spans less than ~1.6 decades; printed as powers of ten with no digits those read
// "10⁰, 10⁰". Powers of ten stay 10ⁿ, every other tick gets three significant digits.
class DecadeTicker : public QCPAxisTickerLog
{
protected:
    QString getTickLabel(double tick, const QLocale &locale, QChar, int) override
    {
        const double exponent = std::log10(std::fabs(tick));
        const bool power = std::isfinite(exponent) && std::fabs(exponent - std::round(exponent)) < 1e-9;
        return QCPAxisTickerLog::getTickLabel(tick, locale, power ? QChar('e') : QChar('g'), power ? 0 : 3);
    }
};

} // namespace

bool paletteFromName(const QString &name, Palette *palette)
{
    const QString n = name.trimmed().toLower();
    if (n == "okabe-ito")
        *palette = Palette::OkabeIto;
    else if (n == "tableau")
        *palette = Palette::Tableau;
    else
        return false;
    return true;
}

QStringList paletteNames()
{
    return { "okabe-ito", "tableau" };
}

QColor quantityColor(const Style &style, int index)
{
    index = std::max(index, 0);
    if (style.palette == Palette::Tableau)
        return kTableau[index % static_cast<int>(std::size(kTableau))];
    return kOkabeIto[index % static_cast<int>(std::size(kOkabeIto))];
}

QCPScatterStyle::ScatterShape quantityMarker(int index)
{
    static const QCPScatterStyle::ScatterShape shapes[]
        = { QCPScatterStyle::ssCircle, QCPScatterStyle::ssSquare, QCPScatterStyle::ssTriangle,
              QCPScatterStyle::ssDiamond, QCPScatterStyle::ssTriangleInverted, QCPScatterStyle::ssCrossCircle,
              QCPScatterStyle::ssPlusSquare, QCPScatterStyle::ssStar };
    return shapes[std::max(index, 0) % static_cast<int>(std::size(shapes))];
}

double canvasScale(const Style &style)
{
    if (style.canvas.isEmpty())
        return 1.0;
    const double area = static_cast<double>(style.canvas.width()) * style.canvas.height();
    return std::clamp(std::sqrt(area / (style.slide ? kSlideArea : kFigureArea)), 0.6, 4.0);
}

Metrics metricsFor(const Style &style)
{
    Metrics m = style.slide ? Metrics { 15.0, 18.0, 3.0, 9.0, 1.0 } : Metrics { 9.0, 11.0, 1.6, 5.5, 1.0 };
    const double f = canvasScale(style);
    return { m.font * f, m.titleFont * f, m.pen * f, m.marker * f, f };
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

QBrush markerFill(const std::string &engine, const QColor &color)
{
    const EngineInfo *e = findEngine(engine);
    if (e && e->id == EngineId::Sgd)
        return color; // filled
    if (e && e->id == EngineId::Online) {
        QColor tint = color;
        tint.setAlpha(90);
        return tint; // tinted
    }
    return Qt::white; // sgf and anything unknown: open
}

Qt::PenStyle lineOf(const std::string &engine)
{
    const EngineInfo *e = findEngine(engine);
    return e && e->id == EngineId::Ode ? Qt::DashLine : Qt::SolidLine;
}

void styleAxis(QCPAxis *axis, const Style &style, const QString &label)
{
    const Metrics m = metricsFor(style);
    axis->setLabel(label);
    axis->setLabelFont(font(m.font));
    axis->setTickLabelFont(font(m.font * 0.92));
    axis->grid()->setSubGridVisible(false);
    axis->grid()->setPen(QPen(QColor(220, 220, 220), std::max(1.0, m.scale), Qt::DotLine));
    axis->setSubTicks(!style.slide);
    const QPen axisPen(Qt::black, (style.slide ? 1.5 : 1.0) * m.scale);
    axis->setTickLengthIn(qRound(5 * m.scale));
    axis->setSubTickLengthIn(qRound(2 * m.scale));
    axis->setLabelPadding(qRound(5 * m.scale));
    axis->setTickLabelPadding(qRound(5 * m.scale));
    axis->setBasePen(axisPen);
    axis->setTickPen(axisPen);
    axis->setSubTickPen(axisPen);
}

void setLogScale(QCPAxis *axis, bool log)
{
    if (log) {
        axis->setScaleType(QCPAxis::stLogarithmic);
        axis->setTicker(QSharedPointer<QCPAxisTickerLog>(new DecadeTicker));
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
    return QString::fromStdString(dmftlab::engineLabel(engine));
}

bool isTheoryEngine(const std::string &engine)
{
    const EngineInfo *e = findEngine(engine);
    return e && e->isTheory();
}

} // namespace dmftlab::figures
