#include "parameterpanel.h"

#include "config/presets.h"
#include "engine/engine.h"
#include "helpcontent.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QRegularExpression>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace dmftlab
{

namespace
{

const QStringList kActivations = { "linear", "erf", "tanh", "quadratic", "relu" };

QString number(double x)
{
    return QString::number(x, 'g', 12);
}

/// tree[a][b][c] = value for key "a.b.c".
void setNested(json &tree, const QString &key, const json &value)
{
    json *node = &tree;
    const QStringList parts = key.split('.');
    for (int i = 0; i + 1 < parts.size(); ++i)
        node = &(*node)[parts[i].toStdString()];
    (*node)[parts.last().toStdString()] = value;
}

const json *getNested(const json &tree, const QString &key)
{
    const json *node = &tree;
    for (const QString &part : key.split('.')) {
        const auto it = node->find(part.toStdString());
        if (it == node->end())
            return nullptr;
        node = &*it;
    }
    return node;
}

/// Does `message` name `key` (as a whole dotted key, not a prefix of a longer one)?
bool mentions(const QString &message, const QString &key)
{
    const QRegularExpression re("(^|[^A-Za-z0-9_.])" + QRegularExpression::escape(key) + "($|[^A-Za-z0-9_])");
    return re.match(message).hasMatch();
}

} // namespace

std::vector<std::string> EngineSelection::engines() const
{
    std::vector<std::string> out;
    if (!simulation.empty())
        out.push_back(simulation);
    if (dmft)
        out.push_back("dmft");
    if (ode)
        out.push_back("ode");
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

void ParameterPanel::addField(QFormLayout *form, const QString &key, const QString &label, Kind kind,
    const QString &tooltip, const QStringList &choices)
{
    QWidget *editor = nullptr;
    if (kind == Kind::Choice) {
        auto *combo = new QComboBox;
        for (const QString &c : choices)
            combo->addItem(c, c);
        connect(combo, &QComboBox::currentIndexChanged, this, &ParameterPanel::revalidate);
        editor = combo;
    } else {
        auto *edit = new QLineEdit;
        connect(edit, &QLineEdit::textChanged, this, &ParameterPanel::revalidate);
        if (kind == Kind::OptionalNumber)
            edit->setPlaceholderText("η/B");
        editor = edit;
    }
    editor->setObjectName(key);
    editor->setToolTip(tooltip + "\n[" + key + "]");
    auto *l = new QLabel(label);
    l->setToolTip(editor->toolTip());
    form->addRow(l, editor);
    m_fields.push_back({ key, kind, editor, l });
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
    addField(f, "model.activation", "Activation σ", Kind::Choice, "Student activation σ of each unit.",
        kActivations);
    addField(f, "model.width", "Width k", Kind::Int, "Number of student units k (1 for a GLM).");
    addField(f, "model.loss", "Loss", Kind::Choice, "Per-sample loss: square, or logistic for ±1 labels.",
        { "square", "logistic" });
    connect(m_family, &QComboBox::activated, this, [this](int index) {
        auto *width = static_cast<QLineEdit *>(editor("model.width"));
        if (index == 0)
            width->setText("1");
        else if (width->text().trimmed() == "1")
            width->setText("2");
        width->setEnabled(index == 1);
    });

    // Teacher ------------------------------------------------------------------------
    f = section("Teacher");
    addField(f, "teacher.activation", "Activation σ*", Kind::Choice, "Teacher activation σ* of each unit.",
        kActivations);
    addField(f, "teacher.width", "Width k*", Kind::Int, "Number of teacher units k*.");
    addField(f, "teacher.noise", "Noise σ", Kind::Number, "Label noise: y = f*(z) + σ ε with ε ~ N(0, 1).");
    addField(f, "teacher.labels", "Labels", Kind::Choice,
        "Real-valued labels, or their sign (classification).", { "real", "sign" });
    addField(f, "teacher.prior", "Prior of θ*", Kind::Choice,
        "Law of the teacher's entries (unit second moment): the coordinate law becomes a mixture.",
        { "gaussian", "rademacher", "sparse" });
    addField(f, "teacher.sparsity", "Sparsity s", Kind::Number,
        "Fraction of non-zero teacher entries (±1/√s) of the sparse prior.");

    // Data and optimiser -------------------------------------------------------------
    f = section("Data and optimiser");
    addField(f, "data.alpha", "α = n/d", Kind::Number, "Samples per dimension: n = α d training samples.");
    addField(f, "optimizer.learning_rate", "Learning rate η", Kind::Number,
        "SGD step size η; time advances by η/d per step.");
    addField(f, "optimizer.batch_size", "Batch size B", Kind::Int, "Samples per SGD step; τ = η/B.");
    addField(f, "optimizer.tau", "τ (SGF/DMFT)", Kind::OptionalNumber,
        "Set τ directly for SGF, DMFT and ODE (0 = gradient flow); empty uses η/B.");
    addField(f, "optimizer.ridge", "Ridge λ", Kind::Number, "Ridge (weight decay) strength λ ≥ 0.");
    addField(f, "optimizer.taming", "Taming", Kind::Choice,
        "Tamed increments g/(1 + Δ|g|) for fast-growing gradients; auto = on for quadratic σ.",
        { "auto", "on", "off" });
    m_derived = new QLabel;
    m_derived->setWordWrap(true);
    m_derived->setObjectName("derived");
    m_derived->setToolTip("Derived from the fields above, updated as you type.");
    f->addRow(m_derived);

    // Initialisation and time --------------------------------------------------------
    f = section("Initialisation and time");
    addField(f, "init.q0", "q₀", Kind::Number, "Initial self-overlap: Q(0) = q₀ I.");
    addField(f, "init.m0", "m₀", Kind::NumberOrMatrix,
        "Initial teacher overlap M(0): a number for every entry, or a k×k* matrix [[..],[..]].");
    addField(f, "init.m0_asymmetry", "m₀ asymmetry", Kind::Number,
        "Added to M(0)'s diagonal to break the units' permutation symmetry (needed at d = ∞).");
    addField(f, "time.horizon", "Horizon T", Kind::Number, "Final time T (t = steps · η/d).");
    addField(
        f, "time.steps", "Grid steps N", Kind::Int, "Number of grid intervals: observables at t_n = n T/N.");

    // Simulation ---------------------------------------------------------------------
    f = section("Simulation (finite d)");
    m_simEngine = new QComboBox;
    m_simEngine->addItem("SGF (Euler–Maruyama)", "sgf");
    m_simEngine->addItem("SGD (multi-pass minibatch)", "sgd");
    m_simEngine->addItem("Online SGD (fresh samples)", "online");
    m_simEngine->addItem("none", "");
    m_simEngine->setObjectName("engine.simulation");
    m_simEngine->setToolTip("Which finite-d dynamics to simulate next to the theory.");
    connect(m_simEngine, &QComboBox::currentIndexChanged, this, &ParameterPanel::revalidate);
    f->addRow("Engine", m_simEngine);
    addField(
        f, "sim.dimension", "Dimension d", Kind::Int, "Input dimension d of the finite-size simulation.");
    addField(f, "sim.seeds", "Seeds", Kind::Int, "Independent runs averaged (error bars are their SE).");
    addField(f, "sim.seed", "Base seed", Kind::Int, "Seed s uses base + s: results are reproducible.");

    // Theory -------------------------------------------------------------------------
    f = section("Theory (d = ∞)");
    m_dmft = new QCheckBox("DMFT");
    m_dmft->setObjectName("engine.dmft");
    m_dmft->setToolTip("Solve the dynamical mean-field theory alongside the simulation.");
    m_ode = new QCheckBox("Online ODE");
    m_ode->setObjectName("engine.ode");
    m_ode->setToolTip("Integrate the online-limit ODE (α → ∞) for comparison.");
    auto *engineRow = new QWidget;
    auto *engineLayout = new QHBoxLayout(engineRow);
    engineLayout->setContentsMargins(0, 0, 0, 0);
    engineLayout->addWidget(m_dmft);
    engineLayout->addWidget(m_ode);
    engineLayout->addStretch();
    f->addRow("Engines", engineRow);
    connect(m_dmft, &QCheckBox::toggled, this, &ParameterPanel::revalidate);
    connect(m_ode, &QCheckBox::toggled, this, &ParameterPanel::revalidate);
    addField(f, "dmft.paths", "Paths P", Kind::Int, "Sampled r-process paths per replica.");
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
    addField(adv, "dmft.tangent_paths", "Tangent paths", Kind::Int,
        "Paths used for the memory kernel K (the expensive part), at most P.");
    addField(adv, "dmft.replicas", "Replicas", Kind::Int,
        "Independent path sets; their spread gives the DMFT's SE.");
    addField(adv, "dmft.damping", "Damping β", Kind::Number,
        "Fixed-point mixing X ← (1−β) X + β X_new, in (0, 1].");
    addField(adv, "dmft.mixing_memory", "Anderson memory", Kind::Int,
        "Anderson mixing over this many past iterates (0–20; 0 = plain damping).");
    addField(
        adv, "dmft.tolerance", "Tolerance", Kind::Number, "Stop when the relative change falls below this.");
    addField(adv, "dmft.max_iterations", "Max iterations", Kind::Int, "Iteration cap of the fixed point.");
    addField(adv, "dmft.seed", "DMFT seed", Kind::Int, "Seed of the DMFT's sampled paths.");
    addField(adv, "dmft.warm_start", "Warm start", Kind::Choice,
        "Initial guess: the online ODE or no learning.", { "ode", "none" });
    addField(adv, "sim.substeps", "SGF sub-steps", Kind::Int, "Euler–Maruyama steps per grid interval.");
    addField(adv, "sim.sampling", "SGD batches", Kind::Choice,
        "Reshuffle every epoch, or sample batches with replacement.", { "reshuffle", "replacement" });
    addField(adv, "sim.threads", "Threads", Kind::Int, "Worker threads per engine (0 = all cores).");
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
    if (key == "engine.dmft")
        return m_dmft;
    if (key == "engine.ode")
        return m_ode;
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
        const json *v = getNested(j, f.key);
        if (f.kind == Kind::Choice) {
            auto *combo = static_cast<QComboBox *>(f.editor);
            const QString s = v && v->is_string() ? QString::fromStdString(v->get<std::string>()) : QString();
            combo->setCurrentIndex(std::max(0, combo->findData(s)));
            continue;
        }
        QString text;
        if (v && v->is_number_integer())
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
    editor("model.width")->setEnabled(config.problem.width > 1);
    m_loading = false;
    revalidate();
}

void ParameterPanel::setEngines(const EngineSelection &engines)
{
    m_loading = true;
    m_simEngine->setCurrentIndex(
        std::max(0, m_simEngine->findData(QString::fromStdString(engines.simulation))));
    m_dmft->setChecked(engines.dmft);
    m_ode->setChecked(engines.ode);
    m_loading = false;
    revalidate();
}

EngineSelection ParameterPanel::engines() const
{
    EngineSelection e;
    e.simulation = m_simEngine->currentData().toString().toStdString();
    e.dmft = m_dmft->isChecked();
    e.ode = m_ode->isChecked();
    return e;
}

QString ParameterPanel::textOf(const Field &f) const
{
    if (f.kind == Kind::Choice)
        return static_cast<QComboBox *>(f.editor)->currentData().toString();
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

QString ParameterPanel::theoryUnavailable(const std::string &engine) const
{
    if (!m_config)
        return {};
    const std::string reason = checkEngine(engine, *m_config);
    return QString::fromStdString(reason).contains("not available") ? QString::fromStdString(reason)
                                                                    : QString();
}

void ParameterPanel::revalidate()
{
    if (m_loading)
        return;
    for (const Field &f : m_fields)
        mark(f, {});
    m_config.reset();
    m_error.clear();

    // 1. Each field on its own: does it parse as its type?
    json tree = json::object();
    tree["preset"] = m_preset->currentData().toString().toStdString();
    const QLocale c = QLocale::c();
    for (const Field &f : m_fields) {
        const QString text = textOf(f);
        QString reason;
        json value;
        bool ok = false;
        switch (f.kind) {
        case Kind::Choice:
            value = text.toStdString();
            ok = true;
            break;
        case Kind::Number: {
            const double x = c.toDouble(text, &ok);
            ok = ok && std::isfinite(x);
            if (ok)
                value = x;
            else
                reason = text.isEmpty() ? "needs a number" : "'" + text + "' is not a number";
            break;
        }
        case Kind::Int: {
            const qlonglong x = c.toLongLong(text, &ok);
            if (ok)
                value = static_cast<long long>(x);
            else
                reason = text.isEmpty() ? "needs a whole number" : "'" + text + "' is not a whole number";
            break;
        }
        case Kind::OptionalNumber: {
            if (text.isEmpty()) {
                value = nullptr;
                ok = true;
                break;
            }
            const double x = c.toDouble(text, &ok);
            ok = ok && std::isfinite(x);
            if (ok)
                value = x;
            else
                reason = "'" + text + "' is not a number (leave empty for η/B)";
            break;
        }
        case Kind::NumberOrMatrix: {
            const double x = c.toDouble(text, &ok);
            if (ok && std::isfinite(x)) {
                value = x;
                break;
            }
            value = json::parse(text.toStdString(), nullptr, false);
            ok = !value.is_discarded() && value.is_array();
            if (!ok)
                reason = "'" + text + "' is neither a number nor a matrix [[..], [..]]";
            break;
        }
        }
        if (!ok) {
            mark(f, reason);
            if (m_error.isEmpty())
                m_error = f.key + ": " + reason;
            continue;
        }
        setNested(tree, f.key, value);
    }

    // 2. The whole config (cross-field rules), then the chosen engines.
    if (m_error.isEmpty()) {
        const ConfigResult r = configFromJson(tree, RunConfig {});
        if (!r.ok()) {
            m_error = QString::fromStdString(r.error);
        } else {
            const EngineSelection sel = engines();
            for (const std::string &engine : sel.engines()) {
                const QString reason = QString::fromStdString(checkEngine(engine, *r.config));
                // A theory engine missing from this build is reported in its panels, not
                // a reason to refuse the simulation.
                if (!reason.isEmpty() && !reason.contains("not available")) {
                    m_error = reason;
                    break;
                }
            }
            if (sel.engines().empty())
                m_error = "select at least one engine (a simulation, DMFT or the online ODE)";
            m_config = r.config;
        }
        bool marked = false;
        for (const Field &f : m_fields) {
            if (!m_error.isEmpty() && mentions(m_error, f.key)) {
                mark(f, m_error);
                marked = true;
            }
        }
        (void)marked;
    }
    m_errorLabel->setText(m_error.isEmpty() ? QString() : "\u26a0 " + m_error);
    m_errorLabel->setVisible(!m_error.isEmpty());
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
             .arg(number(c.dt()));
    if (c.tamingEnabled())
        s += " · taming on";
    return s;
}

} // namespace dmftlab
