// The parameter dock: edits a RunConfig field by field (labels, tooltips and choices from
// the schema, core/config/schema.h), validates as the user types — every field whose value
// the schema refuses or that a broken rule names (ConfigError::keys) is marked with the
// reason, all at once, and Run stays disabled — and shows
// the derived τ = η/B, the epochs the horizon spans, n and Δ live.
#pragma once

#include "config/config.h"
#include "config/schema.h"

#include <QString>
#include <QStringList>
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
    std::string simulation; ///< a simulation engine's name, or "" (none); SGF by default
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
    bool isValid() const { return m_config.has_value() && m_errors.isEmpty(); }
    /// First reason the fields are invalid ("α = n/d must be > 0 (got -1)": the keys it
    /// names shown by their labels), empty when valid.
    QString error() const { return m_errors.value(0); }
    /// Every reason, in the order of the schema; each field they name is marked.
    QStringList errors() const { return m_errors; }

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
    struct Field {
        QString key;
        FieldType type;
        QWidget *editor; ///< a QComboBox for fields with choices, else a QLineEdit
        QLabel *label;
    };
    /// A row for `key` with the label, tooltip and choices of its schema row.
    /// The schema's fields of `group` (FieldInfo::dock), in schema order.
    void addFields(QFormLayout *form, DockGroup group);
    void addField(QFormLayout *form, const FieldInfo *info);
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
    QStringList m_errors;
    bool m_loading = false;
    bool m_lastValid = false;
};

} // namespace dmftlab
