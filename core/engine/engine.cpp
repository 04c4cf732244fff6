#include "engine/engine.h"

#include "engine/registry.h"

#include <chrono>
#include <new>

namespace dmftlab
{

const std::vector<std::string> &engineNames()
{
    static const std::vector<std::string> names = [] {
        std::vector<std::string> out;
        for (const auto &e : engineRegistry())
            out.push_back(e.name);
        return out;
    }();
    return names;
}

bool isKnownEngine(const std::string &engine)
{
    return findEngine(engine) != nullptr;
}

bool isSgfType(const std::string &engine)
{
    const EngineInfo *e = findEngine(engine);
    return e && e->sgfType;
}

std::string checkEngine(const std::string &engine, const RunConfig &config)
{
    const EngineInfo *e = findEngine(engine);
    if (!e)
        return "unknown engine '" + engine + "' (known: " + engineNameList() + ")";
    if (auto err = validate(config); !err.empty())
        return err;
    return e->check(config);
}

EngineResult runEngine(const std::string &engine, const RunConfig &config,
                       const ProgressCallback &progress, const std::atomic<bool> *cancel)
{
    const auto start = std::chrono::steady_clock::now();
    EngineResult result;
    try {
        if (auto err = checkEngine(engine, config); !err.empty()) {
            result.status = Status::InvalidInput;
            result.message = err;
        } else {
            result = findEngine(engine)->run(config, progress, cancel);
        }
    } catch (const std::bad_alloc &) {
        result = EngineResult {};
        result.status = Status::InternalError;
        result.message = "internal error in " + engine + ": out of memory (bad_alloc)";
    } catch (const std::exception &e) {
        result = EngineResult {};
        result.status = Status::InternalError;
        result.message = "internal error in " + engine + ": " + e.what();
    } catch (...) {
        result = EngineResult {};
        result.status = Status::InternalError;
        result.message = "internal error in " + engine + ": unknown exception";
    }
    result.curves.engine = engine;
    result.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

} // namespace dmftlab
