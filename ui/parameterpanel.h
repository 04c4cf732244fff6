// The parameter dock: edits a RunConfig field by field (the keys of core/config/config.h),
// validates as the user types — a field that does not parse, or that validate() /
// checkEngine() rejects, is marked with the reason and Run stays disabled — and shows
// the derived τ = η/B, the epochs the horizon spans, n and Δ live.
#pragma once

#include "config/config.h"

#include <QString>
#include <QWidget>

#include <map>
#include <optional>
#include <string>
#include <vector>

class QComboBox;
class QLabel;
class QCheckBox;
class QLineEdit;
class QFormLayout;

namespace dmftlab
{

/// Which engines a Run starts (not part of RunConfig: the CLI takes them as --engine):
/// at most one simulation engine and any of the theory engines (engine/registry.h).
struct EngineSelection {
    EngineSelection();
    std::string simulation;          ///< a simulation engine's name, or "" (none); SGF by default
    std::vector<std::string> theory; ///< the theory engines to run; the DMFT by default
    bool runs(const std::string &engine) const;
    /// The simulation first, then the theory engines in registry order.
    std::vector<std::string> engines() const;
};

class ParameterPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ParameterPanel(QWidget *parent = nullptr);

    /// Fills every field from `config` (does not emit changes field by field).
    void setConfig(const RunConfig &config);
    void setEngines(const EngineSelection &engines);
    /// Loads a preset by name into the fields; false if unknown.
    bool loadPreset(const QString &name);

    /// The config the fields describe, when valid.
    std::optional<RunConfig> config() const { return m_config; }
    EngineSelection engines() const;
    bool isValid() const { return m_config.has_value() && m_error.isEmpty(); }
    /// First reason the fields are invalid ("data.alpha must be ..."), empty when valid.
    QString error() const { return m_error; }

    /// The editor of a config key (for tests): a QLineEdit, QComboBox or QCheckBox.
    QWidget *editor(const QString &key) const;
    QString derivedText() const;

signals:
    /// Fields changed and were re-validated.
    void changed();
    void validityChanged(bool valid);
    /// The user asked for the help on `topic` at `anchor` (e.g. "What's this preset?").
    void helpRequested(const QString &topic, const QString &anchor);

private:
    enum class Kind { Number, Int, OptionalNumber, NumberOrMatrix, Choice };
    struct Field {
        QString key;
        Kind kind;
        QWidget *editor;
        QLabel *label;
    };
    void addField(QFormLayout *form, const QString &key, const QString &label, Kind kind,
        const QString &tooltip, const QStringList &choices = {});
    void buildUi();
    void revalidate();
    void mark(const Field &f, const QString &reason);
    QString textOf(const Field &f) const;

    std::vector<Field> m_fields;
    QComboBox *m_preset = nullptr;
    QLabel *m_presetDescription = nullptr;
    QLabel *m_presetHelp = nullptr;
    QComboBox *m_family = nullptr;
    QComboBox *m_simEngine = nullptr;
    std::map<std::string, QCheckBox *> m_theoryBoxes; ///< engine name → its check box
    QLabel *m_derived = nullptr;
    QLabel *m_errorLabel = nullptr;
    QWidget *m_advanced = nullptr;
    std::optional<RunConfig> m_config;
    QString m_error;
    bool m_loading = false;
    bool m_lastValid = false;
};

} // namespace dmftlab
