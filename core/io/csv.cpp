#include "io/csv.h"

#include "io/resulttables.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>

namespace dmftlab::io
{

namespace
{

std::vector<std::string> splitLines(const std::string &text)
{
    std::vector<std::string> lines;
    std::string line;
    std::istringstream in(text);
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (!line.empty())
            lines.push_back(line);
    }
    return lines;
}

std::vector<std::string> splitFields(const std::string &line)
{
    std::vector<std::string> fields;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = line.find(',', start);
        fields.push_back(line.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return fields;
}

int rowsToWrite(const Curves &c)
{
    const int n = static_cast<int>(c.t.size());
    return c.validPoints < 0 ? 0 : std::min(c.validPoints, n);
}

double at(const std::vector<double> &v, int n)
{
    return n < static_cast<int>(v.size()) ? v[n] : std::numeric_limits<double>::quiet_NaN();
}

/// A header of the column names, then `rows` rows (missing entries as nan).
std::string columnsCsv(const std::vector<CurveColumn> &cols, int rows)
{
    std::string out;
    for (std::size_t i = 0; i < cols.size(); ++i)
        out += (i ? "," : "") + cols[i].name;
    out += '\n';
    const std::vector<double> none;
    for (int n = 0; n < rows; ++n) {
        for (std::size_t i = 0; i < cols.size(); ++i) {
            if (i)
                out += ',';
            out += formatNumber(at(cols[i].values ? *cols[i].values : none, n));
        }
        out += '\n';
    }
    return out;
}

} // namespace

std::string formatNumber(double x)
{
    if (std::isnan(x))
        return "nan";
    if (std::isinf(x))
        return x > 0 ? "inf" : "-inf";
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, x);
    return std::string(buf, res.ptr);
}

bool parseNumber(const std::string &text, double *x)
{
    if (text == "nan" || text == "NaN" || text == "-nan") {
        *x = std::numeric_limits<double>::quiet_NaN();
        return true;
    }
    if (text == "inf") {
        *x = std::numeric_limits<double>::infinity();
        return true;
    }
    if (text == "-inf") {
        *x = -std::numeric_limits<double>::infinity();
        return true;
    }
    const char *begin = text.data(), *end = text.data() + text.size();
    const auto res = std::from_chars(begin, end, *x);
    return res.ec == std::errc() && res.ptr == end && !text.empty();
}

std::vector<std::string> curvesColumns(int k, int kStar)
{
    Curves shape;
    shape.k = k;
    shape.kStar = kStar;
    std::vector<std::string> names;
    for (const auto &col : curveColumns(shape))
        names.push_back(col.name);
    return names;
}

std::string curvesCsv(const Curves &c)
{
    return columnsCsv(curveColumns(c), rowsToWrite(c));
}

std::string errorPartsCsv(const Curves &c)
{
    const auto cols = errorPartColumns(c);
    return cols.empty() ? std::string() : columnsCsv(cols, rowsToWrite(c));
}

std::string parseCurvesCsv(const std::string &text, Curves *c)
{
    const auto lines = splitLines(text);
    if (lines.empty())
        return "empty curves file";
    const auto header = splitFields(lines[0]);
    // Recover k and k* from the last Q_ and M_ columns.
    int k = 0, kStar = 0;
    for (const auto &h : header) {
        int a = 0, b = 0;
        char tail[8] = { 0 };
        if (std::sscanf(h.c_str(), "Q_%d_%d%7s", &a, &b, tail) == 2)
            k = std::max(k, std::max(a, b));
        else if (std::sscanf(h.c_str(), "M_%d_%d%7s", &a, &b, tail) == 2)
            kStar = std::max(kStar, b);
    }
    if (k < 1 || kStar < 1)
        return "curves header has no Q_a_b or M_a_m columns";
    const auto expected = curvesColumns(k, kStar);
    if (header != expected)
        return "curves header does not match the columns for k = " + std::to_string(k)
            + ", k* = " + std::to_string(kStar);
    std::vector<double> t;
    std::vector<std::vector<double>> values;
    for (std::size_t l = 1; l < lines.size(); ++l) {
        const auto fields = splitFields(lines[l]);
        if (fields.size() != header.size())
            return "row " + std::to_string(l) + " has " + std::to_string(fields.size()) + " fields, expected "
                + std::to_string(header.size());
        std::vector<double> row(fields.size());
        for (std::size_t i = 0; i < fields.size(); ++i)
            if (!parseNumber(fields[i], &row[i]))
                return "row " + std::to_string(l) + ", column " + header[i] + ": not a number: '" + fields[i]
                    + "'";
        t.push_back(row[0]);
        values.push_back(std::move(row));
    }
    c->allocate(k, kStar, t);
    c->validPoints = static_cast<int>(t.size());
    for (std::size_t n = 0; n < values.size(); ++n) {
        std::size_t col = 1;
        auto get = [&](Estimate &e) {
            e.mean[n] = values[n][col++];
            e.se[n] = values[n][col++];
        };
        get(c->trainLoss);
        get(c->testLoss);
        get(c->testError);
        for (auto &e : c->Q)
            get(e);
        for (auto &e : c->M)
            get(e);
    }
    return {};
}

std::string matrixCsv(const Eigen::MatrixXd &m, int rows)
{
    const int n = (rows < 0 || rows > m.rows()) ? static_cast<int>(m.rows()) : rows;
    const int cols = (rows < 0 || rows > m.cols()) ? static_cast<int>(m.cols()) : rows;
    std::string out;
    for (int i = 0; i < n; ++i) {
        for (int j = 0; j < cols; ++j) {
            if (j)
                out += ',';
            out += formatNumber(m(i, j));
        }
        out += '\n';
    }
    return out;
}

std::string parseMatrixCsv(const std::string &text, Eigen::MatrixXd *m)
{
    const auto lines = splitLines(text);
    std::vector<std::vector<double>> rows;
    for (std::size_t l = 0; l < lines.size(); ++l) {
        const auto fields = splitFields(lines[l]);
        if (!rows.empty() && fields.size() != rows[0].size())
            return "row " + std::to_string(l + 1) + " has " + std::to_string(fields.size())
                + " fields, expected " + std::to_string(rows[0].size());
        std::vector<double> row(fields.size());
        for (std::size_t i = 0; i < fields.size(); ++i)
            if (!parseNumber(fields[i], &row[i]))
                return "row " + std::to_string(l + 1) + ": not a number: '" + fields[i] + "'";
        rows.push_back(std::move(row));
    }
    m->resize(
        static_cast<Eigen::Index>(rows.size()), rows.empty() ? 0 : static_cast<Eigen::Index>(rows[0].size()));
    for (std::size_t i = 0; i < rows.size(); ++i)
        for (std::size_t j = 0; j < rows[i].size(); ++j)
            (*m)(i, j) = rows[i][j];
    return {};
}

std::string residualsCsv(const std::vector<double> &residuals)
{
    std::string out = "iteration,residual\n";
    for (std::size_t i = 0; i < residuals.size(); ++i)
        out += std::to_string(i + 1) + "," + formatNumber(residuals[i]) + "\n";
    return out;
}

} // namespace dmftlab::io
