// The Pins dock (issue 11): "Pin" keeps the live run's results as a reference (PinStore);
// the list toggles (check box), renames (double-click) and removes pins; the plot overlays
// the live test loss (solid) with every visible pin's (faded, own legend entry), engine
// by engine as the main loss panel draws them.
#pragma once

#include "pinstore.h"

#include <QWidget>

#include <functional>

class QListWidget;
class QPushButton;
class QLabel;
class QCustomPlot;

namespace dmftlab
{

class PinPanel : public QWidget
{
    Q_OBJECT
public:
    /// `live` returns the live run (config, engines, finished results).
    explicit PinPanel(std::function<Session()> live, QWidget *parent = nullptr);

    PinStore *store() const { return m_store; }
    QCustomPlot *plot() const { return m_plot; }
    /// Pins the live run; empty on success, else the reason (also shown in the panel).
    QString pinLive();
    /// Redraws the comparison and renames automatic pins after the live configuration.
    void refresh();

private:
    void rebuildList();

    std::function<Session()> m_live;
    PinStore *m_store;
    QListWidget *m_list;
    QPushButton *m_pin, *m_remove;
    QLabel *m_message;
    QCustomPlot *m_plot;
    bool m_rebuilding = false;
};

} // namespace dmftlab
