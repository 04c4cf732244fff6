// The mouse wheel scrolls what is under the pointer, not the value of a field the pointer
// happens to cross: a wheel turn over an unfocused combo box or spin box scrolls the
// scroll area around it (the parameter dock) instead of changing the value. (Scrolling
// down the dock once switched the simulation engine to "none".) A focused field — the
// user clicked it or tabbed to it — still takes the wheel. Install on the application
// (qApp->installEventFilter) so that fields created later are guarded too.
#pragma once

#include <QObject>

namespace dmftlab
{

class WheelGuard : public QObject
{
    Q_OBJECT
public:
    explicit WheelGuard(QObject *parent = nullptr);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
};

} // namespace dmftlab
