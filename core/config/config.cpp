#include "config/config.h"

#include "config/configerror.h"
#include "config/jsonpath.h"
#include "config/schema.h"
#include "io/jsonparse.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <sstream>
#include <thread>

namespace dmftlab
{

namespace
{

/// Parses every leaf of the (dotted-expanded) tree into `c`; a refused value leaves the
/// field at its base value and adds an error naming the key.
void parseInto(RunConfig &c, const json &node, const std::string &prefix, std::vector<ConfigError> *errors)
{
    for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (prefix.empty() && it.key() == "derived")
            continue; // written by configToJson(withDerived); recomputed, never read
        const FieldInfo *f = findField(key);
        if (f) {
            if (std::string err = checkValue(*f, it.value()); !err.empty())
                errors->push_back({ { key }, err });
            else
                f->set(c, it.value());
        } else if (isSection(key)) {
            if (it.value().is_object())
                parseInto(c, it.value(), key, errors);
            else
                errors->push_back(
                    { { key }, key + ": expected an object (the section of " + key + ".* keys)" });
        } else {
            errors->push_back({ { key }, "unknown key '" + io::printable(key) + "'" });
        }
    }
}

std::string describe(double x)
{
    std::ostringstream os;
    os << x;
    return os.str();
}

} // namespace

double RunConfig::tau() const
{
    return optimizer.tau ? *optimizer.tau : sgdTau();
}

std::vector<double> RunConfig::grid() const
{
    std::vector<double> g(time.steps + 1);
    for (int n = 0; n <= time.steps; ++n)
        g[n] = time.horizon * n / time.steps;
    return g;
}

double RunConfig::epochs() const
{
    const double t = tau();
    if (t <= 0.0)
        return std::numeric_limits<double>::infinity();
    return time.horizon / (alpha * t);
}

Eigen::MatrixXd RunConfig::M0() const
{
    const int k = problem.width, ks = problem.teacherWidth;
    Eigen::MatrixXd m = init.m0.size() == 1 ? Eigen::MatrixXd::Constant(k, ks, init.m0(0, 0)) : init.m0;
    for (int a = 0; a < std::min(k, ks); ++a)
        m(a, a) += init.m0Asymmetry;
    return m;
}

Eigen::MatrixXd RunConfig::Q0() const
{
    return init.q0 * Eigen::MatrixXd::Identity(problem.width, problem.width);
}

Eigen::MatrixXd RunConfig::rho() const
{
    return Eigen::MatrixXd::Identity(problem.teacherWidth, problem.teacherWidth);
}

bool RunConfig::tamingEnabled() const
{
    if (optimizer.taming == Taming::Auto)
        return problem.activation == Activation::Quadratic
            || problem.teacherActivation == Activation::Quadratic;
    return optimizer.taming == Taming::On;
}

int RunConfig::samples() const
{
    // validate() keeps α d within int; clamp so that an unvalidated config cannot wrap.
    const double n = std::round(alpha * static_cast<double>(sim.dimension));
    return n >= std::numeric_limits<int>::max() ? std::numeric_limits<int>::max()
        : n > 0                                 ? static_cast<int>(n)
                                                : 0;
}

std::vector<ConfigError> validateAll(const RunConfig &c, const std::vector<std::string> &skipKeys)
{
    std::vector<ConfigError> errors;
    std::vector<std::string> refused = skipKeys;
    for (const FieldInfo &f : configSchema()) {
        if (std::find(skipKeys.begin(), skipKeys.end(), f.key) != skipKeys.end())
            continue;
        if (std::string err = checkValue(f, f.get(c)); !err.empty()) {
            errors.push_back({ { f.key }, err });
            refused.push_back(f.key);
        }
    }
    // Rules across fields, each checked only when none of its keys was refused above. The
    // message names the keys by position ({0}, {1}: configerror.h).
    auto rule = [&](std::vector<std::string> keys, bool broken, const std::function<std::string()> &pattern) {
        for (const auto &k : keys)
            if (std::find(refused.begin(), refused.end(), k) != refused.end())
                return;
        if (broken)
            errors.push_back(configError(std::move(keys), pattern()));
    };
    using K = ConfigKey;
    rule({ K::ModelLoss, K::TeacherLabels },
        c.problem.loss == Loss::Logistic && c.problem.labels != Labels::Sign,
        [] { return std::string("{0} = logistic needs {1} = sign (labels must be ±1)"); });
    rule({ K::OptimizerLearningRate, K::OptimizerTau }, !c.optimizer.tau && c.optimizer.learningRate <= 0.0,
        [] { return std::string("{0} must be > 0 (or set {1} directly)"); });
    const int k = c.problem.width, ks = c.problem.teacherWidth;
    const bool m0Shape = c.init.m0.size() == 1 || (c.init.m0.rows() == k && c.init.m0.cols() == ks);
    rule({ K::InitM0, K::ModelWidth, K::TeacherWidth }, !m0Shape, [&] {
        return "{0} must be a number or a " + std::to_string(k) + "x" + std::to_string(ks)
            + " matrix ({1} x {2})";
    });
    if (m0Shape) {
        // Q0 − M0 ρ⁻¹ M0ᵀ must be PSD for θ_0 to exist; huge finite entries can overflow it.
        const Eigen::MatrixXd M0 = c.M0();
        const Eigen::MatrixXd S = c.Q0() - M0 * M0.transpose();
        const std::vector<std::string> keys = { K::InitQ0, K::InitM0, K::InitM0Asymmetry };
        if (!S.allFinite()) {
            rule(keys, true,
                [] { return std::string("{0}, {1}, {2}: Q0 - M0 M0^T overflows (lower their magnitudes)"); });
        } else {
            Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(S);
            rule(keys, es.eigenvalues().minCoeff() < -1e-12 * std::max(1.0, c.init.q0), [] {
                return std::string(
                    "init: Q0 - M0 M0^T is not positive semidefinite (raise {0} or lower {1} or {2})");
            });
        }
    }
    // n = round(α d) is an int everywhere downstream: it must fit.
    const double n = std::round(c.alpha * static_cast<double>(c.sim.dimension));
    rule({ K::DataAlpha, K::SimDimension }, !(n >= 1.0),
        [] { return std::string("{0} * {1} must give at least one sample"); });
    rule({ K::DataAlpha, K::SimDimension }, n > std::numeric_limits<int>::max(), [&] {
        return "{0} * {1} = n must be at most " + std::to_string(std::numeric_limits<int>::max())
            + " samples (got " + describe(n) + ")";
    });
    rule({ K::DmftTangentPaths, K::DmftPaths }, c.dmft.tangentPaths > c.dmft.paths, [&] {
        return "{0} must be at most {1} = " + std::to_string(c.dmft.paths) + " (got "
            + std::to_string(c.dmft.tangentPaths) + ")";
    });
    return errors;
}

std::string validate(const RunConfig &c)
{
    const auto errors = validateAll(c);
    return errors.empty() ? std::string() : errors.front().message;
}

ConfigResult configFromJson(const json &j, const RunConfig &base)
{
    ConfigResult result;
    auto fail = [&result] {
        result.error = result.errors.front().message;
        return result;
    };
    if (!j.is_object()) {
        result.errors.push_back({ {}, "the configuration: expected an object" });
        return fail();
    }
    json tree;
    if (std::string err = jsonpath::expandDotted(j, &tree); !err.empty()) {
        result.errors.push_back({ {}, err });
        return fail();
    }
    RunConfig c = base;
    parseInto(c, tree, "", &result.errors);
    std::vector<std::string> refused;
    for (const auto &e : result.errors)
        refused.insert(refused.end(), e.keys.begin(), e.keys.end());
    for (auto &e : validateAll(c, refused))
        result.errors.push_back(std::move(e));
    if (!result.errors.empty())
        return fail();
    result.config = c;
    return result;
}

json configToJson(const RunConfig &c, bool withDerived)
{
    json out = json::object();
    for (const auto &f : configSchema())
        jsonpath::set(out, f.key, f.get(c));
    if (withDerived) {
        json d;
        d["tau"] = c.tau();
        d["tau_sgd"] = c.sgdTau();
        const double e = c.epochs();
        d["epochs"] = std::isfinite(e) ? json(e) : json("infinite (tau = 0)");
        d["samples"] = c.samples();
        d["dt"] = c.dt();
        d["taming"] = c.tamingEnabled();
        out["derived"] = d;
    }
    return out;
}

void mergeJson(json &tree, const json &patch)
{
    if (!patch.is_object() || !tree.is_object()) {
        tree = patch;
        return;
    }
    for (auto it = patch.begin(); it != patch.end(); ++it) {
        if (it.value().is_object() && tree.contains(it.key()) && tree[it.key()].is_object())
            mergeJson(tree[it.key()], it.value());
        else
            tree[it.key()] = it.value();
    }
}

std::string applySetting(json &tree, const std::string &assignment)
{
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
        return "--set expects key=value, got '" + io::printable(assignment) + "'";
    const std::string key = assignment.substr(0, eq);
    const std::string text = assignment.substr(eq + 1);
    if (!findField(key))
        return "unknown key '" + io::printable(key) + "'";
    json value;
    if (io::jsonNestingDepth(text) > io::kMaxJsonDepth)
        return key + ": value nested deeper than " + std::to_string(io::kMaxJsonDepth) + " levels";
    if (const std::string err = io::parseJson(text, &value); !err.empty()) {
        if (err.find("number overflow") != std::string::npos)
            return key + ": " + io::printable(text) + " is beyond the range of a double";
        value = text; // not JSON: a string (an activation name, say)
    }
    jsonpath::set(tree, key, std::move(value));
    return {};
}

int resolvedThreads(int requested)
{
    if (requested > 0)
        return requested;
    const unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1 : static_cast<int>(hw);
}

double simulationMemoryBytes(const RunConfig &c, bool finiteSamples)
{
    const double d = c.sim.dimension, k = c.problem.width, ks = c.problem.teacherWidth;
    const double N1 = c.time.steps + 1.0;
    const double n = finiteSamples ? c.samples() : 0.0;
    const double B = c.optimizer.batchSize;
    const double concurrent = std::min(resolvedThreads(c.sim.threads), c.sim.seeds);
    const double kernel = N1 * k * N1 * k; // one (N+1)k × (N+1)k kernel
    // Per worker (core/sim/seedsimulation.h): Xᵀ (d×n, and again in single precision), labels, θ history
    // d×(N+1)k, G history n×(N+1)k, R/G/W/ξ work arrays, teacher/θ_0/θ, an online batch d×B, and the seed's
    // C_θ and C_g kept until they are merged in seed order (two copies each).
    const double perWorker
        = 1.5 * n * d + n + N1 * d * k + N1 * n * k + 4.0 * n * k + d * (ks + 3.0 * k) + d * B + 4.0 * kernel;
    // Shared: running statistics of C_θ and C_g (3 arrays each), the result's mean and SE
    // blocks, and the per-seed scalar series.
    const double shared = 6.0 * kernel + 4.0 * kernel + c.sim.seeds * N1 * (3.0 + k * k + k * ks);
    return 8.0 * (concurrent * perWorker + shared);
}

} // namespace dmftlab
