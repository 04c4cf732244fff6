#include "richtextelement.h"

#include <QAbstractTextDocumentLayout>
#include <QTextDocument>

#include <cmath>

namespace dmftlab::figures
{

namespace
{

void prepare(QTextDocument *doc, const QString &html, const QFont &font, const QColor &color)
{
    doc->setDocumentMargin(0);
    doc->setDefaultFont(font);
    doc->setDefaultStyleSheet(QString("body { color: %1; }").arg(color.name()));
    doc->setHtml("<body>" + html + "</body>");
}

} // namespace

RichTextElement::RichTextElement(QCustomPlot *plot, const QString &html, const QFont &font)
    : QCPTextElement(plot, QTextDocumentFragment::fromHtml(html).toPlainText(), font)
    , m_html(html)
{
}

QSizeF RichTextElement::documentSize() const
{
    QTextDocument doc;
    prepare(&doc, m_html, mFont, mTextColor);
    return doc.size();
}

QSize RichTextElement::minimumOuterSizeHint() const
{
    const QSizeF s = documentSize();
    return QSize(static_cast<int>(std::ceil(s.width())) + mMargins.left() + mMargins.right(),
        static_cast<int>(std::ceil(s.height())) + mMargins.top() + mMargins.bottom());
}

QSize RichTextElement::maximumOuterSizeHint() const
{
    QSize s = minimumOuterSizeHint();
    s.setWidth(QWIDGETSIZE_MAX);
    return s;
}

void RichTextElement::draw(QCPPainter *painter)
{
    QTextDocument doc;
    prepare(&doc, m_html, mFont, mTextColor);
    const QSizeF size = doc.size();
    const QRect r = mRect;
    const double x = r.left() + 0.5 * (r.width() - size.width());
    const double y = r.top() + 0.5 * (r.height() - size.height());
    painter->save();
    painter->translate(x, y);
    QAbstractTextDocumentLayout::PaintContext context;
    context.palette.setColor(QPalette::Text, mTextColor);
    doc.documentLayout()->draw(painter, context);
    painter->restore();
}

} // namespace dmftlab::figures
