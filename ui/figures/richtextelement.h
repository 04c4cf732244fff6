// A figure title that may carry markup: subscripts and italics as in the theory's notation
// ("C<sub>θ</sub>(t, s)" rather than "C_θ(t, s)"), which QCustomPlot's plain text elements
// cannot show. Laid out and drawn with QTextDocument, so it works on screen, in PNG, PDF
// and SVG alike.
#pragma once

#include <qcustomplot.h>

namespace dmftlab::figures
{

class RichTextElement : public QCPTextElement
{
public:
    RichTextElement(QCustomPlot *plot, const QString &html, const QFont &font);

protected:
    QSize minimumOuterSizeHint() const override;
    QSize maximumOuterSizeHint() const override;
    void draw(QCPPainter *painter) override;

private:
    QSizeF documentSize() const;
    QString m_html;
};

} // namespace dmftlab::figures
