// Pinned runs (issue 11): finished results kept as references next to the live run, each
// named after what differs from the live configuration ("B = 1", "α = 4, τ = 0.5") until
// the user renames it. A pin is a Session (config, engines, results), so it is saved in
// sessions with SessionStore's own type-checked JSON; the store checks every pin on load
// and names the bad field ("pins[2].name: expected a string").
#pragma once

#include "sessionstore.h"

#include <QObject>
#include <QString>

#include <nlohmann/json.hpp>
#include <vector>

namespace dmftlab
{

struct Pin {
    QString name;
    bool renamed = false; ///< the user named it: no more automatic names
    bool visible = true;
    Session run;
};

class PinStore : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxPins = 12;

    explicit PinStore(QObject *parent = nullptr);

    const std::vector<Pin> &pins() const { return m_pins; }
    int size() const { return static_cast<int>(m_pins.size()); }

    /// Pins `run` (which must hold results), named by its difference from `live`. Empty on
    /// success, else why not (no results, kMaxPins reached).
    QString add(const Session &run, const RunConfig &live);
    void rename(int index, const QString &name);
    void setVisible(int index, bool visible);
    void remove(int index);
    void clear();
    /// Renames every automatically named pin after its difference from `live`.
    void relabel(const RunConfig &live);

    /// Exports every pin's data like the live run's (ExportService::exportData: config.json,
    /// summary.json, the curves in `formats`) into `dir`/pins/NN_NAME/ (NN from 01, NAME the
    /// pin's name reduced to letters, digits, '.', '-' and '_'). Empty on success.
    QString exportData(const QString &dir, const QStringList &formats, QStringList *written) const;
    /// The folder exportData writes pin `index` into, relative to its `dir`.
    QString exportFolder(int index) const;

    nlohmann::json toJson() const;
    /// Replaces the pins by those in `j` (an array; null = none). Empty on success, else
    /// "pins[i].field: reason" and the store is unchanged.
    QString fromJson(const nlohmann::json &j);

signals:
    void changed();

private:
    std::vector<Pin> m_pins;
};

} // namespace dmftlab
