#include "sweep/sweepplan.h"

#include "engine/registry.h"
#include "sweep/sweeporder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace dmftlab
{

namespace
{

std::string pointId(int i, int j, bool twoD)
{
    char buf[32];
    if (twoD)
        std::snprintf(buf, sizeof buf, "p%03d_%03d", i, j);
    else
        std::snprintf(buf, sizeof buf, "p%03d", i);
    return buf;
}

std::string humanSeconds(double s)
{
    char buf[64];
    if (s < 120)
        std::snprintf(buf, sizeof buf, "%.0f s", s);
    else if (s < 7200)
        std::snprintf(buf, sizeof buf, "%.0f min", s / 60);
    else
        std::snprintf(buf, sizeof buf, "%.1f h", s / 3600);
    return buf;
}

std::string humanBytes(double b)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.1f GiB", b / (1024.0 * 1024 * 1024));
    return buf;
}

} // namespace

json SweepSpec::toJson() const
{
    json a = json::array();
    for (const auto &axis : axes)
        a.push_back(axis.toJson());
    return { { "base", base }, { "vary", a }, { "engines", engines }, { "scalars", scalars } };
}

std::string SweepPlan::describe(int p) const
{
    const SweepPoint &pt = points.at(p);
    std::string s = spec.axes[0].label() + " = " + spec.axes[0].valueLabel(pt.i);
    if (spec.axes.size() > 1)
        s += ", " + spec.axes[1].label() + " = " + spec.axes[1].valueLabel(pt.j);
    return s;
}

double estimatedEngineSeconds(const std::string &engine, const RunConfig &c)
{
    // Per-unit costs measured on the presets (logistic regression, 2 cores); the model
    // counts the dominant products: gradients over n samples in d dimensions for the
    // simulations, path × time² memory integrals per fixed-point iteration for the DMFT.
    const double threads = std::max(1, resolvedThreads(c.sim.threads));
    const double k = c.problem.width, N = c.time.steps, d = c.sim.dimension;
    const auto is = [&engine](EngineId id) { return engine == engineName(id); };
    if (is(EngineId::Dmft)) {
        const double iterations = std::min(c.dmft.maxIterations, 15);
        return 6e-10 * iterations * c.dmft.replicas * c.dmft.paths * N * N * k * k / threads;
    }
    if (is(EngineId::Ode))
        return 1e-3 * N * k * k;
    const double seeds = c.sim.seeds;
    if (is(EngineId::Sgf))
        return 1e-9 * seeds * N * c.sim.substeps * c.samples() * d * k / threads;
    const double tau = c.sgdTau();
    const double steps = tau > 0 ? c.time.horizon * d / c.optimizer.learningRate : 0;
    const double perStep = c.optimizer.batchSize * d * k;
    const double evaluations = is(EngineId::Sgd) ? N * c.samples() * d * k : N * d * k;
    return 1e-9 * seeds * (steps * perStep + evaluations) / threads;
}

double estimatedResultBytes(const std::string &engine, const RunConfig &c)
{
    const double N1 = c.time.steps + 1.0;
    const double k = c.problem.width, ks = c.problem.teacherWidth;
    const double kernels = engine == engineName(EngineId::Dmft) ? 4
        : engine == engineName(EngineId::Ode)                   ? 1
                                                                : 2;
    return kernels * 2 /*mean, se*/ * k * std::max(k, ks) * N1 * N1 * 8 + 1024;
}

std::string makeSweepPlan(const SweepSpec &spec, SweepPlan *plan, const SweepLimits &limits)
{
    if (spec.axes.empty() || spec.axes.size() > 2)
        return "a sweep varies one or two parameters (--vary), got " + std::to_string(spec.axes.size());
    if (spec.axes.size() == 2 && spec.axes[0].key == spec.axes[1].key)
        return "--vary " + spec.axes[0].key + " given twice";
    if (spec.engines.empty())
        return "a sweep needs at least one engine (--engine)";
    for (const auto &axis : spec.axes)
        if (axis.values.empty())
            return "--vary " + axis.key + ": no values";
    SweepPlan p;
    p.spec = spec;
    std::vector<std::string> scalarNames = spec.scalars;
    if (scalarNames.empty())
        return "a sweep needs at least one scalar (--scalar)";
    for (const auto &name : scalarNames) {
        SweepScalar s;
        if (auto err = parseSweepScalar(name, spec.engines, &s); !err.empty())
            return err;
        p.scalars.push_back(s);
    }
    const double count = double(spec.axes[0].size()) * (spec.axes.size() > 1 ? spec.axes[1].size() : 1);
    if (count > limits.maxPoints)
        return "the sweep has " + std::to_string(long(count)) + " points, more than the limit of "
            + std::to_string(limits.maxPoints) + ": use fewer values";
    const bool twoD = spec.axes.size() == 2;
    const int n0 = spec.axes[0].size(), n1 = twoD ? spec.axes[1].size() : 1;
    p.points.reserve(std::size_t(count));
    for (int i = 0; i < n0; ++i) {
        for (int j = 0; j < n1; ++j) {
            json tree = spec.base;
            std::string where = spec.axes[0].key + "=" + spec.axes[0].valueText(i);
            if (auto err = applySetting(tree, spec.axes[0].key + "=" + spec.axes[0].values[i].dump());
                !err.empty())
                return "--vary " + where + ": " + err;
            if (twoD) {
                where += ", " + spec.axes[1].key + "=" + spec.axes[1].valueText(j);
                if (auto err = applySetting(tree, spec.axes[1].key + "=" + spec.axes[1].values[j].dump());
                    !err.empty())
                    return "--vary " + where + ": " + err;
            }
            const ConfigResult r = configFromJson(tree, RunConfig {});
            if (!r.ok())
                return "--vary " + where + ": " + r.error;
            for (const auto &engine : spec.engines) {
                if (auto err = checkEngine(engine, *r.config))
                    return "--vary " + where + ": " + engine + ": " + err->message;
                p.estimatedSeconds += estimatedEngineSeconds(engine, *r.config);
                p.resultBytes += estimatedResultBytes(engine, *r.config);
            }
            for (const auto &s : p.scalars)
                if (auto err = checkSweepScalar(s, *r.config); !err.empty())
                    return "--vary " + where + ": " + err;
            p.points.push_back({ i, j, *r.config, pointId(i, j, twoD) });
        }
    }
    if (p.resultBytes > limits.maxResultBytes)
        return "the sweep's results would take about " + humanBytes(p.resultBytes) + " of memory (limit "
            + humanBytes(limits.maxResultBytes) + "): use fewer points or fewer time.steps";
    if (p.estimatedSeconds > limits.maxSeconds)
        return "the sweep would take about " + humanSeconds(p.estimatedSeconds)
            + " by a rough estimate (limit " + humanSeconds(limits.maxSeconds)
            + "): use fewer points, fewer seeds/paths or a smaller dimension";
    if (twoD) {
        for (const auto &[i, j] : gridOrder(n0, n1))
            p.order.push_back(p.pointIndex(i, j));
    } else {
        p.order = spreadOrder(n0);
    }
    *plan = std::move(p);
    return {};
}

} // namespace dmftlab
