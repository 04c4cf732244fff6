#include "parameterpanel.h"

#include "config/jsonpath.h"
#include "config/presets.h"
#include "config/schema.h"
#include "dmft/dmftsolver.h"
#include "engine/registry.h"
#include "helpcontent.h"
#include "io/jsonparse.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace dmftlab
{

namespace
{

QString number(double x)
{
    return QString::number(x, 'g', 12);
}

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

/// The field's text as the JSON value the schema checks: a number when it reads as one,
/// else the text itself (the schema then says "expected a number, got \"abc\"").
json jsonOf(FieldType type, const QString &text)
{
    const QLocale c = QLocale::c();
    bool ok = false;
    if (type == FieldType::String)
        return text.toStdString();
    if (type == FieldType::NumberOrNull && text.isEmpty())
        return nullptr;
    if (type == FieldType::Int) {
        const qlonglong i = c.toLongLong(text, &ok);
        if (ok)
            return static_cast<long long>(i);
    }
    const double x = c.toDouble(text, &ok);
    if (ok)
        return x;
    if (type == FieldType::NumberOrMatrix) {
        json m;
        if (io::parseJson(text.toStdString(), &m).empty())
            return m;
    }
    return text.toStdString();
}

/// The message with each key it names replaced by the field's on-screen label.
QString labelled(const ConfigError &e)
{
    QString message = q(e.message);
    std::vector<std::string> keys = e.keys;
    std::sort(keys.begin(), keys.end(), [](const auto &a, const auto &b) { return a.size() > b.size(); });
    for (const std::string &key : keys)
        if (const FieldInfo *f = findField(key))
            message.replace(q(key), q(f->label));
    return message;
}

} // namespace

EngineSelection::EngineSelection()
    : simulation(engineInfo(EngineId::Sgf).name)
    , theory { engineInfo(EngineId::Dmft).name }
{
}

bool EngineSelection::runs(const std::string &engine) const
{
    return engine == simulation || std::find(theory.begin(), theory.end(), engine) != theory.end();
}

std::vector<std::string> EngineSelection::engines() const
{
    std::vector<std::string> out;
    if (!simulation.empty())
        out.push_back(simulation);
    for (const EngineInfo &e : engineRegistry())
        if (e.isTheory() && runs(e.name))
            out.push_back(e.name);
    return out;
}

ParameterPanel::ParameterPanel(QWidget *parent)
    : QWidget(parent)
{
    buildUi();
    m_loading = true;
    setEngines(EngineSelection {});
    loadPreset(QString::fromStdString(presets().front().name));
}

void ParameterPanel::addFields(QFormLayout *form, DockGroup group)
{
    for (const FieldInfo &f : configSchema())
        if (f.dock == group)
            addField(form, &f);
}

void ParameterPanel::addField(QFormLayout *form, const FieldInfo *info)
{
    QWidget *editor = nullptr;
    if (!info->choices.empty()) {
        auto *combo = new QComboBox;
        for (const std::string &c : info->choices)
            combo->addItem(q(c), q(c));
        connect(combo, &QComboBox::currentIndexChanged, this, &ParameterPanel::revalidate);
        editor = combo;
    } else {
        auto *edit = new QLineEdit;
        connect(edit, &QLineEdit::textChanged, this, &ParameterPanel::revalidate);
        if (info->type == FieldType::NumberOrNull)
            edit->setPlaceholderText("η/B");
        editor = edit;
    }
    editor->setObjectName(q(info->key));
    QString tooltip = q(info->doc);
    tooltip[0] = tooltip[0].toUpper();
    const std::string range = info->rangeText();
    if (!range.empty() && info->choices.empty())
        tooltip += " (" + q(range) + ")";
    editor->setToolTip(tooltip + ".\n[" + q(info->key) + "]");
    auto *l = new QLabel(q(info->label));
    l->setToolTip(editor->toolTip());
    form->addRow(l, editor);
    m_fields.push_back({ q(info->key), info->type, editor, l });
}

void ParameterPanel::buildUi()
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    auto section = [&](const QString &title) {
        auto *box = new QGroupBox(title);
        auto *form = new QFormLayout(box);
        form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        form->setContentsMargins(6, 4, 6, 4);
        layout->addWidget(box);
        return form;
    };

    // Preset -------------------------------------------------------------------------
    QFormLayout *f = section("Preset");
    m_preset = new QComboBox;
    for (const Preset &p : presets())
        m_preset->addItem(QString::fromStdString(p.name), QString::fromStdString(p.name));
    m_preset->setToolTip("Load a named model with instructive defaults (replaces every field).");
    f->addRow("Preset", m_preset);
    m_presetDescription = new QLabel;
    m_presetDescription->setWordWrap(true);
    m_presetDescription->setStyleSheet("color: #555;");
    f->addRow(m_presetDescription);
    m_presetHelp = new QLabel;
    m_presetHelp->setObjectName("presetHelp");
    m_presetHelp->setToolTip("Open the help on this preset: what it shows and why (F1 for all help).");
    f->addRow(m_presetHelp);
    connect(m_presetHelp, &QLabel::linkActivated, this,
        [this](const QString &link) { emit helpRequested("presets", link.section('#', 1)); });
    connect(m_preset, &QComboBox::activated, this,
        [this](int i) { loadPreset(m_preset->itemData(i).toString()); });

    // Student ------------------------------------------------------------------------
    f = section("Student");
    m_family = new QComboBox;
    m_family->addItem("GLM (k = 1)");
    m_family->addItem("Two-layer network (k ≥ 2)");
    m_family->setToolTip("A generalised linear model has one unit; a committee machine sums k units.");
    f->addRow("Model family", m_family);
    addFields(f, DockGroup::Student);
    connect(m_family, &QComboBox::activated, this, [this](int index) {
        auto *width = static_cast<QLineEdit *>(editor(ConfigKey::ModelWidth));
        if (index == 0)
            width->setText("1");
        else if (width->text().trimmed() == "1")
            width->setText("2");
        width->setEnabled(index == 1);
    });

    // Teacher ------------------------------------------------------------------------
    f = section("Teacher");
    addFields(f, DockGroup::Teacher);

    // Data and optimiser -------------------------------------------------------------
    f = section("Data and optimiser");
    addFields(f, DockGroup::DataOptimizer);
    m_derived = new QLabel;
    m_derived->setWordWrap(true);
    m_derived->setObjectName("derived");
    m_derived->setToolTip("Derived from the fields above, updated as you type.");
    f->addRow(m_derived);

    // Initialisation and time --------------------------------------------------------
    f = section("Initialisation and time");
    addFields(f, DockGroup::InitTime);

    // Simulation ---------------------------------------------------------------------
    f = section("Simulation (finite d)");
    m_simEngine = new QComboBox;
    // SGF first: the simulation the DMFT describes.
    std::vector<const EngineInfo *> simulations;
    for (const EngineInfo &e : engineRegistry())
        if (e.isSimulation())
            simulations.insert(e.sgfType ? simulations.begin() : simulations.end(), &e);
    for (const EngineInfo *e : simulations)
        m_simEngine->addItem(
            QString::fromStdString(e->label + " (" + e->detail + ")"), QString::fromStdString(e->name));
    m_simEngine->addItem("none", "");
    m_simEngine->setObjectName("engine.simulation");
    m_simEngine->setToolTip("Which finite-d dynamics to simulate next to the theory.");
    connect(m_simEngine, &QComboBox::currentIndexChanged, this, &ParameterPanel::revalidate);
    f->addRow("Engine", m_simEngine);
    addFields(f, DockGroup::Simulation);

    // Theory -------------------------------------------------------------------------
    f = section("Theory (d = ∞)");
    auto *engineRow = new QWidget;
    auto *engineLayout = new QHBoxLayout(engineRow);
    engineLayout->setContentsMargins(0, 0, 0, 0);
    for (const EngineInfo &e : engineRegistry()) {
        if (!e.isTheory())
            continue;
        auto *box = new QCheckBox(QString::fromStdString(e.label));
        box->setObjectName(QString::fromStdString("engine." + e.name));
        box->setToolTip(
            QString::fromStdString("Run " + e.label + " (" + e.detail + ") alongside the simulation."));
        engineLayout->addWidget(box);
        connect(box, &QCheckBox::toggled, this, &ParameterPanel::revalidate);
        m_theoryBoxes[e.name] = box;
    }
    engineLayout->addStretch();
    f->addRow("Engines", engineRow);
    addFields(f, DockGroup::Theory);
    auto *toggle = new QToolButton;
    toggle->setText("Advanced");
    toggle->setCheckable(true);
    toggle->setArrowType(Qt::RightArrow);
    toggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toggle->setToolTip("Solver and simulation details.");
    f->addRow(toggle);
    m_advanced = new QWidget;
    auto *adv = new QFormLayout(m_advanced);
    adv->setContentsMargins(0, 0, 0, 0);
    addFields(adv, DockGroup::AdvancedTheory);
    addFields(adv, DockGroup::AdvancedSimulation);
    f->addRow(m_advanced);
    m_advanced->setVisible(false);
    connect(toggle, &QToolButton::toggled, this, [this, toggle](bool on) {
        m_advanced->setVisible(on);
        toggle->setArrowType(on ? Qt::DownArrow : Qt::RightArrow);
    });

    // One label column for every section, so the fields line up from box to box.
    std::vector<QWidget *> labels;
    int labelWidth = 0;
    for (QFormLayout *form : findChildren<QFormLayout *>()) {
        for (int row = 0; row < form->rowCount(); ++row) {
            QLayoutItem *item = form->itemAt(row, QFormLayout::LabelRole);
            if (item && item->widget()) {
                labels.push_back(item->widget());
                labelWidth = std::max(labelWidth, item->widget()->sizeHint().width());
            }
        }
    }
    for (QWidget *label : labels)
        label->setMinimumWidth(labelWidth);

    m_errorLabel = new QLabel;
    m_errorLabel->setObjectName("error");
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setStyleSheet("color: #b00020; font-weight: bold;");
    layout->addWidget(m_errorLabel);
    layout->addStretch();
}

QWidget *ParameterPanel::editor(const QString &key) const
{
    for (const Field &f : m_fields)
        if (f.key == key)
            return f.editor;
    if (key == "engine.simulation")
        return m_simEngine;
    for (const auto &[name, box] : m_theoryBoxes)
        if (key == QString::fromStdString("engine." + name))
            return box;
    return nullptr;
}

bool ParameterPanel::loadPreset(const QString &name)
{
    const Preset *p = findPreset(name.toStdString());
    if (!p)
        return false;
    setConfig(presetConfig(p->name));
    return true;
}

void ParameterPanel::setConfig(const RunConfig &config)
{
    m_loading = true;
    const json j = configToJson(config);
    for (const Field &f : m_fields) {
        const json *v = jsonpath::find(j, f.key.toStdString());
        if (auto *combo = qobject_cast<QComboBox *>(f.editor)) {
            const QString s = v && v->is_string() ? QString::fromStdString(v->get<std::string>()) : QString();
            combo->setCurrentIndex(std::max(0, combo->findData(s)));
            continue;
        }
        QString text;
        if (v && v->is_number_unsigned())
            text = QString::number(v->get<quint64>());
        else if (v && v->is_number_integer())
            text = QString::number(v->get<long long>());
        else if (v && v->is_number())
            text = number(v->get<double>());
        else if (v && v->is_array())
            text = QString::fromStdString(v->dump());
        static_cast<QLineEdit *>(f.editor)->setText(text);
    }
    const int presetIndex = m_preset->findData(QString::fromStdString(config.preset));
    if (presetIndex >= 0)
        m_preset->setCurrentIndex(presetIndex);
    const Preset *p = findPreset(config.preset);
    m_presetDescription->setText(p ? QString::fromStdString(p->description) : "Custom configuration.");
    m_presetHelp->setText(p ? QString("<a href=\"presets.html#%1\">What's this preset?</a>")
                                  .arg(help::presetAnchor(QString::fromStdString(p->name)))
                            : QString());
    m_presetHelp->setVisible(p != nullptr);
    m_family->setCurrentIndex(config.problem.width > 1 ? 1 : 0);
    editor(ConfigKey::ModelWidth)->setEnabled(config.problem.width > 1);
    m_loading = false;
    revalidate();
}

void ParameterPanel::setEngines(const EngineSelection &engines)
{
    m_loading = true;
    m_simEngine->setCurrentIndex(
        std::max(0, m_simEngine->findData(QString::fromStdString(engines.simulation))));
    for (const auto &[name, box] : m_theoryBoxes)
        box->setChecked(engines.runs(name));
    m_loading = false;
    revalidate();
}

EngineSelection ParameterPanel::engines() const
{
    EngineSelection e;
    e.simulation = m_simEngine->currentData().toString().toStdString();
    e.theory.clear();
    for (const auto &[name, box] : m_theoryBoxes)
        if (box->isChecked())
            e.theory.push_back(name);
    return e;
}

QString ParameterPanel::textOf(const Field &f) const
{
    if (auto *combo = qobject_cast<QComboBox *>(f.editor))
        return combo->currentData().toString();
    return static_cast<QLineEdit *>(f.editor)->text().trimmed();
}

void ParameterPanel::mark(const Field &f, const QString &reason)
{
    f.editor->setProperty("invalid", !reason.isEmpty());
    f.editor->setStyleSheet(
        reason.isEmpty() ? QString() : QString("background: #fde2e2; border: 1px solid #b00020;"));
    const QString base = f.editor->toolTip().section("\n\u26a0 ", 0, 0);
    f.editor->setToolTip(reason.isEmpty() ? base : base + "\n\u26a0 " + reason);
}

void ParameterPanel::revalidate()
{
    if (m_loading)
        return;
    m_config.reset();
    m_errors.clear();

    // The fields as a config tree, checked by the schema: every refused value and every
    // broken rule comes back at once, with the keys it concerns.
    json tree = json::object();
    tree[ConfigKey::Preset] = m_preset->currentData().toString().toStdString();
    for (const Field &f : m_fields)
        jsonpath::set(tree, f.key.toStdString(), jsonOf(f.type, textOf(f)));
    const ConfigResult r = configFromJson(tree, RunConfig {});
    std::vector<ConfigError> errors = r.errors;
    const EngineSelection sel = engines();
    if (r.ok()) {
        for (const std::string &engine : sel.engines()) {
            if (EngineCheck problem = checkEngine(engine, *r.config))
                errors.push_back(std::move(*problem)); // its keys mark the fields
        }
        m_config = r.config;
    }
    // the tangent paths are not used where K comes from Stein's identity or is exact
    if (QWidget *tangents = editor(ConfigKey::DmftTangentPaths))
        tangents->setEnabled(!m_config || dmftUsesTangentPaths(*m_config));
    if (sel.engines().empty())
        errors.push_back({ {}, "select at least one engine (a simulation, DMFT or the online ODE)" });

    for (const ConfigError &e : errors)
        m_errors << labelled(e);
    for (const Field &f : m_fields) {
        QStringList reasons;
        for (std::size_t i = 0; i < errors.size(); ++i)
            if (std::find(errors[i].keys.begin(), errors[i].keys.end(), f.key.toStdString())
                != errors[i].keys.end())
                reasons << m_errors[int(i)];
        mark(f, reasons.join("\n\u26a0 "));
    }
    QStringList shown;
    for (const QString &e : m_errors)
        shown << "\u26a0 " + e;
    m_errorLabel->setText(shown.join("\n"));
    m_errorLabel->setVisible(!m_errors.isEmpty());
    m_derived->setText(derivedText());

    const bool valid = isValid();
    emit changed();
    if (valid != m_lastValid) {
        m_lastValid = valid;
        emit validityChanged(valid);
    }
}

QString ParameterPanel::derivedText() const
{
    if (!m_config)
        return "τ = η/B and the epochs appear once the fields are valid.";
    const RunConfig &c = *m_config;
    QString s = QString("τ = η/B = %1").arg(number(c.sgdTau()));
    if (c.optimizer.tau)
        s += QString(" (SGF/DMFT use τ = %1%2)")
                 .arg(number(*c.optimizer.tau), *c.optimizer.tau == 0 ? ": gradient flow" : "");
    const double e = c.epochs();
    s += QString(" · the horizon spans %1 · n = %2 samples · Δ = %3")
             .arg(std::isfinite(e) ? QString::number(e, 'g', 4) + " epochs" : QString("∞ epochs (τ = 0)"))
             .arg(c.samples())
             .arg(QString::number(c.dt(), 'g', 4)); // a readout: 0.2083, not 0.208333333333
    if (c.tamingEnabled())
        s += " · taming on";
    return s;
}

} // namespace dmftlab
