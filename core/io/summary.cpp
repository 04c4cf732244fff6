#include "io/summary.h"

#include "engine/registry.h"
#include "io/files.h"
#include "version.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace dmftlab::io
{

std::string toString(RunStatus s)
{
    switch (s) {
    case RunStatus::Completed:
        return "completed";
    case RunStatus::NotConverged:
        return "not_converged";
    case RunStatus::Diverged:
        return "diverged";
    case RunStatus::InvalidInput:
        return "invalid_input";
    case RunStatus::InternalError:
        return "internal_error";
    case RunStatus::WriteFailed:
        return "write_failed";
    case RunStatus::Cancelled:
        return "cancelled";
    }
    return "failed";
}

RunStatus runStatusFor(Status s)
{
    switch (s) {
    case Status::Completed:
    case Status::Converged:
        return RunStatus::Completed;
    case Status::MaxIterations:
        return RunStatus::NotConverged;
    case Status::Diverged:
    case Status::NumericalFailure: // a run-time breakdown: exit 3 like a divergence
        return RunStatus::Diverged;
    case Status::Cancelled:
        return RunStatus::Cancelled;
    case Status::InvalidInput:
        return RunStatus::InvalidInput;
    case Status::Running: // an engine that returns while running is a bug
    case Status::InternalError:
        return RunStatus::InternalError;
    }
    return RunStatus::InternalError;
}

RunStatus worse(RunStatus a, RunStatus b)
{
    return static_cast<int>(a) >= static_cast<int>(b) ? a : b;
}

RunSummary::RunSummary(const RunConfig &config, const std::vector<std::string> &engines, std::string dir)
    : m_config(config)
    , m_dir(std::move(dir))
{
    m_json["version"] = kProgramVersion;
    m_json["preset"] = config.preset;
    m_json["engines"] = nlohmann::json::object();
    m_json["engine_order"] = engines;
    m_json["derived"] = configToJson(config, /*withDerived=*/true)["derived"];
    m_json["wall_seconds"] = 0.0;
}

void RunSummary::setEngine(const EngineOutcome &o)
{
    const RunConfig &c = m_config;
    nlohmann::json s = nlohmann::json::object();
    s["status"] = toString(o.status);
    s["message"] = o.message;
    s["wall_seconds"] = o.wallSeconds;
    s["steps"] = c.time.steps;
    s["grid_points"] = c.time.steps + 1;
    s["horizon"] = c.time.horizon;
    const int valid = o.curves ? o.curves->validPoints : 0;
    s["valid_points"] = valid;
    if (o.curves && valid > 0 && valid <= static_cast<int>(o.curves->t.size()))
        s["t_last"] = o.curves->t[valid - 1];
    const EngineInfo *info = findEngine(o.engine);
    const double tau = info && info->sgfType ? c.tau() : c.sgdTau();
    s["tau"] = tau;
    if (tau > 0)
        s["epochs"] = c.time.horizon / (c.alpha * tau);
    if (info && info->isSimulation()) {
        s["dimension"] = c.sim.dimension;
        s["seeds"] = c.sim.seeds;
        if (info->finiteSamples)
            s["samples"] = c.samples();
    }
    if (info && info->fixedPoint) {
        s["paths"] = c.dmft.paths;
        s["tangent_paths"] = c.dmft.tangentPaths;
        s["replicas"] = c.dmft.replicas;
    }
    if (o.curves && !o.curves->residuals.empty()) {
        s["iterations"] = static_cast<int>(o.curves->residuals.size());
        s["final_residual"] = o.curves->residuals.back();
    }
    if (o.extra.is_object())
        for (auto it = o.extra.begin(); it != o.extra.end(); ++it)
            if (!s.contains(it.key()))
                s[it.key()] = it.value();
    s["files"] = o.files;
    m_json["engines"][o.engine] = s;
}

void RunSummary::setSkipped(const std::string &engine, const std::string &message)
{
    m_json["engines"][engine] = { { "status", "skipped" }, { "message", message } };
}

void RunSummary::setPlots(const std::vector<std::string> &files)
{
    m_json["plots"] = files;
}

void RunSummary::setWallSeconds(double seconds)
{
    m_json["wall_seconds"] = seconds;
}

std::string RunSummary::path() const
{
    return (std::filesystem::path(m_dir) / "summary.json").string();
}

std::string RunSummary::write(const std::string &status)
{
    m_json["status"] = status;
    return writeFileAtomic(path(), jsonText(m_json));
}

std::string RunSummary::writeProgress()
{
    return write("running");
}

std::string RunSummary::finish()
{
    const std::string err = write(toString(m_status));
    if (err.empty())
        return {};
    // A "running" summary from before would now contradict the folder (fewer engines and
    // files, the wrong status): better none at all.
    std::error_code ec;
    if (std::filesystem::remove(path(), ec))
        return err + " (the earlier summary.json was removed)";
    return err;
}

} // namespace dmftlab::io
