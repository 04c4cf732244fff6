// Sessions: the full configuration (the CLI's config schema, configToJson) plus the
// engine choice and the last results, as one JSON file. Every field is type-checked on
// load and a bad file gets a one-line message naming the field — never a crash, never a
// silent default. A plain config.json (as the CLI writes) loads as a session without
// results. Recent files live in QSettings.
#pragma once

#include "parameterpanel.h"
#include "runcontroller.h"

#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>
#include <vector>

namespace dmftlab
{

struct Session {
    RunConfig config;
    EngineSelection engines;
    std::vector<RunController::EngineState> results; ///< finished engines with their curves
    nlohmann::json pins; ///< pinned runs (PinStore::toJson; checked by PinStore::fromJson), null = none
};

class SessionStore
{
public:
    static nlohmann::json toJson(const Session &session);
    /// Empty on success, else "field: reason".
    static QString fromJson(const nlohmann::json &j, Session *session);

    /// Writes atomically (never a half-written file). Empty on success.
    static QString save(const Session &session, const QString &path);
    static QString load(const QString &path, Session *session);

    static QStringList recentFiles();
    static void addRecentFile(const QString &path);
    static constexpr int kMaxRecent = 8;
};

} // namespace dmftlab
