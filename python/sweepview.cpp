#include "sweepview.h"

#include "inputerror.h"
#include "jsonconvert.h"
#include "progresspump.h"
#include "pyconfig.h"
#include "resultview.h"

#include "engine/registry.h"
#include "io/summary.h"

#include <pybind11/stl.h>

#include <cmath>
#include <limits>

namespace py = pybind11;

namespace dmftlab::python
{

namespace
{

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The axis of one `vary` entry: (key, "VALUES") in the --vary grammar, or (key, list).
SweepAxis axisFrom(py::handle entry)
{
    const auto pair = entry.cast<py::tuple>();
    const std::string key = pair[0].cast<std::string>();
    SweepAxis axis;
    std::string err;
    if (PyUnicode_Check(pair[1].ptr())) {
        err = parseSweepAxis(key + "=" + pair[1].cast<std::string>(), &axis);
    } else {
        std::vector<json> values;
        for (auto v : pair[1])
            values.push_back(toJson(v, key));
        err = listSweepAxis(key, values, &axis);
    }
    if (!err.empty())
        throw InputError(err, key);
    return axis;
}

py::array_t<double> doubles(const std::vector<double> &v)
{
    py::array_t<double> a(static_cast<py::ssize_t>(v.size()));
    std::copy(v.begin(), v.end(), a.mutable_data());
    return a;
}

} // namespace

void checkEngineList(const std::vector<std::string> &engines)
{
    if (engines.empty())
        throw InputError("engines: give at least one of " + engineNameList());
    for (std::size_t i = 0; i < engines.size(); ++i) {
        if (!findEngine(engines[i]))
            throw InputError("unknown engine '" + engines[i] + "' (known: " + engineNameList() + ")");
        for (std::size_t j = 0; j < i; ++j)
            if (engines[j] == engines[i])
                throw InputError("engine '" + engines[i] + "' given twice");
    }
}

SweepView::SweepView(SweepPlan plan, std::vector<SweepPointResult> results, Status status,
    std::string message, std::string interruption)
    : m_plan(std::move(plan))
    , m_results(std::move(results))
    , m_status(status)
    , m_message(std::move(message))
    , m_interruption(std::move(interruption))
{
    m_results.resize(m_plan.points.size());
}

std::vector<std::string> SweepView::scalars() const
{
    std::vector<std::string> out;
    for (const auto &s : m_plan.scalars)
        out.push_back(s.name);
    return out;
}

std::vector<std::string> SweepView::scalarLabels() const
{
    std::vector<std::string> out;
    for (const auto &s : m_plan.scalars)
        out.push_back(s.label());
    return out;
}

py::list SweepView::axes() const
{
    py::list out;
    for (const auto &axis : m_plan.spec.axes) {
        const json j = axis.toJson();
        py::dict d;
        d["key"] = axis.key;
        d["label"] = axis.label();
        d["values"] = fromJson(axis.values);
        d["spacing"] = j["spacing"].get<std::string>();
        d["text"] = axis.text;
        out.append(d);
    }
    return out;
}

py::object SweepView::spec() const
{
    return fromJson(m_plan.spec.toJson());
}

int SweepView::completedPoints() const
{
    int n = 0;
    for (const auto &r : m_results)
        n += r.done() ? 1 : 0;
    return n;
}

const SweepPointResult &SweepView::at(int p) const
{
    if (p < 0 || p >= points())
        throw py::index_error("point " + std::to_string(p) + " of a sweep of " + std::to_string(points()));
    return m_results[static_cast<std::size_t>(p)];
}

py::dict SweepView::table() const
{
    // The rows sweepCsv writes: finished points in grid order.
    std::vector<int> rows;
    for (int p = 0; p < points(); ++p)
        if (m_results[p].done())
            rows.push_back(p);
    py::dict out;
    py::list ids;
    for (int p : rows)
        ids.append(m_plan.points[p].id);
    out["point"] = ids;
    for (std::size_t a = 0; a < m_plan.spec.axes.size(); ++a) {
        const SweepAxis &axis = m_plan.spec.axes[a];
        py::list values;
        for (int p : rows)
            values.append(fromJson(axis.values[a == 0 ? m_plan.points[p].i : m_plan.points[p].j]));
        out[py::str(axis.key)] = values;
    }
    for (std::size_t s = 0; s < m_plan.scalars.size(); ++s) {
        std::vector<double> value, se;
        for (int p : rows) {
            value.push_back(m_results[p].scalars.at(s).value);
            se.push_back(m_results[p].scalars.at(s).se);
        }
        out[py::str(m_plan.scalars[s].name)] = doubles(value);
        out[py::str(m_plan.scalars[s].name + "_se")] = doubles(se);
    }
    py::list status, message;
    std::vector<double> iterations, wall;
    for (int p : rows) {
        const SweepPointResult &r = m_results[p];
        status.append(toString(r.status));
        iterations.push_back(r.iterations >= 0 ? double(r.iterations) : kNaN);
        wall.push_back(r.wallSeconds);
        message.append(r.message);
    }
    out["status"] = status;
    out["iterations"] = doubles(iterations);
    out["wall_seconds"] = doubles(wall);
    out["message"] = message;
    return out;
}

py::tuple SweepView::grid() const
{
    const auto n = static_cast<py::ssize_t>(m_plan.points.size());
    const auto s = static_cast<py::ssize_t>(m_plan.scalars.size());
    py::array_t<double> value({ n, s }), se({ n, s });
    auto v = value.mutable_unchecked<2>();
    auto e = se.mutable_unchecked<2>();
    for (py::ssize_t p = 0; p < n; ++p)
        for (py::ssize_t k = 0; k < s; ++k) {
            const SweepPointResult &r = m_results[static_cast<std::size_t>(p)];
            const bool has = r.done() && static_cast<py::ssize_t>(r.scalars.size()) > k;
            v(p, k) = has ? r.scalars[static_cast<std::size_t>(k)].value : kNaN;
            e(p, k) = has ? r.scalars[static_cast<std::size_t>(k)].se : kNaN;
        }
    return py::make_tuple(value, se);
}

py::dict SweepView::point(int p) const
{
    const SweepPointResult &r = at(p);
    const SweepPoint &pt = m_plan.points[p];
    py::dict d;
    d["id"] = pt.id;
    d["i"] = pt.i;
    d["j"] = pt.j;
    d["done"] = r.done();
    d["status"] = r.done() ? toString(r.status) : std::string("pending");
    d["message"] = r.message;
    d["iterations"] = r.iterations >= 0 ? py::object(py::int_(r.iterations)) : py::object(py::none());
    d["wall_seconds"] = r.wallSeconds;
    d["cached"] = r.cached;
    d["label"] = m_plan.describe(p);
    return d;
}

py::object SweepView::pointConfig(int p) const
{
    at(p);
    return configTree(m_plan.points[p].config);
}

py::tuple SweepView::pointResults(int p) const
{
    const SweepPointResult &r = at(p);
    py::list out;
    const RunConfig &config = m_plan.points[p].config;
    io::RunSummary summary(config, m_plan.spec.engines, std::string());
    double wall = 0;
    for (const auto &engine : m_plan.spec.engines)
        if (const auto it = r.results.find(engine); r.done() && it != r.results.end()) {
            out.append(recordResult(summary, engine, it->second));
            wall += it->second->wallSeconds;
        }
    summary.setWallSeconds(wall);
    nlohmann::json document = summary.document();
    document["status"] = io::toString(summary.status());
    return py::make_tuple(out, fromJson(document));
}

std::shared_ptr<SweepView> runSweep(py::handle preset, py::handle base, py::handle settings, py::handle vary,
    const std::vector<std::string> &engines, const std::vector<std::string> &scalars, py::object progress)
{
    if (!progress.is_none() && !PyCallable_Check(progress.ptr()))
        throw py::type_error("progress must be callable as progress(fraction, text) or None");
    checkEngineList(engines);
    SweepSpec spec;
    // The base tree exactly as `dmftlab-cli sweep --preset P --set ...` builds it.
    resolvePythonConfig(preset, base, settings, &spec.base);
    for (auto entry : vary)
        spec.axes.push_back(axisFrom(entry));
    spec.engines = engines;
    spec.scalars = scalars;
    SweepPlan plan;
    if (auto err = makeSweepPlan(spec, &plan); !err.empty())
        throw InputError(err);

    ProgressPump pump(progress);
    SweepRunner runner(plan);
    Status status = Status::Running;
    std::string message;
    pump.run("sweep", [&](const ProgressCallback &report, const std::atomic<bool> *cancel) {
        const double total = runner.totalPoints();
        try {
            status = runner.run(
                [&](int p, const SweepPointResult &r) {
                    // A report per finished point, so that cached points show progress too.
                    ProgressReport rep;
                    rep.fraction = runner.completedPoints() / total;
                    rep.text = "point " + std::to_string(runner.completedPoints()) + "/"
                        + std::to_string(runner.totalPoints()) + " (" + plan.describe(p)
                        + "): " + toString(r.status) + (r.cached ? " (reused)" : "");
                    report(rep);
                },
                report, cancel);
        } catch (const std::exception &e) { // runEngine catches its own; this is bad_alloc & co.
            status = Status::InternalError;
            message = e.what();
        }
    });
    if (pump.interrupted())
        status = Status::Cancelled;
    return std::make_shared<SweepView>(
        runner.plan(), runner.results(), status, std::move(message), pump.interruption());
}

} // namespace dmftlab::python
