#include "pinstore.h"

#include "exportservice.h"
#include "sweep/configdifference.h"

#include <QDir>
#include <QRegularExpression>

namespace dmftlab
{

PinStore::PinStore(QObject *parent)
    : QObject(parent)
{
}

QString PinStore::exportFolder(int index) const
{
    QString name = m_pins.at(index).name;
    name.replace(QRegularExpression("[^A-Za-z0-9._-]+"), "_");
    return QString("pins/%1_%2").arg(index + 1, 2, 10, QChar('0')).arg(name);
}

QString PinStore::exportData(const QString &dir, const QStringList &formats, QStringList *written) const
{
    for (int i = 0; i < size(); ++i) {
        const Session &run = m_pins[i].run;
        if (const QString err = ExportService::exportData(
                run.config, run.results, QDir(dir).filePath(exportFolder(i)), formats, written);
            !err.isEmpty())
            return "pin '" + m_pins[i].name + "': " + err;
    }
    return {};
}

QString PinStore::add(const Session &run, const RunConfig &live)
{
    if (run.results.empty())
        return "nothing to pin: run the engines first";
    if (size() >= kMaxPins)
        return QString("at most %1 pins: remove one first").arg(kMaxPins);
    Pin pin;
    pin.run = run;
    pin.name = QString::fromStdString(describeDifference(run.config, live));
    m_pins.push_back(std::move(pin));
    emit changed();
    return {};
}

void PinStore::rename(int index, const QString &name)
{
    if (index < 0 || index >= size() || name.trimmed().isEmpty())
        return;
    m_pins[index].name = name.trimmed();
    m_pins[index].renamed = true;
    emit changed();
}

void PinStore::setVisible(int index, bool visible)
{
    if (index < 0 || index >= size() || m_pins[index].visible == visible)
        return;
    m_pins[index].visible = visible;
    emit changed();
}

void PinStore::remove(int index)
{
    if (index < 0 || index >= size())
        return;
    m_pins.erase(m_pins.begin() + index);
    emit changed();
}

void PinStore::clear()
{
    if (m_pins.empty())
        return;
    m_pins.clear();
    emit changed();
}

void PinStore::relabel(const RunConfig &live)
{
    bool any = false;
    for (Pin &p : m_pins) {
        if (p.renamed)
            continue;
        const QString name = QString::fromStdString(describeDifference(p.run.config, live));
        any = any || name != p.name;
        p.name = name;
    }
    if (any)
        emit changed();
}

nlohmann::json PinStore::toJson() const
{
    nlohmann::json a = nlohmann::json::array();
    for (const Pin &p : m_pins)
        a.push_back({ { "name", p.name.toStdString() }, { "renamed", p.renamed }, { "visible", p.visible },
            { "run", SessionStore::toJson(p.run) } });
    return a;
}

QString PinStore::fromJson(const nlohmann::json &j)
{
    std::vector<Pin> pins;
    if (!j.is_null()) {
        if (!j.is_array())
            return "pins: expected an array";
        if (j.size() > static_cast<std::size_t>(kMaxPins))
            return QString("pins: at most %1").arg(kMaxPins);
        for (std::size_t i = 0; i < j.size(); ++i) {
            const QString where = QString("pins[%1]").arg(i);
            const nlohmann::json &e = j[i];
            if (!e.is_object())
                return where + ": expected an object";
            for (auto it = e.begin(); it != e.end(); ++it)
                if (it.key() != "name" && it.key() != "renamed" && it.key() != "visible" && it.key() != "run")
                    return where + ": unknown key '" + QString::fromStdString(it.key()) + "'";
            Pin p;
            if (!e.contains("name") || !e["name"].is_string())
                return where + ".name: expected a string";
            p.name = QString::fromStdString(e["name"].get<std::string>());
            for (const char *flag : { "renamed", "visible" })
                if (e.contains(flag) && !e[flag].is_boolean())
                    return where + "." + flag + ": expected true or false";
            p.renamed = e.value("renamed", false);
            p.visible = e.value("visible", true);
            if (!e.contains("run"))
                return where + ".run: missing";
            if (const QString err = SessionStore::fromJson(e["run"], &p.run); !err.isEmpty())
                return where + ".run." + err;
            pins.push_back(std::move(p));
        }
    }
    m_pins = std::move(pins);
    emit changed();
    return {};
}

} // namespace dmftlab
