#include "richtextcombobox.h"

#include <QAbstractTextDocumentLayout>
#include <QPainter>
#include <QStylePainter>
#include <QStyledItemDelegate>
#include <QTextDocument>
#include <QTextDocumentFragment>

namespace dmftlab
{

namespace
{

/// Draws `html` vertically centred in `rect` in the widget's font and text colour.
void drawHtml(
    QPainter *painter, const QRect &rect, const QString &html, const QFont &font, const QColor &color)
{
    QTextDocument doc;
    doc.setDocumentMargin(0);
    doc.setDefaultFont(font);
    doc.setHtml(html);
    painter->save();
    painter->translate(rect.left(), rect.top() + (rect.height() - doc.size().height()) / 2.0);
    QAbstractTextDocumentLayout::PaintContext context;
    context.palette.setColor(QPalette::Text, color);
    context.clip = QRectF(0, 0, rect.width(), rect.height());
    painter->setClipRect(context.clip);
    doc.documentLayout()->draw(painter, context);
    painter->restore();
}

/// The popup's rows: the style's background (hover, selection), then the item's HTML.
class HtmlDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QString html = index.data(RichTextComboBox::HtmlRole).toString();
        if (html.isEmpty()) {
            QStyledItemDelegate::paint(painter, option, index);
            return;
        }
        opt.text.clear();
        opt.widget->style()->drawControl(QStyle::CE_ItemViewItem, &opt, painter, opt.widget);
        const QRect text = opt.widget->style()->subElementRect(QStyle::SE_ItemViewItemText, &opt, opt.widget);
        const bool selected = opt.state & QStyle::State_Selected;
        drawHtml(painter, text.adjusted(2, 0, 0, 0), html, opt.font,
            opt.palette.color(selected ? QPalette::HighlightedText : QPalette::Text));
    }
};

} // namespace

RichTextComboBox::RichTextComboBox(QWidget *parent)
    : QComboBox(parent)
{
    setItemDelegate(new HtmlDelegate(this));
}

void RichTextComboBox::addRichItem(const QString &html, const QVariant &userData)
{
    addItem(QTextDocumentFragment::fromHtml(html).toPlainText(), userData);
    setItemData(count() - 1, html, HtmlRole);
}

void RichTextComboBox::paintEvent(QPaintEvent *)
{
    QStylePainter painter(this);
    QStyleOptionComboBox opt;
    initStyleOption(&opt);
    const QString html = currentData(HtmlRole).toString();
    if (!html.isEmpty())
        opt.currentText.clear();
    painter.drawComplexControl(QStyle::CC_ComboBox, opt);
    painter.drawControl(QStyle::CE_ComboBoxLabel, opt);
    if (!html.isEmpty()) {
        const QRect field
            = style()->subControlRect(QStyle::CC_ComboBox, &opt, QStyle::SC_ComboBoxEditField, this);
        drawHtml(&painter, field.adjusted(2, 0, 0, 0), html, font(),
            palette().color(isEnabled() ? QPalette::Active : QPalette::Disabled, QPalette::ButtonText));
    }
}

} // namespace dmftlab
