// A time marked in a plot for a guided tour step (tours.h): a vertical line at time t across
// the first axis rect of a QCustomPlot, labelled "t = …". A transparent child of the plot that
// ignores the mouse and reads the axis on every paint, so it stays right when the panel
// redraws (live frames, zoom) — a plot item would be cleared by the next redraw.
#pragma once

#include <QWidget>

class QCustomPlot;

namespace dmftlab
{

class TourMarker : public QWidget
{
    Q_OBJECT
public:
    TourMarker(QCustomPlot *plot, double time);
    double time() const { return m_time; }
    /// Pixel column of the time in the plot, −1 when outside the axis range.
    int pixel() const;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QCustomPlot *m_plot;
    double m_time;
};

} // namespace dmftlab
