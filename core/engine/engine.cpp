#include "engine/engine.h"

#include "engine/internalerror.h"
#include "engine/registry.h"

#include <chrono>
#include <new>

namespace dmftlab
{

EngineResult internalErrorResult(const std::string &engine, std::exception_ptr error)
{
    EngineResult result;
    result.status = Status::InternalError;
    result.curves.engine = engine;
    std::string what = "unknown exception";
    try {
        std::rethrow_exception(error);
    } catch (const std::bad_alloc &) {
        what = "out of memory (bad_alloc)";
    } catch (const std::exception &e) {
        what = e.what();
    } catch (...) {
    }
    result.message = "internal error in " + engine + ": " + what;
    return result;
}

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

EngineCheck checkEngine(const std::string &engine, const RunConfig &config)
{
    const EngineInfo *e = findEngine(engine);
    if (!e)
        return ConfigError { {}, "unknown engine '" + engine + "' (known: " + engineNameList() + ")" };
    if (auto errors = validateAll(config); !errors.empty())
        return errors.front();
    return e->check(config);
}

EngineResult runEngine(const std::string &engine, const RunConfig &config, const ProgressCallback &progress,
    const std::atomic<bool> *cancel)
{
    const auto start = std::chrono::steady_clock::now();
    EngineResult result;
    try {
        if (auto err = checkEngine(engine, config)) {
            result.status = Status::InvalidInput;
            result.message = err->message;
        } else {
            result = findEngine(engine)->run(config, progress, cancel);
        }
    } catch (...) {
        result = internalErrorResult(engine, std::current_exception());
    }
    result.curves.engine = engine;
    // A non-finite value is never a result, whatever the engine reported (issue 8).
    if (result.status == Status::Completed || result.status == Status::Converged
        || result.status == Status::MaxIterations) {
        if (auto where = firstNonFinite(result.curves); !where.empty()) {
            // The CLI and the window prefix "<engine> failed numerically: ".
            result.message = "non-finite " + where + " in the finished result (the engine reported \""
                + toString(result.status) + "\"" + (result.message.empty() ? "" : ": " + result.message)
                + ")";
            result.status = Status::NumericalFailure;
        }
    }
    result.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

} // namespace dmftlab
