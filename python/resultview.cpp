#include "resultview.h"

#include "jsonconvert.h"

#include <algorithm>
#include <limits>

namespace py = pybind11;

namespace dmftlab::python
{

namespace
{

/// Marks `a` read-only: results are immutable snapshots shared by every view.
py::array readOnly(py::array a)
{
    a.attr("flags").attr("writeable") = false;
    return a;
}

/// A (n,) view of v[0..n) owned by `owner`; entries missing from v make a NaN-filled copy.
py::array vectorView(const std::vector<double> *v, int n, py::handle owner)
{
    if (!v || static_cast<int>(v->size()) < n) {
        py::array_t<double> filled(n);
        auto out = filled.mutable_unchecked<1>();
        for (int i = 0; i < n; ++i)
            out(i) = (v && i < static_cast<int>(v->size())) ? (*v)[static_cast<std::size_t>(i)]
                                                            : std::numeric_limits<double>::quiet_NaN();
        return readOnly(filled);
    }
    if (n == 0)
        return readOnly(py::array_t<double>(0));
    return readOnly(py::array(
        py::dtype::of<double>(), { n }, { static_cast<py::ssize_t>(sizeof(double)) }, v->data(), owner));
}

/// The top-left n×n block of the column-major matrix m as a view owned by `owner`.
py::array matrixView(const Eigen::MatrixXd &m, int n, py::handle owner)
{
    n = std::min<int>(n, static_cast<int>(std::min(m.rows(), m.cols())));
    if (n <= 0)
        return readOnly(py::array_t<double>(std::vector<py::ssize_t> { 0, 0 }));
    const auto d = static_cast<py::ssize_t>(sizeof(double));
    return readOnly(py::array(
        py::dtype::of<double>(), { n, n }, { d, d * static_cast<py::ssize_t>(m.rows()) }, m.data(), owner));
}

} // namespace

ResultView::ResultView(
    std::string engine, std::shared_ptr<const EngineResult> result, const nlohmann::json &summary)
    : m_engine(std::move(engine))
    , m_status(summary.value("status", toString(result->status)))
    , m_result(std::move(result))
    , m_extra(summary)
{
    for (const char *key : { "status", "message", "wall_seconds", "files" })
        m_extra.erase(key);
    const Curves &c = m_result->curves;
    m_valid = std::clamp(c.validPoints, 0, static_cast<int>(c.t.size()));
    m_kernels = io::kernelTables(c);
}

std::shared_ptr<ResultView> recordResult(
    io::RunSummary &summary, const std::string &engine, std::shared_ptr<const EngineResult> result)
{
    summary.record(io::runStatusFor(result->status));
    summary.setEngine(
        { engine, result->status, result->message, result->wallSeconds, &result->curves, result->extra, {} });
    return std::make_shared<ResultView>(engine, std::move(result), summary.document()["engines"][engine]);
}

py::dict ResultView::extra() const
{
    return fromJson(m_extra);
}

py::dict ResultView::curves(py::object self)
{
    const ResultView &v = self.cast<const ResultView &>();
    py::dict out;
    for (const auto &col : io::curveColumns(v.m_result->curves))
        out[py::str(col.name)] = vectorView(col.values, v.m_valid, self);
    return out;
}

py::dict ResultView::errors(py::object self)
{
    const ResultView &v = self.cast<const ResultView &>();
    py::dict out;
    for (const auto &col : io::errorPartColumns(v.m_result->curves))
        out[py::str(col.name)] = vectorView(col.values, v.m_valid, self);
    return out;
}

py::dict ResultView::kernels(py::object self)
{
    const ResultView &v = self.cast<const ResultView &>();
    py::dict out;
    for (const auto &table : v.m_kernels)
        out[py::str(table.name)] = matrixView(*table.matrix, v.m_valid, self);
    return out;
}

py::array ResultView::residuals(py::object self)
{
    const ResultView &v = self.cast<const ResultView &>();
    const auto &r = v.m_result->curves.residuals;
    return vectorView(&r, static_cast<int>(r.size()), self);
}

} // namespace dmftlab::python
