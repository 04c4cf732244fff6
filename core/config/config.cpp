#include "config/config.h"

#include <cmath>
#include <functional>
#include <limits>
#include <sstream>
#include <thread>

namespace dmftlab {

namespace {

enum class FieldType { Int, Number, String, Bool, NumberOrNull, NumberOrMatrix, NumberList };

struct Field {
    std::string key;
    FieldType type;
    // Sets the field from a type-checked value; returns an error (e.g. unknown enum name).
    std::function<std::string(RunConfig &, const json &)> set;
    std::function<json(const RunConfig &)> get;
};

std::string typeName(FieldType t)
{
    switch (t) {
    case FieldType::Int: return "an integer";
    case FieldType::Number: return "a number";
    case FieldType::String: return "a string";
    case FieldType::Bool: return "true or false";
    case FieldType::NumberOrNull: return "a number or null";
    case FieldType::NumberOrMatrix: return "a number or a matrix (array of rows)";
    case FieldType::NumberList: return "a list of numbers";
    }
    return "?";
}

bool isInteger(const json &v)
{
    if (v.is_number_integer())
        return true;
    if (v.is_number_float()) {
        const double x = v.get<double>();
        return std::isfinite(x) && std::floor(x) == x && std::fabs(x) < 9e15;
    }
    return false;
}

bool typeMatches(FieldType t, const json &v)
{
    switch (t) {
    case FieldType::Int: return isInteger(v);
    case FieldType::Number: return v.is_number();
    case FieldType::String: return v.is_string();
    case FieldType::Bool: return v.is_boolean();
    case FieldType::NumberOrNull: return v.is_number() || v.is_null();
    case FieldType::NumberList:
        if (!v.is_array())
            return false;
        for (const auto &x : v)
            if (!x.is_number())
                return false;
        return true;
    case FieldType::NumberOrMatrix:
        if (v.is_number())
            return true;
        if (!v.is_array() || v.empty())
            return false;
        for (const auto &row : v) {
            if (!row.is_array() || row.size() != v[0].size() || row.empty())
                return false;
            for (const auto &x : row)
                if (!x.is_number())
                    return false;
        }
        return true;
    }
    return false;
}

template <typename Enum>
std::string setEnum(Enum &target, const json &v, const std::vector<std::pair<std::string, Enum>> &names)
{
    const std::string s = v.get<std::string>();
    std::string allowed;
    for (const auto &[name, value] : names) {
        if (name == s) {
            target = value;
            return {};
        }
        allowed += (allowed.empty() ? "" : "|") + name;
    }
    return "'" + s + "' is not one of " + allowed;
}

std::string setActivation(Activation &a, const json &v)
{
    const auto parsed = activationFromString(v.get<std::string>());
    if (!parsed) {
        std::string allowed;
        for (const auto &n : activationNames())
            allowed += (allowed.empty() ? "" : "|") + n;
        return "'" + v.get<std::string>() + "' is not one of " + allowed;
    }
    a = *parsed;
    return {};
}

json matrixToJson(const Eigen::MatrixXd &m)
{
    if (m.size() == 1)
        return m(0, 0);
    json rows = json::array();
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        json row = json::array();
        for (Eigen::Index j = 0; j < m.cols(); ++j)
            row.push_back(m(i, j));
        rows.push_back(row);
    }
    return rows;
}

const std::vector<Field> &fields()
{
    using R = RunConfig;
    static const std::vector<Field> table = {
        {"preset", FieldType::String,
         [](R &c, const json &v) { c.preset = v.get<std::string>(); return std::string(); },
         [](const R &c) { return json(c.preset); }},
        {"model.activation", FieldType::String,
         [](R &c, const json &v) { return setActivation(c.problem.activation, v); },
         [](const R &c) { return json(toString(c.problem.activation)); }},
        {"model.width", FieldType::Int,
         [](R &c, const json &v) { c.problem.width = v.get<int>(); return std::string(); },
         [](const R &c) { return json(c.problem.width); }},
        {"model.loss", FieldType::String,
         [](R &c, const json &v) {
             return setEnum(c.problem.loss, v, {{"square", Loss::Square}, {"logistic", Loss::Logistic}});
         },
         [](const R &c) { return json(toString(c.problem.loss)); }},
        {"model.second_layer", FieldType::Number,
         [](R &c, const json &v) { c.problem.secondLayer = v.get<double>(); return std::string(); },
         [](const R &c) { return json(c.problem.secondLayer); }},
        {"teacher.activation", FieldType::String,
         [](R &c, const json &v) { return setActivation(c.problem.teacherActivation, v); },
         [](const R &c) { return json(toString(c.problem.teacherActivation)); }},
        {"teacher.width", FieldType::Int,
         [](R &c, const json &v) { c.problem.teacherWidth = v.get<int>(); return std::string(); },
         [](const R &c) { return json(c.problem.teacherWidth); }},
        {"teacher.noise", FieldType::Number,
         [](R &c, const json &v) { c.problem.noise = v.get<double>(); return std::string(); },
         [](const R &c) { return json(c.problem.noise); }},
        {"teacher.labels", FieldType::String,
         [](R &c, const json &v) {
             return setEnum(c.problem.labels, v, {{"real", Labels::Real}, {"sign", Labels::Sign}});
         },
         [](const R &c) { return json(toString(c.problem.labels)); }},
        {"teacher.prior", FieldType::String,
         [](R &c, const json &v) {
             const auto p = teacherPriorFromString(v.get<std::string>());
             if (!p)
                 return "'" + v.get<std::string>() + "' is not one of " + teacherPriorNames();
             c.teacherPrior.prior = *p;
             return std::string();
         },
         [](const R &c) { return json(toString(c.teacherPrior.prior)); }},
        {"teacher.sparsity", FieldType::Number,
         [](R &c, const json &v) { c.teacherPrior.sparsity = v.get<double>(); return std::string(); },
         [](const R &c) { return json(c.teacherPrior.sparsity); }},
        {"teacher.second_layer", FieldType::Number,
         [](R &c, const json &v) { c.problem.teacherSecondLayer = v.get<double>(); return std::string(); },
         [](const R &c) { return json(c.problem.teacherSecondLayer); }},
        {"data.alpha", FieldType::Number,
         [](R &c, const json &v) { c.alpha = v.get<double>(); return std::string(); },
         [](const R &c) { return json(c.alpha); }},
        {"optimizer.learning_rate", FieldType::Number,
         [](R &c, const json &v) { c.optimizer.learningRate = v.get<double>(); return std::string(); },
         [](const R &c) { return json(c.optimizer.learningRate); }},
        {"optimizer.batch_size", FieldType::Int,
         [](R &c, const json &v) { c.optimizer.batchSize = v.get<int>(); return std::string(); },
         [](const R &c) { return json(c.optimizer.batchSize); }},
        {"optimizer.tau", FieldType::NumberOrNull,
         [](R &c, const json &v) {
             if (v.is_null())
                 c.optimizer.tau.reset();
             else
                 c.optimizer.tau = v.get<double>();
             return std::string();
         },
         [](const R &c) { return c.optimizer.tau ? json(*c.optimizer.tau) : json(nullptr); }},
        {"optimizer.ridge", FieldType::Number,
         [](R &c, const json &v) { c.problem.ridge = v.get<double>(); return std::string(); },
         [](const R &c) { return json(c.problem.ridge); }},
        {"optimizer.taming", FieldType::String,
         [](R &c, const json &v) {
             return setEnum(c.optimizer.taming, v,
                            {{"auto", Taming::Auto}, {"on", Taming::On}, {"off", Taming::Off}});
         },
         [](const R &c) {
             return json(c.optimizer.taming == Taming::Auto ? "auto"
                         : c.optimizer.taming == Taming::On ? "on"
                                                            : "off");
         }},
        {"init.q0", FieldType::Number,
         [](R &c, const json &v) { c.init.q0 = v.get<double>(); return std::string(); },
         [](const R &c) { return json(c.init.q0); }},
        {"init.m0", FieldType::NumberOrMatrix,
         [](R &c, const json &v) {
             if (v.is_number()) {
                 c.init.m0 = Eigen::MatrixXd::Constant(1, 1, v.get<double>());
             } else {
                 c.init.m0.resize(v.size(), v[0].size());
                 for (std::size_t i = 0; i < v.size(); ++i)
                     for (std::size_t j = 0; j < v[0].size(); ++j)
                         c.init.m0(i, j) = v[i][j].get<double>();
             }
             return std::string();
         },
         [](const R &c) { return matrixToJson(c.init.m0); }},
        {"init.m0_asymmetry", FieldType::Number,
         [](R &c, const json &v) { c.init.m0Asymmetry = v.get<double>(); return std::string(); },
         [](const R &c) { return json(c.init.m0Asymmetry); }},
        {"time.horizon", FieldType::Number,
         [](R &c, const json &v) { c.time.horizon = v.get<double>(); return std::string(); },
         [](const R &c) { return json(c.time.horizon); }},
        {"time.steps", FieldType::Int,
         [](R &c, const json &v) { c.time.steps = v.get<int>(); return std::string(); },
         [](const R &c) { return json(c.time.steps); }},
        {"sim.dimension", FieldType::Int,
         [](R &c, const json &v) { c.sim.dimension = v.get<int>(); return std::string(); },
         [](const R &c) { return json(c.sim.dimension); }},
        {"sim.seeds", FieldType::Int,
         [](R &c, const json &v) { c.sim.seeds = v.get<int>(); return std::string(); },
         [](const R &c) { return json(c.sim.seeds); }},
        {"sim.seed", FieldType::Int,
         [](R &c, const json &v) {
             if (v.get<double>() < 0)
                 return std::string("must be >= 0");
             c.sim.seed = v.get<std::uint64_t>();
             return std::string();
         },
         [](const R &c) { return json(c.sim.seed); }},
        {"sim.substeps", FieldType::Int,
         [](R &c, const json &v) { c.sim.substeps = v.get<int>(); return std::string(); },
         [](const R &c) { return json(c.sim.substeps); }},
        {"sim.sampling", FieldType::String,
         [](R &c, const json &v) {
             return setEnum(c.sim.sampling, v,
                            {{"reshuffle", Sampling::Reshuffle}, {"replacement", Sampling::Replacement}});
         },
         [](const R &c) { return json(c.sim.sampling == Sampling::Reshuffle ? "reshuffle" : "replacement"); }},
        {"sim.threads", FieldType::Int,
         [](R &c, const json &v) { c.sim.threads = v.get<int>(); return std::string(); },
         [](const R &c) { return json(c.sim.threads); }},
        {"dmft.paths", FieldType::Int,
         [](R &c, const json &v) { c.dmft.paths = v.get<int>(); return std::string(); },
         [](const R &c) { return json(c.dmft.paths); }},
        {"dmft.tangent_paths", FieldType::Int,
         [](R &c, const json &v) { c.dmft.tangentPaths = v.get<int>(); return std::string(); },
         [](const R &c) { return json(c.dmft.tangentPaths); }},
        {"dmft.replicas", FieldType::Int,
         [](R &c, const json &v) { c.dmft.replicas = v.get<int>(); return std::string(); },
         [](const R &c) { return json(c.dmft.replicas); }},
        {"dmft.damping", FieldType::Number,
         [](R &c, const json &v) { c.dmft.damping = v.get<double>(); return std::string(); },
         [](const R &c) { return json(c.dmft.damping); }},
        {"dmft.mixing_memory", FieldType::Int,
         [](R &c, const json &v) { c.dmft.mixingMemory = v.get<int>(); return std::string(); },
         [](const R &c) { return json(c.dmft.mixingMemory); }},
        {"dmft.tolerance", FieldType::Number,
         [](R &c, const json &v) { c.dmft.tolerance = v.get<double>(); return std::string(); },
         [](const R &c) { return json(c.dmft.tolerance); }},
        {"dmft.max_iterations", FieldType::Int,
         [](R &c, const json &v) { c.dmft.maxIterations = v.get<int>(); return std::string(); },
         [](const R &c) { return json(c.dmft.maxIterations); }},
        {"dmft.seed", FieldType::Int,
         [](R &c, const json &v) {
             if (v.get<double>() < 0)
                 return std::string("must be >= 0");
             c.dmft.seed = v.get<std::uint64_t>();
             return std::string();
         },
         [](const R &c) { return json(c.dmft.seed); }},
        {"output.distribution_times", FieldType::NumberList,
         [](R &c, const json &v) {
             c.output.distributionTimes.clear();
             for (const auto &x : v)
                 c.output.distributionTimes.push_back(x.get<double>());
             return std::string();
         },
         [](const R &c) { return json(c.output.distributionTimes); }},
        {"dmft.warm_start", FieldType::String,
         [](R &c, const json &v) {
             const auto s = v.get<std::string>();
             if (s != "none" && s != "ode")
                 return "'" + s + "' is not one of none|ode";
             c.dmft.warmStart = s;
             return std::string();
         },
         [](const R &c) { return json(c.dmft.warmStart); }},
    };
    return table;
}

const Field *findField(const std::string &key)
{
    for (const auto &f : fields())
        if (f.key == key)
            return &f;
    return nullptr;
}

std::string describe(const json &v)
{
    std::string s = v.dump();
    if (s.size() > 40)
        s = s.substr(0, 37) + "...";
    return s;
}

std::string parseInto(RunConfig &c, const json &node, const std::string &prefix)
{
    if (!node.is_object())
        return (prefix.empty() ? std::string("the configuration") : prefix) + ": expected an object";
    for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string key = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (prefix.empty() && it.key() == "derived")
            continue; // written by configToJson(withDerived); recomputed, never read
        const Field *f = findField(key);
        if (!f) {
            if (it.value().is_object()) {
                bool known = false;
                for (const auto &fld : fields())
                    if (fld.key.rfind(key + ".", 0) == 0)
                        known = true;
                if (known) {
                    if (auto err = parseInto(c, it.value(), key); !err.empty())
                        return err;
                    continue;
                }
            }
            return "unknown key '" + key + "'";
        }
        if (!typeMatches(f->type, it.value()))
            return key + ": expected " + typeName(f->type) + ", got " + describe(it.value());
        if (auto err = f->set(c, it.value()); !err.empty())
            return key + ": " + err;
    }
    return {};
}

} // namespace

double RunConfig::tau() const { return optimizer.tau ? *optimizer.tau : sgdTau(); }

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
        return problem.activation == Activation::Quadratic || problem.teacherActivation == Activation::Quadratic;
    return optimizer.taming == Taming::On;
}

int RunConfig::samples() const
{
    return static_cast<int>(std::llround(alpha * sim.dimension));
}

std::string validate(const RunConfig &c)
{
    if (auto err = validate(c.problem); !err.empty())
        return err;
    if (auto err = validate(c.teacherPrior); !err.empty())
        return err;
    for (double t : c.output.distributionTimes)
        if (!std::isfinite(t) || t < 0.0)
            return "output.distribution_times must be finite times >= 0";
    auto finitePositive = [](double x) { return std::isfinite(x) && x > 0.0; };
    if (!finitePositive(c.alpha))
        return "data.alpha must be a finite number > 0 (got " + describe(c.alpha) + ")";
    if (!std::isfinite(c.optimizer.learningRate) || c.optimizer.learningRate < 0.0)
        return "optimizer.learning_rate must be >= 0 (got " + describe(c.optimizer.learningRate) + ")";
    if (c.optimizer.batchSize < 1)
        return "optimizer.batch_size must be >= 1 (got " + std::to_string(c.optimizer.batchSize) + ")";
    if (c.optimizer.tau && (!std::isfinite(*c.optimizer.tau) || *c.optimizer.tau < 0.0))
        return "optimizer.tau must be >= 0 or null";
    if (!c.optimizer.tau && c.optimizer.learningRate <= 0.0)
        return "optimizer.learning_rate must be > 0 (or set optimizer.tau directly)";
    if (!std::isfinite(c.init.q0) || c.init.q0 < 0.0)
        return "init.q0 must be >= 0";
    const int k = c.problem.width, ks = c.problem.teacherWidth;
    if (c.init.m0.size() != 1 && (c.init.m0.rows() != k || c.init.m0.cols() != ks))
        return "init.m0 must be a number or a " + std::to_string(k) + "x" + std::to_string(ks)
               + " matrix (model.width x teacher.width)";
    if (!c.init.m0.allFinite() || !std::isfinite(c.init.m0Asymmetry))
        return "init.m0 must be finite";
    {
        // Q0 − M0 ρ⁻¹ M0ᵀ must be PSD for θ_0 to exist.
        const Eigen::MatrixXd M0 = c.M0();
        const Eigen::MatrixXd S = c.Q0() - M0 * M0.transpose();
        Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(S);
        if (es.eigenvalues().minCoeff() < -1e-12 * std::max(1.0, c.init.q0))
            return "init: Q0 - M0 M0^T is not positive semidefinite (raise init.q0 or lower init.m0)";
    }
    if (!finitePositive(c.time.horizon))
        return "time.horizon must be > 0";
    if (c.time.steps < 1 || c.time.steps > 5000)
        return "time.steps must be between 1 and 5000";
    if (c.sim.dimension < 2)
        return "sim.dimension must be >= 2";
    if (c.sim.seeds < 1 || c.sim.seeds > 10000)
        return "sim.seeds must be between 1 and 10000";
    if (c.sim.substeps < 1 || c.sim.substeps > 10000)
        return "sim.substeps must be between 1 and 10000";
    if (c.sim.threads < 0)
        return "sim.threads must be >= 0 (0 = all cores)";
    if (c.samples() < 1)
        return "data.alpha * sim.dimension must give at least one sample";
    if (c.dmft.paths < 1 || c.dmft.tangentPaths < 1 || c.dmft.tangentPaths > c.dmft.paths)
        return "dmft.paths must be >= 1 and dmft.tangent_paths between 1 and dmft.paths";
    if (c.dmft.replicas < 1)
        return "dmft.replicas must be >= 1";
    if (!(c.dmft.damping > 0.0 && c.dmft.damping <= 1.0))
        return "dmft.damping must be in (0, 1]";
    if (c.dmft.mixingMemory < 0 || c.dmft.mixingMemory > 20)
        return "dmft.mixing_memory must be between 0 and 20 (0 = damped iteration only)";
    if (!finitePositive(c.dmft.tolerance))
        return "dmft.tolerance must be > 0";
    if (c.dmft.maxIterations < 1)
        return "dmft.max_iterations must be >= 1";
    return {};
}

ConfigResult configFromJson(const json &j, const RunConfig &base)
{
    RunConfig c = base;
    if (auto err = parseInto(c, j, ""); !err.empty())
        return {std::nullopt, err};
    if (auto err = validate(c); !err.empty())
        return {std::nullopt, err};
    return {c, {}};
}

json configToJson(const RunConfig &c, bool withDerived)
{
    json out = json::object();
    for (const auto &f : fields()) {
        json *node = &out;
        std::string key = f.key;
        std::size_t dot;
        while ((dot = key.find('.')) != std::string::npos) {
            node = &(*node)[key.substr(0, dot)];
            key = key.substr(dot + 1);
        }
        (*node)[key] = f.get(c);
    }
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
        return "--set expects key=value, got '" + assignment + "'";
    const std::string key = assignment.substr(0, eq);
    const std::string text = assignment.substr(eq + 1);
    if (!findField(key))
        return "unknown key '" + key + "'";
    json value = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (value.is_discarded())
        value = text;
    json *node = &tree;
    std::string rest = key;
    std::size_t dot;
    while ((dot = rest.find('.')) != std::string::npos) {
        json &child = (*node)[rest.substr(0, dot)];
        if (!child.is_object())
            child = json::object();
        node = &child;
        rest = rest.substr(dot + 1);
    }
    (*node)[rest] = value;
    return {};
}

int resolvedThreads(int requested)
{
    if (requested > 0)
        return requested;
    const unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1 : static_cast<int>(hw);
}

double simulationMemoryBytes(const RunConfig &c, const std::string &engine)
{
    const double d = c.sim.dimension, k = c.problem.width, ks = c.problem.teacherWidth;
    const double N1 = c.time.steps + 1.0;
    const double n = engine == "online" ? 0.0 : c.samples();
    const double B = c.optimizer.batchSize;
    const double concurrent = std::min(resolvedThreads(c.sim.threads), c.sim.seeds);
    const double kernel = N1 * k * N1 * k; // one (N+1)k × (N+1)k kernel
    // Per worker (core/sim/seedsimulation.h): Xᵀ (d×n), labels, θ history d×(N+1)k, G history
    // n×(N+1)k, R/G/W/ξ work arrays, teacher/θ_0/θ, an online batch d×B, and the seed's C_θ
    // and C_g kept until they are merged in seed order (two copies each).
    const double perWorker
        = n * d + n + N1 * d * k + N1 * n * k + 4.0 * n * k + d * (ks + 3.0 * k) + d * B + 4.0 * kernel;
    // Shared: running statistics of C_θ and C_g (3 arrays each), the result's mean and SE
    // blocks, and the per-seed scalar series.
    const double shared = 6.0 * kernel + 4.0 * kernel + c.sim.seeds * N1 * (3.0 + k * k + k * ks);
    return 8.0 * (concurrent * perWorker + shared);
}

} // namespace dmftlab
