#include "sessionstore.h"

#include "config/resolve.h"
#include "engine/registry.h"
#include "io/curvesjson.h"
#include "io/files.h"
#include "io/jsonparse.h"

#include <QFileInfo>
#include <QSettings>

#include <algorithm>

namespace dmftlab
{

namespace
{

constexpr const char *kFormat = "dmftlab-session";
constexpr int kVersion = 1;

QString q(const std::string &s)
{
    return QString::fromStdString(s);
}

/// A session's config: preset (named in it) -> its keys -> validation, exactly as
/// dmftlab-cli run --config resolves the same tree.
ConfigResult configFromTree(const json &tree)
{
    ConfigSources sources;
    sources.tree = tree;
    return resolveConfig(sources);
}

} // namespace

nlohmann::json SessionStore::toJson(const Session &session)
{
    json j;
    j["format"] = kFormat;
    j["version"] = kVersion;
    j["config"] = configToJson(session.config);
    // {"simulation": name or "", <theory engine>: true|false, ...}
    j["engines"] = { { "simulation", session.engines.simulation } };
    for (const EngineInfo &e : engineRegistry())
        if (e.isTheory())
            j["engines"][e.name] = session.engines.runs(e.name);
    json results = json::array();
    for (const auto &r : session.results) {
        json e;
        e["engine"] = r.engine;
        e["status"] = toString(r.status);
        e["message"] = r.message.toStdString();
        e["wall_seconds"] = r.wallSeconds;
        e["curves"] = r.curves ? io::curvesToJson(*r.curves) : json(nullptr);
        results.push_back(e);
    }
    j["results"] = results;
    if (session.pins.is_array() && !session.pins.empty())
        j["pins"] = session.pins;
    return j;
}

QString SessionStore::fromJson(const nlohmann::json &j, Session *session)
{
    if (!j.is_object())
        return "the session file must hold a JSON object";
    Session out;
    const bool isSession = j.contains("format");
    if (!isSession) {
        // A bare config (e.g. the CLI's config.json), resolved as dmftlab-cli --config does.
        const ConfigResult r = configFromTree(j);
        if (!r.ok())
            return q(r.error);
        out.config = *r.config;
        *session = out;
        return {};
    }
    if (!j["format"].is_string() || j["format"].get<std::string>() != kFormat)
        return QString("format: expected \"%1\"").arg(kFormat);
    if (!j.contains("version") || !j["version"].is_number_integer())
        return "version: expected an integer";
    if (j["version"].get<int>() != kVersion)
        return QString("version: %1 is not supported (this program reads version %2)")
            .arg(j["version"].get<int>())
            .arg(kVersion);
    for (auto it = j.begin(); it != j.end(); ++it)
        if (it.key() != "format" && it.key() != "version" && it.key() != "config" && it.key() != "engines"
            && it.key() != "results" && it.key() != "pins")
            return "unknown key '" + q(it.key()) + "'";
    if (!j.contains("config"))
        return "config: missing";
    {
        const ConfigResult r = configFromTree(j["config"]);
        if (!r.ok())
            return "config: " + q(r.error);
        out.config = *r.config;
    }
    if (j.contains("engines")) {
        const json &e = j["engines"];
        std::string simulationNames;
        for (const EngineInfo &info : engineRegistry())
            if (info.isSimulation())
                simulationNames += (simulationNames.empty() ? "" : "|") + info.name;
        if (!e.is_object())
            return "engines: expected an object";
        for (auto it = e.begin(); it != e.end(); ++it) {
            const std::string &key = it.key();
            if (key == "simulation") {
                if (!it->is_string())
                    return "engines.simulation: expected a string";
                const std::string s = it->get<std::string>();
                const EngineInfo *engine = findEngine(s);
                if (!s.empty() && (!engine || !engine->isSimulation()))
                    return "engines.simulation: '" + q(s) + "' is not one of " + q(simulationNames) + "|\"\"";
                out.engines.simulation = s;
            } else if (const EngineInfo *engine = findEngine(key); engine && engine->isTheory()) {
                if (!it->is_boolean())
                    return "engines." + q(key) + ": expected true or false";
                auto &theory = out.engines.theory;
                theory.erase(std::remove(theory.begin(), theory.end(), key), theory.end());
                if (it->get<bool>())
                    theory.push_back(key);
            } else {
                return "engines: unknown key '" + q(key) + "'";
            }
        }
    }
    if (j.contains("results")) {
        const json &results = j["results"];
        if (!results.is_array())
            return "results: expected an array";
        for (std::size_t i = 0; i < results.size(); ++i) {
            const json &r = results[i];
            const QString where = QString("results[%1]").arg(i);
            if (!r.is_object())
                return where + ": expected an object";
            RunController::EngineState s;
            if (!r.contains("engine") || !r["engine"].is_string()
                || !isKnownEngine(r["engine"].get<std::string>()))
                return where + ".engine: expected one of " + q(engineNameList());
            s.engine = r["engine"].get<std::string>();
            if (!r.contains("status") || !r["status"].is_string()
                || !statusFromString(r["status"].get<std::string>()))
                return where + ".status: expected a status name (completed, converged, diverged, ...)";
            s.status = *statusFromString(r["status"].get<std::string>());
            if (r.contains("message") && !r["message"].is_string())
                return where + ".message: expected a string";
            s.message = r.contains("message") ? q(r["message"].get<std::string>()) : QString();
            if (r.contains("wall_seconds") && !r["wall_seconds"].is_number())
                return where + ".wall_seconds: expected a number";
            s.wallSeconds = r.value("wall_seconds", 0.0);
            if (r.contains("curves") && !r["curves"].is_null()) {
                auto curves = std::make_shared<Curves>();
                if (const std::string err = io::curvesFromJson(r["curves"], curves.get()); !err.empty())
                    return where + ".curves." + q(err);
                if (curves->engine.empty())
                    curves->engine = s.engine;
                s.curves = curves;
            }
            for (auto it = r.begin(); it != r.end(); ++it)
                if (it.key() != "engine" && it.key() != "status" && it.key() != "message"
                    && it.key() != "wall_seconds" && it.key() != "curves")
                    return where + ": unknown key '" + q(it.key()) + "'";
            s.finished = true;
            s.fraction = 1.0;
            s.text = q(toString(s.status));
            out.results.push_back(s);
        }
    }
    if (j.contains("pins")) {
        if (!j["pins"].is_array())
            return "pins: expected an array";
        out.pins = j["pins"];
    }
    *session = out;
    return {};
}

QString SessionStore::save(const Session &session, const QString &path)
{
    const std::string err = io::writeFileAtomic(path.toStdString(), io::jsonText(toJson(session)));
    return q(err);
}

QString SessionStore::load(const QString &path, Session *session)
{
    std::string text;
    if (const std::string err = io::readFile(path.toStdString(), &text); !err.empty())
        return q(err);
    json j;
    if (const std::string err = io::parseJson(text, &j, QFileInfo(path).fileName().toStdString());
        !err.empty())
        return q(err);
    const QString err = fromJson(j, session);
    return err.isEmpty() ? QString() : QFileInfo(path).fileName() + ": " + err;
}

QStringList SessionStore::recentFiles()
{
    return QSettings().value("recentFiles").toStringList();
}

void SessionStore::addRecentFile(const QString &path)
{
    QStringList list = recentFiles();
    const QString abs = QFileInfo(path).absoluteFilePath();
    list.removeAll(abs);
    list.prepend(abs);
    while (list.size() > kMaxRecent)
        list.removeLast();
    QSettings().setValue("recentFiles", list);
}

} // namespace dmftlab
