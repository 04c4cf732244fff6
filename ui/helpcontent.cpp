#include "helpcontent.h"

#include "config/jsonpath.h"
#include "config/presets.h"
#include "config/schema.h"
#include "sessionstore.h"

#include <QFile>
#include <QRegularExpression>

namespace dmftlab::help
{

namespace
{

/// JSON value of the dotted `key` in `tree` as the help shows it, or a null QString.
QString valueText(const json &tree, const QString &key)
{
    const json *node = jsonpath::find(tree, key.toStdString());
    if (!node)
        return {};
    if (node->is_string())
        return QString::fromStdString(node->get<std::string>());
    if (node->is_null())
        return QStringLiteral("empty");
    if (node->is_number_float())
        return QString::number(node->get<double>(), 'g', 10);
    if (node->is_object())
        return {};
    return QString::fromStdString(node->dump());
}

QString q(const std::string &s)
{
    return QString::fromStdString(s).toHtmlEscaped();
}

/// "<b>Label</b> (<code>key</code>, default 50, 1..5000)" from the schema row.
QString fieldIntro(const FieldInfo &f)
{
    QString s = "<b>" + q(f.label) + "</b> (<code>" + q(f.key) + "</code>, default "
        + valueText(configToJson(RunConfig {}), QString::fromStdString(f.key)).toHtmlEscaped();
    if (const std::string range = f.rangeText(); !range.empty() && f.choices.empty())
        s += ", " + q(range);
    return s + ")";
}

/// The whole schema as a table: key, label, type, default, allowed values, meaning.
QString schemaTable()
{
    const json defaults = configToJson(RunConfig {});
    QString s = "<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\">\n<tr><th>Key</th><th>Label</th>"
                "<th>Type</th><th>Default</th><th>Allowed</th><th>Meaning</th></tr>\n";
    for (const FieldInfo &f : configSchema())
        s += "<tr><td><code>" + q(f.key) + "</code></td><td>" + q(f.label) + "</td><td>" + q(f.typeText())
            + "</td><td>" + valueText(defaults, QString::fromStdString(f.key)).toHtmlEscaped() + "</td><td>"
            + q(f.rangeText()) + "</td><td>" + q(f.doc) + "</td></tr>\n";
    return s + "</table>";
}

QString resolve(const QString &placeholder)
{
    const QStringList parts = placeholder.split(':');
    if (parts.size() == 2 && parts[0] == "default")
        return valueText(configToJson(RunConfig {}), parts[1]);
    if (parts.size() == 2 && parts[0] == "field") {
        const FieldInfo *f = findField(parts[1].toStdString());
        return f ? fieldIntro(*f) : QString();
    }
    if (parts.size() == 1 && parts[0] == "schema-table")
        return schemaTable();
    if (parts.size() == 3 && parts[0] == "preset") {
        const Preset *p = findPreset(parts[1].toStdString());
        if (!p)
            return {};
        if (parts[2] == "title")
            return QString::fromStdString(p->title).toHtmlEscaped();
        if (parts[2] == "description")
            return QString::fromStdString(p->description).toHtmlEscaped();
        return valueText(configToJson(presetConfig(p->name)), parts[2]);
    }
    if (parts.size() == 1 && parts[0] == "recent")
        return QString::number(SessionStore::kMaxRecent);
    return {};
}

} // namespace

const std::vector<Topic> &topics()
{
    static const std::vector<Topic> list = {
        { "quickstart", "Quick start" },
        { "panels", "The panels and how to read them" },
        { "parameters", "Parameters" },
        { "engines", "Engines: SGF, SGD, online, DMFT, ODE" },
        { "presets", "Presets" },
        { "errorbars", "Error bars: seeds and replicas" },
        { "files", "Export, sessions and shortcuts" },
        { "troubleshooting", "When a run fails" },
    };
    return list;
}

QString rawTopicHtml(const QString &id)
{
    QFile file(":/help/" + id + ".html");
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

QString resolvePlaceholders(const QString &html)
{
    static const QRegularExpression re("\\{\\{([^{}]+)\\}\\}");
    QString out;
    qsizetype last = 0;
    auto it = re.globalMatch(html);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        out += html.mid(last, m.capturedStart() - last);
        const QString value = resolve(m.captured(1).trimmed());
        out += value.isNull() ? "[?" + m.captured(1) + "]" : value;
        last = m.capturedEnd();
    }
    out += html.mid(last);
    return out;
}

QString topicHtml(const QString &id)
{
    const QString raw = rawTopicHtml(id);
    return raw.isEmpty() ? QString() : resolvePlaceholders(raw);
}

QString presetAnchor(const QString &presetName)
{
    return "preset-" + presetName;
}

} // namespace dmftlab::help
