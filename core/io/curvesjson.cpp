#include "io/curvesjson.h"

#include "engine/constants.h"
#include "model/problem.h"

#include <cmath>
#include <limits>

namespace dmftlab::io
{

using nlohmann::json;

namespace
{

json number(double x)
{
    return std::isfinite(x) ? json(x) : json(nullptr);
}

json vectorJson(const std::vector<double> &v, int n)
{
    json out = json::array();
    for (int i = 0; i < n && i < static_cast<int>(v.size()); ++i)
        out.push_back(number(v[i]));
    return out;
}

json matrixJson(const Eigen::MatrixXd &m, int n)
{
    json rows = json::array();
    for (int i = 0; i < n && i < m.rows(); ++i) {
        json row = json::array();
        for (int j = 0; j < n && j < m.cols(); ++j)
            row.push_back(number(m(i, j)));
        rows.push_back(row);
    }
    return rows;
}

json estimateJson(const Estimate &e, int n)
{
    return { { "mean", vectorJson(e.mean, n) }, { "se", vectorJson(e.se, n) } };
}

json kernelJson(const Kernel &k, int n)
{
    json blocks = json::array(), se = json::array();
    for (const auto &m : k.mean)
        blocks.push_back(matrixJson(m, n));
    for (const auto &m : k.se)
        se.push_back(matrixJson(m, n));
    return { { "rows_per_block", k.rowsPerBlock }, { "cols_per_block", k.colsPerBlock }, { "mean", blocks },
        { "se", se } };
}

/// j[key], or null when absent, without copying the subtree (j.value(key, json()) would).
const json &fieldOf(const json &j, const char *key)
{
    static const json kNull;
    const auto it = j.find(key);
    return it == j.end() ? kNull : *it;
}

/// An integer field in [lo, hi], read without narrowing: nlohmann's get<int>() wraps values
/// beyond the int range (4294967297 would read as 1).
std::string readInt(const json &j, const std::string &name, long long lo, long long hi, int *out)
{
    // Parsed text gives non-negative integers as unsigned, which may exceed long long.
    const bool inRange = j.is_number_unsigned()
        ? j.get<unsigned long long>() <= static_cast<unsigned long long>(hi)
            && (lo <= 0 || j.get<unsigned long long>() >= static_cast<unsigned long long>(lo))
        : j.is_number_integer() && j.get<long long>() >= lo && j.get<long long>() <= hi;
    if (!inRange)
        return name + ": expected an integer between " + std::to_string(lo) + " and " + std::to_string(hi);
    *out = static_cast<int>(j.get<long long>());
    return {};
}

std::string readVector(const json &j, const std::string &name, std::size_t n, std::vector<double> *out)
{
    // The size is checked against the array actually present before anything is allocated.
    if (!j.is_array() || j.size() != n)
        return name + ": expected an array of " + std::to_string(n) + " numbers";
    out->resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (j[i].is_null())
            (*out)[i] = kNaN;
        else if (j[i].is_number())
            (*out)[i] = j[i].get<double>();
        else
            return name + "[" + std::to_string(i) + "]: expected a number or null";
    }
    return {};
}

std::string readEstimate(const json &j, const std::string &name, std::size_t n, Estimate *e)
{
    if (!j.is_object() || !j.contains("mean") || !j.contains("se"))
        return name + ": expected an object with mean and se";
    if (auto err = readVector(j["mean"], name + ".mean", n, &e->mean); !err.empty())
        return err;
    return readVector(j["se"], name + ".se", n, &e->se);
}

std::string readMatrix(const json &j, const std::string &name, std::size_t n, Eigen::MatrixXd *m)
{
    if (!j.is_array() || j.size() != n)
        return name + ": expected " + std::to_string(n) + " rows";
    // Every row must be present at full length before the n×n matrix is allocated: n rows
    // of [] must not reserve n² doubles.
    for (std::size_t i = 0; i < n; ++i)
        if (!j[i].is_array() || j[i].size() != n)
            return name + "[" + std::to_string(i) + "]: expected an array of " + std::to_string(n)
                + " numbers";
    m->resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
    std::vector<double> row;
    for (std::size_t i = 0; i < n; ++i) {
        if (auto err = readVector(j[i], name + "[" + std::to_string(i) + "]", n, &row); !err.empty())
            return err;
        for (std::size_t c = 0; c < n; ++c)
            (*m)(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(c)) = row[c];
    }
    return {};
}

/// Every kernel of Curves has k×k blocks (curves.h); anything else would make Kernel::trace()
/// and the per-block writers index outside the block list.
std::string readKernel(const json &j, const std::string &name, int k, std::size_t n, Kernel *out)
{
    if (!j.is_object())
        return name + ": expected an object";
    for (const char *key : { "rows_per_block", "cols_per_block" }) {
        int value = 0;
        if (!readInt(fieldOf(j, key), name + "." + key, k, k, &value).empty())
            return name + "." + key + ": expected " + std::to_string(k)
                + " (k: every kernel has k x k blocks)";
    }
    Kernel kernel;
    kernel.rowsPerBlock = kernel.colsPerBlock = k;
    const std::size_t blocks = static_cast<std::size_t>(k) * static_cast<std::size_t>(k);
    for (const char *key : { "mean", "se" }) {
        if (!j.contains(key) || !j[key].is_array())
            return name + "." + key + ": expected an array of blocks";
        const json &list = j[key];
        const bool isMean = std::string(key) == "mean";
        // The mean is what makes the kernel non-empty; its SE may be absent.
        if (list.size() != blocks && (isMean || !list.empty()))
            return name + "." + key + ": expected " + std::to_string(blocks) + " blocks (k x k)";
        auto &target = isMean ? kernel.mean : kernel.se;
        target.resize(list.size());
        for (std::size_t b = 0; b < list.size(); ++b)
            if (auto err
                = readMatrix(list[b], name + "." + key + "[" + std::to_string(b) + "]", n, &target[b]);
                !err.empty())
                return err;
    }
    *out = std::move(kernel);
    return {};
}

struct KernelField {
    Kernel Curves::*member;
    const char *name;
};
const KernelField kKernels[] = { { &Curves::Ctheta, "C_theta" }, { &Curves::Cg, "C_g" },
    { &Curves::Rtheta, "R_theta" }, { &Curves::Cu, "C_u" }, { &Curves::K, "K" } };

} // namespace

json curvesToJson(const Curves &c)
{
    const int n = std::max(0, std::min<int>(c.validPoints, static_cast<int>(c.t.size())));
    json j;
    j["engine"] = c.engine;
    j["k"] = c.k;
    j["k_star"] = c.kStar;
    j["valid_points"] = n;
    j["t"] = vectorJson(c.t, n);
    j["train_loss"] = estimateJson(c.trainLoss, n);
    j["test_loss"] = estimateJson(c.testLoss, n);
    j["test_error"] = estimateJson(c.testError, n);
    j["Q"] = json::array();
    for (const auto &e : c.Q)
        j["Q"].push_back(estimateJson(e, n));
    j["M"] = json::array();
    for (const auto &e : c.M)
        j["M"].push_back(estimateJson(e, n));
    j["kernels"] = json::object();
    for (const auto &kf : kKernels)
        if (!(c.*(kf.member)).empty())
            j["kernels"][kf.name] = kernelJson(c.*(kf.member), n);
    j["residuals"] = vectorJson(c.residuals, static_cast<int>(c.residuals.size()));
    j["iterations"] = c.iterations;
    return j;
}

std::string curvesFromJson(const json &j, Curves *out)
{
    if (!j.is_object())
        return "curves: expected an object";
    // Sizes first, each bounded and checked against the data present, before allocating.
    int k = 0, kStar = 0, validPoints = 0;
    if (auto err = readInt(fieldOf(j, "k"), "k", 1, kMaxWidth, &k); !err.empty())
        return err;
    if (auto err = readInt(fieldOf(j, "k_star"), "k_star", 1, kMaxWidth, &kStar); !err.empty())
        return err;
    if (auto err = readInt(
            fieldOf(j, "valid_points"), "valid_points", 0, std::numeric_limits<int>::max(), &validPoints);
        !err.empty())
        return err;
    if (!j.contains("engine") || !j["engine"].is_string())
        return "engine: expected a string";
    const auto n = static_cast<std::size_t>(validPoints);
    const std::pair<const char *, std::size_t> counts[]
        = { { "Q", static_cast<std::size_t>(k) * k }, { "M", static_cast<std::size_t>(k) * kStar } };
    for (const auto &[name, count] : counts) {
        const json &arr = fieldOf(j, name);
        if (!arr.is_array() || arr.size() != count)
            return std::string(name) + ": expected " + std::to_string(count) + " entries";
    }
    Curves c;
    std::vector<double> t;
    if (auto err = readVector(fieldOf(j, "t"), "t", n, &t); !err.empty())
        return err;
    c.allocate(k, kStar, t);
    c.engine = j["engine"].get<std::string>();
    c.validPoints = validPoints;
    const std::pair<const char *, Estimate *> scalars[]
        = { { "train_loss", &c.trainLoss }, { "test_loss", &c.testLoss }, { "test_error", &c.testError } };
    for (const auto &[name, e] : scalars)
        if (auto err = readEstimate(fieldOf(j, name), name, n, e); !err.empty())
            return err;
    for (const auto &[name, list] :
        { std::pair<const char *, std::vector<Estimate> *> { "Q", &c.Q }, { "M", &c.M } }) {
        const json &arr = fieldOf(j, name); // its size was checked above
        for (std::size_t i = 0; i < list->size(); ++i)
            if (auto err
                = readEstimate(arr[i], std::string(name) + "[" + std::to_string(i) + "]", n, &(*list)[i]);
                !err.empty())
                return err;
    }
    if (j.contains("kernels")) {
        if (!j["kernels"].is_object())
            return "kernels: expected an object";
        for (auto it = j["kernels"].begin(); it != j["kernels"].end(); ++it) {
            const KernelField *field = nullptr;
            for (const auto &kf : kKernels)
                if (it.key() == kf.name)
                    field = &kf;
            if (!field)
                return "kernels: unknown kernel '" + it.key() + "'";
            if (auto err = readKernel(it.value(), "kernels." + it.key(), k, n, &(c.*(field->member)));
                !err.empty())
                return err;
        }
    }
    if (j.contains("residuals")) {
        const json &r = j["residuals"];
        if (auto err = readVector(r, "residuals", r.is_array() ? r.size() : 0, &c.residuals); !err.empty())
            return err;
    }
    if (j.contains("iterations")) {
        if (auto err
            = readInt(j["iterations"], "iterations", 0, std::numeric_limits<int>::max(), &c.iterations);
            !err.empty())
            return err;
    }
    *out = std::move(c);
    return {};
}

} // namespace dmftlab::io
