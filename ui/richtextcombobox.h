// A combo box whose items carry markup, for choices named by symbols of the theory
// (R<sub>θ</sub>(t, s)): QComboBox draws plain text only, which showed "R_θ" with a
// literal underscore. The item text is the plain form (R θ without markup) for
// accessibility and tests; the popup and the closed box draw the HTML.
#pragma once

#include <QComboBox>

namespace dmftlab
{

class RichTextComboBox : public QComboBox
{
    Q_OBJECT
public:
    explicit RichTextComboBox(QWidget *parent = nullptr);
    /// Adds an item shown as `html` (subscripts, italics), with `userData` as its data.
    void addRichItem(const QString &html, const QVariant &userData);
    static constexpr int HtmlRole = Qt::UserRole + 1;

protected:
    void paintEvent(QPaintEvent *event) override;
};

} // namespace dmftlab
