// A short-lived frame drawn over a widget to say "this one" (issue 12: a symbol of the
// Theory view clicked → the panel that plots it is highlighted). A transparent child that
// ignores the mouse, follows its target's size and deletes itself after `milliseconds`.
#pragma once

#include <QWidget>

namespace dmftlab
{

class HighlightOverlay : public QWidget
{
    Q_OBJECT
public:
    /// Frames `target` for `milliseconds`; a second call on the same target restarts it.
    static HighlightOverlay *flash(QWidget *target, int milliseconds = 2500);

protected:
    void paintEvent(QPaintEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    explicit HighlightOverlay(QWidget *target);
};

} // namespace dmftlab
