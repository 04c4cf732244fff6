#include "config/schema.h"

#include "io/jsonparse.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <sstream>

namespace dmftlab
{

namespace
{

using R = RunConfig;

constexpr double kIntMax = INT_MAX;
constexpr double kUint64Max = 18446744073709551615.0; // 2^64 - 1 rounds to 2^64 as a double

std::string num(double x)
{
    if (std::isinf(x))
        return x > 0 ? "inf" : "-inf";
    if (x >= kUint64Max)
        return "18446744073709551615"; // the largest seed, 2^64 - 1
    std::ostringstream os;
    os.precision(std::fabs(x) < 1e15 && x == std::floor(x) ? 17 : 6);
    os << x;
    return os.str();
}

/// A short one-line rendering of a user's value for messages.
std::string describe(const json &v)
{
    return io::printable(v.dump(-1, ' ', false, json::error_handler_t::replace), 40);
}

bool isIntegral(const json &v)
{
    if (v.is_number_integer())
        return true;
    if (v.is_number_float()) {
        const double x = v.get<double>();
        return std::isfinite(x) && std::floor(x) == x && std::fabs(x) < 9e15;
    }
    return false;
}

/// An integer value exactly (long double holds every int64 and uint64).
long double integral(const json &v)
{
    if (v.is_number_unsigned())
        return static_cast<long double>(v.get<std::uint64_t>());
    if (v.is_number_integer())
        return static_cast<long double>(v.get<std::int64_t>());
    return static_cast<long double>(v.get<double>());
}

bool isMatrix(const json &v)
{
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

FieldInfo row(std::string key, FieldType type, std::string label, std::string doc)
{
    FieldInfo f;
    f.key = std::move(key);
    f.type = type;
    f.label = std::move(label);
    f.doc = std::move(doc);
    return f;
}

// Row builders: `access` is a generic lambda returning the member, for const and non-const.

template <typename Access>
FieldInfo intField(std::string key, std::string label, std::string doc, double lo, double hi, Access access)
{
    FieldInfo f = row(std::move(key), FieldType::Int, std::move(label), std::move(doc));
    f.min = lo;
    f.max = hi;
    f.set = [access](R &c, const json &v) {
        using T = std::remove_reference_t<decltype(access(c))>;
        access(c) = static_cast<T>(integral(v));
    };
    f.get = [access](const R &c) { return json(access(c)); };
    return f;
}

template <typename Access>
FieldInfo numberField(
    std::string key, std::string label, std::string doc, double lo, double hi, Access access)
{
    FieldInfo f = row(std::move(key), FieldType::Number, std::move(label), std::move(doc));
    f.min = lo;
    f.max = hi;
    f.set = [access](R &c, const json &v) { access(c) = v.get<double>(); };
    f.get = [access](const R &c) { return json(access(c)); };
    return f;
}

/// A String field mapped to an enum (or kept as a string) through (name, value) pairs.
template <typename Enum, typename Access>
FieldInfo choiceField(std::string key, std::string label, std::string doc,
    std::vector<std::pair<std::string, Enum>> names, Access access)
{
    FieldInfo f = row(std::move(key), FieldType::String, std::move(label), std::move(doc));
    for (const auto &n : names)
        f.choices.push_back(n.first);
    f.set = [access, names](R &c, const json &v) {
        for (const auto &[name, value] : names)
            if (name == v.get<std::string>())
                access(c) = value;
    };
    f.get = [access, names](const R &c) {
        for (const auto &[name, value] : names)
            if (value == access(c))
                return json(name);
        return json(nullptr);
    };
    return f;
}

std::vector<std::pair<std::string, Activation>> activationChoices()
{
    std::vector<std::pair<std::string, Activation>> out;
    for (const auto &name : activationNames())
        out.emplace_back(name, *activationFromString(name));
    return out;
}

constexpr double inf = std::numeric_limits<double>::infinity();

std::vector<FieldInfo> buildSchema()
{
    std::vector<FieldInfo> s;
    {
        FieldInfo f = row(ConfigKey::Preset, FieldType::String, "Preset",
            "name of the preset the run started from (informational)");
        f.set = [](R &c, const json &v) { c.preset = v.get<std::string>(); };
        f.get = [](const R &c) { return json(c.preset); };
        s.push_back(f);
    }
    // model ------------------------------------------------------------------------------
    s.push_back(choiceField(
        ConfigKey::ModelActivation, "Activation σ",
        "student activation sigma: linear|erf|tanh|quadratic|relu", activationChoices(),
        [](auto &c) -> auto & { return c.problem.activation; }));
    s.push_back(intField(
        ConfigKey::ModelWidth, "Width k", "student width k (1: a GLM; >= 2: a committee machine)", 1,
        kMaxWidth, [](auto &c) -> auto & { return c.problem.width; }));
    s.push_back(choiceField(
        ConfigKey::ModelLoss, "Loss",
        "per-sample loss: square 1/2 (f - y)^2, or logistic log(1 + e^(-y f)) for +-1 labels",
        std::vector<std::pair<std::string, Loss>> {
            { "square", Loss::Square }, { "logistic", Loss::Logistic } },
        [](auto &c) -> auto & { return c.problem.loss; }));
    {
        FieldInfo f = numberField(
            ConfigKey::ModelSecondLayer, "Second layer v",
            "second-layer weight v_a of every student unit (fixed)", -inf, inf,
            [](auto &c) -> auto & { return c.problem.secondLayer; });
        f.nonZero = true;
        s.push_back(f);
    }
    // teacher ----------------------------------------------------------------------------
    s.push_back(choiceField(
        ConfigKey::TeacherActivation, "Activation σ*",
        "teacher activation sigma*: linear|erf|tanh|quadratic|relu", activationChoices(),
        [](auto &c) -> auto & { return c.problem.teacherActivation; }));
    s.push_back(intField(
        ConfigKey::TeacherWidth, "Width k*", "teacher width k*", 1, kMaxWidth,
        [](auto &c) -> auto & { return c.problem.teacherWidth; }));
    s.push_back(numberField(
        ConfigKey::TeacherNoise, "Noise σ", "label noise sigma_noise: y = f*(z) + sigma eps, eps ~ N(0, 1)",
        0, inf, [](auto &c) -> auto & { return c.problem.noise; }));
    s.push_back(choiceField(
        ConfigKey::TeacherLabels, "Labels",
        "real (y = f*(z) + sigma eps) | sign (y = sign(f*(z) + sigma eps), classification)",
        std::vector<std::pair<std::string, Labels>> { { "real", Labels::Real }, { "sign", Labels::Sign } },
        [](auto &c) -> auto & { return c.problem.labels; }));
    s.push_back(choiceField(
        ConfigKey::TeacherPrior, "Prior of θ*",
        "gaussian|rademacher|sparse: law of the teacher's entries, unit second moment (rho and "
        "every DMFT curve unchanged; the law of the coordinates theta_i(t) becomes a mixture)",
        std::vector<std::pair<std::string, TeacherPrior>> { { "gaussian", TeacherPrior::Gaussian },
            { "rademacher", TeacherPrior::Rademacher }, { "sparse", TeacherPrior::Sparse } },
        [](auto &c) -> auto & { return c.teacherPrior.prior; }));
    {
        FieldInfo f = numberField(
            ConfigKey::TeacherSparsity, "Sparsity s",
            "fraction s of non-zero teacher entries (+-1/sqrt(s)) for teacher.prior = sparse", 0, 1,
            [](auto &c) -> auto & { return c.teacherPrior.sparsity; });
        f.minExclusive = true;
        s.push_back(f);
    }
    {
        FieldInfo f = numberField(
            ConfigKey::TeacherSecondLayer, "Second layer v*", "teacher second-layer weight v*_m", -inf, inf,
            [](auto &c) -> auto & { return c.problem.teacherSecondLayer; });
        f.nonZero = true;
        s.push_back(f);
    }
    // data and optimizer -----------------------------------------------------------------
    {
        FieldInfo f = numberField(
            ConfigKey::DataAlpha, "α = n/d", "alpha = n/d, samples per dimension (n = alpha d)", 0, inf,
            [](auto &c) -> auto & { return c.alpha; });
        f.minExclusive = true;
        s.push_back(f);
    }
    s.push_back(numberField(
        ConfigKey::OptimizerLearningRate, "Learning rate η",
        "learning rate eta of SGD and online SGD (time advances by eta/d per step); "
        "SGF-type engines use only tau = eta/B",
        0, inf, [](auto &c) -> auto & { return c.optimizer.learningRate; }));
    s.push_back(intField(
        ConfigKey::OptimizerBatchSize, "Batch size B", "minibatch size B; tau = eta/B", 1, kIntMax,
        [](auto &c) -> auto & { return c.optimizer.batchSize; }));
    {
        FieldInfo f = row(ConfigKey::OptimizerTau, FieldType::NumberOrNull, "τ (SGF/DMFT)",
            "tau set directly for sgf, dmft and ode (null: tau = eta/B); 0 is gradient flow. "
            "sgd and online refuse a tau that differs from eta/B");
        f.min = 0;
        f.set = [](R &c, const json &v) {
            if (v.is_null())
                c.optimizer.tau.reset();
            else
                c.optimizer.tau = v.get<double>();
        };
        f.get = [](const R &c) { return c.optimizer.tau ? json(*c.optimizer.tau) : json(nullptr); };
        s.push_back(f);
    }
    s.push_back(numberField(
        ConfigKey::OptimizerRidge, "Ridge λ", "ridge (weight decay) lambda", 0, inf,
        [](auto &c) -> auto & { return c.problem.ridge; }));
    s.push_back(choiceField(
        ConfigKey::OptimizerTaming, "Taming",
        "auto|on|off: tamed increments g/(1 + dt |g|) in simulation and DMFT alike "
        "(auto: on for the quadratic activation)",
        std::vector<std::pair<std::string, Taming>> {
            { "auto", Taming::Auto }, { "on", Taming::On }, { "off", Taming::Off } },
        [](auto &c) -> auto & { return c.optimizer.taming; }));
    // init -------------------------------------------------------------------------------
    s.push_back(numberField(
        ConfigKey::InitQ0, "q₀", "initial self-overlap, Q_0 = q0 I_k", 0, inf,
        [](auto &c) -> auto & { return c.init.q0; }));
    {
        FieldInfo f = row(ConfigKey::InitM0, FieldType::NumberOrMatrix, "m₀",
            "initial teacher overlap M_0 (k x k*): a number fills every entry, or a matrix "
            "[[..], [..]] of k rows");
        f.set = [](R &c, const json &v) {
            if (v.is_number()) {
                c.init.m0 = Eigen::MatrixXd::Constant(1, 1, v.get<double>());
                return;
            }
            c.init.m0.resize(v.size(), v[0].size());
            for (std::size_t i = 0; i < v.size(); ++i)
                for (std::size_t j = 0; j < v[0].size(); ++j)
                    c.init.m0(i, j) = v[i][j].get<double>();
        };
        f.get = [](const R &c) { return matrixToJson(c.init.m0); };
        s.push_back(f);
    }
    s.push_back(numberField(
        ConfigKey::InitM0Asymmetry, "m₀ asymmetry",
        "added to the diagonal of M_0; breaks the permutation symmetry of committee "
        "machines, which an exactly symmetric start never leaves at d = infinity",
        -inf, inf, [](auto &c) -> auto & { return c.init.m0Asymmetry; }));
    // time -------------------------------------------------------------------------------
    {
        FieldInfo f = numberField(
            ConfigKey::TimeHorizon, "Horizon T", "horizon T (SGD: t = steps * eta / d)", 0, inf,
            [](auto &c) -> auto & { return c.time.horizon; });
        f.minExclusive = true;
        s.push_back(f);
    }
    s.push_back(intField(
        ConfigKey::TimeSteps, "Grid steps N", "grid intervals N, t_n = n T / N; kernels are (N+1) x (N+1)", 1,
        5000, [](auto &c) -> auto & { return c.time.steps; }));
    // sim --------------------------------------------------------------------------------
    s.push_back(intField(
        ConfigKey::SimDimension, "Dimension d", "dimension d of the finite-d simulations", 2, kIntMax,
        [](auto &c) -> auto & { return c.sim.dimension; }));
    s.push_back(intField(
        ConfigKey::SimSeeds, "Seeds", "independent seeds averaged (standard errors across seeds)", 1, 10000,
        [](auto &c) -> auto & { return c.sim.seeds; }));
    s.push_back(intField(
        ConfigKey::SimSeed, "Base seed", "base seed; seed s uses base + s (results are deterministic)", 0,
        kUint64Max, [](auto &c) -> auto & { return c.sim.seed; }));
    s.push_back(intField(
        ConfigKey::SimSubsteps, "SGF sub-steps", "SGF Euler-Maruyama steps per grid interval", 1, 10000,
        [](auto &c) -> auto & { return c.sim.substeps; }));
    s.push_back(choiceField(
        ConfigKey::SimSampling, "SGD batches",
        "reshuffle|replacement: how SGD draws its minibatches (reshuffle every epoch, "
        "or with replacement)",
        std::vector<std::pair<std::string, Sampling>> {
            { "reshuffle", Sampling::Reshuffle }, { "replacement", Sampling::Replacement } },
        [](auto &c) -> auto & { return c.sim.sampling; }));
    s.push_back(intField(
        ConfigKey::SimThreads, "Threads", "worker threads per engine, 0 = all cores", 0, 256,
        [](auto &c) -> auto & { return c.sim.threads; }));
    s.push_back(choiceField(
        ConfigKey::SimContinuousTime, "SGF continuous time",
        "off|estimate|extrapolate: SGF time-step error from runs at 2 dt with the same seeds and "
        "Brownian paths, or continuous-time SGF curves by Richardson extrapolation (needs an even "
        "time.steps)",
        std::vector<std::pair<std::string, std::string>> {
            { "off", "off" }, { "estimate", "estimate" }, { "extrapolate", "extrapolate" } },
        [](auto &c) -> auto & { return c.sim.continuousTime; }));
    // dmft -------------------------------------------------------------------------------
    s.push_back(intField(
        ConfigKey::DmftPaths, "Paths P", "P, sampled r-process paths per replica", 1, kIntMax,
        [](auto &c) -> auto & { return c.dmft.paths; }));
    s.push_back(intField(
        ConfigKey::DmftTangentPaths, "Tangent paths",
        "P_J <= P paths whose tangents estimate the memory kernel K (the expensive part); not used "
        "for a square loss with a linear student, whose K is their exact mean",
        1, kIntMax, [](auto &c) -> auto & { return c.dmft.tangentPaths; }));
    s.push_back(intField(
        ConfigKey::DmftReplicas, "Replicas",
        "independent path sets; their spread gives the DMFT's standard errors", 1, 10000,
        [](auto &c) -> auto & { return c.dmft.replicas; }));
    {
        FieldInfo f = numberField(
            ConfigKey::DmftDamping, "Damping β",
            "fixed-point mixing beta: X <- (1 - beta) X + beta X_new (1: the undamped map, which suits "
            "the DMFT's causal map best)",
            0, 1, [](auto &c) -> auto & { return c.dmft.damping; });
        f.minExclusive = true;
        s.push_back(f);
    }
    s.push_back(intField(
        ConfigKey::DmftMixingMemory, "Anderson memory",
        "Anderson mixing over this many past iterates (0 = plain damping)", 0, 20,
        [](auto &c) -> auto & { return c.dmft.mixingMemory; }));
    {
        FieldInfo f = numberField(
            ConfigKey::DmftTolerance, "Tolerance",
            "stop when the relative change of C_theta, M, R_theta is below this", 0, inf,
            [](auto &c) -> auto & { return c.dmft.tolerance; });
        f.minExclusive = true;
        s.push_back(f);
    }
    s.push_back(numberField(
        ConfigKey::DmftNoiseFraction, "Noise stop",
        "the replicas also stop when every entry's truncation error estimate is below this fraction "
        "of its Monte-Carlo SE (0 = only the tolerance)",
        0, 1, [](auto &c) -> auto & { return c.dmft.noiseFraction; }));
    s.push_back(intField(
        ConfigKey::DmftMaxIterations, "Max iterations",
        "fixed-point iteration cap (status max_iterations when hit)", 1, kIntMax,
        [](auto &c) -> auto & { return c.dmft.maxIterations; }));
    s.push_back(intField(
        ConfigKey::DmftSeed, "DMFT seed", "seed of the DMFT's sampled paths", 0, kUint64Max,
        [](auto &c) -> auto & { return c.dmft.seed; }));
    s.push_back(choiceField(
        ConfigKey::DmftWarmStart, "Warm start",
        "march|none|ode|pilot: how the fixed-point iteration starts: each replica marches "
        "forward in time to its own fixed point (exact: the map is causal; one iteration then "
        "checks it), or from no learning, the online ODE, or the online ODE refined by a pilot "
        "solve with P/4 paths that starts every replica",
        std::vector<std::pair<std::string, std::string>> {
            { "march", "march" }, { "none", "none" }, { "ode", "ode" }, { "pilot", "pilot" } },
        [](auto &c) -> auto & { return c.dmft.warmStart; }));
    s.push_back(choiceField(
        ConfigKey::DmftContinuousTime, "Continuous time",
        "off|estimate|extrapolate: time-step error from a solve at 2 dt, or continuous-time "
        "curves by Richardson extrapolation (needs an even time.steps)",
        std::vector<std::pair<std::string, std::string>> {
            { "off", "off" }, { "estimate", "estimate" }, { "extrapolate", "extrapolate" } },
        [](auto &c) -> auto & { return c.dmft.continuousTime; }));
    // output -----------------------------------------------------------------------------
    {
        FieldInfo f = row(ConfigKey::OutputDistributionTimes, FieldType::NumberList, "Distribution times",
            "times (nearest grid point) at which to write <engine>_theta_law.csv and "
            "<engine>_r_law.csv: the laws of the coordinates theta_ia(t) and training "
            "pre-activations r_a(t), margins y r_a(t) for sign labels (simulations) or their "
            "DMFT laws; [] = none");
        f.min = 0;
        f.set = [](R &c, const json &v) {
            c.output.distributionTimes.clear();
            for (const auto &x : v)
                c.output.distributionTimes.push_back(x.get<double>());
        };
        f.get = [](const R &c) { return json(c.output.distributionTimes); };
        s.push_back(f);
    }

    // Presentation: the dock box of each field (in schema order within a box), its short
    // symbol, and the keys that never change a number.
    using G = DockGroup;
    const struct {
        const char *key;
        DockGroup dock;
        const char *symbol;
    } presentation[] = {
        { ConfigKey::ModelActivation, G::Student, "" },
        { ConfigKey::ModelWidth, G::Student, "k" },
        { ConfigKey::ModelLoss, G::Student, "" },
        { ConfigKey::TeacherActivation, G::Teacher, "" },
        { ConfigKey::TeacherWidth, G::Teacher, "k*" },
        { ConfigKey::TeacherNoise, G::Teacher, "σ_noise" },
        { ConfigKey::TeacherLabels, G::Teacher, "" },
        { ConfigKey::TeacherPrior, G::Teacher, "" },
        { ConfigKey::TeacherSparsity, G::Teacher, "" },
        { ConfigKey::DataAlpha, G::DataOptimizer, "α" },
        { ConfigKey::OptimizerLearningRate, G::DataOptimizer, "η" },
        { ConfigKey::OptimizerBatchSize, G::DataOptimizer, "B" },
        { ConfigKey::OptimizerTau, G::DataOptimizer, "τ" },
        { ConfigKey::OptimizerRidge, G::DataOptimizer, "λ" },
        { ConfigKey::OptimizerTaming, G::DataOptimizer, "" },
        { ConfigKey::InitQ0, G::InitTime, "q0" },
        { ConfigKey::InitM0, G::InitTime, "m0" },
        { ConfigKey::InitM0Asymmetry, G::InitTime, "m0 asymmetry" },
        { ConfigKey::TimeHorizon, G::InitTime, "T" },
        { ConfigKey::TimeSteps, G::InitTime, "N" },
        { ConfigKey::SimDimension, G::Simulation, "d" },
        { ConfigKey::SimSeeds, G::Simulation, "" },
        { ConfigKey::SimSeed, G::Simulation, "" },
        { ConfigKey::SimSubsteps, G::AdvancedSimulation, "" },
        { ConfigKey::SimSampling, G::AdvancedSimulation, "" },
        { ConfigKey::SimThreads, G::AdvancedSimulation, "" },
        { ConfigKey::SimContinuousTime, G::AdvancedSimulation, "" },
        { ConfigKey::DmftPaths, G::Theory, "" },
        { ConfigKey::DmftTangentPaths, G::AdvancedTheory, "" },
        { ConfigKey::DmftReplicas, G::AdvancedTheory, "" },
        { ConfigKey::DmftDamping, G::AdvancedTheory, "" },
        { ConfigKey::DmftMixingMemory, G::AdvancedTheory, "" },
        { ConfigKey::DmftTolerance, G::AdvancedTheory, "" },
        { ConfigKey::DmftNoiseFraction, G::AdvancedTheory, "" },
        { ConfigKey::DmftMaxIterations, G::AdvancedTheory, "" },
        { ConfigKey::DmftSeed, G::AdvancedTheory, "" },
        { ConfigKey::DmftWarmStart, G::AdvancedTheory, "" },
        { ConfigKey::DmftContinuousTime, G::AdvancedTheory, "" },
    };
    const auto rowOf = [&s](const std::string &key) -> FieldInfo & {
        return *std::find_if(s.begin(), s.end(), [&key](const FieldInfo &f) { return f.key == key; });
    };
    for (const auto &p : presentation) {
        FieldInfo &f = rowOf(p.key);
        f.dock = p.dock;
        f.symbol = p.symbol;
    }
    // Axis titles of the keys a sweep varies most often (figures of families and phase diagrams).
    const std::pair<const char *, const char *> titles[] = {
        { ConfigKey::DataAlpha, "sample ratio α = n/d" },
        { ConfigKey::OptimizerLearningRate, "learning rate η" },
        { ConfigKey::OptimizerBatchSize, "batch size B" },
        { ConfigKey::OptimizerTau, "τ = η/B" },
        { ConfigKey::OptimizerRidge, "ridge λ" },
        { ConfigKey::TeacherNoise, "label noise" },
        { ConfigKey::InitQ0, "initial norm q₀" },
        { ConfigKey::InitM0, "initial overlap m₀" },
        { ConfigKey::ModelWidth, "student width k" },
        { ConfigKey::TeacherWidth, "teacher width k*" },
        { ConfigKey::SimDimension, "dimension d" },
        { ConfigKey::TimeHorizon, "horizon T" },
        { ConfigKey::TimeSteps, "time steps N" },
    };
    for (const auto &[key, title] : titles)
        rowOf(key).title = title;
    rowOf(ConfigKey::Preset).affectsResults = false;
    rowOf(ConfigKey::SimThreads).affectsResults = false;
    return s;
}

std::string typeWords(FieldType t)
{
    switch (t) {
    case FieldType::Int:
        return "an integer";
    case FieldType::Number:
        return "a number";
    case FieldType::String:
        return "a string (UTF-8)";
    case FieldType::NumberOrNull:
        return "a number or null";
    case FieldType::NumberOrMatrix:
        return "a number or a matrix (array of rows)";
    case FieldType::NumberList:
        return "a list of numbers";
    }
    return "?";
}

/// config.json and summary.json are written with json::dump, which throws on bytes that are
/// not UTF-8: such a string is refused where it enters (found by test_fuzz_parsers, a
/// `--set preset=` of two 0xFF bytes).
bool validUtf8(const std::string &s)
{
    try {
        (void)json(s).dump();
        return true;
    } catch (const json::type_error &) {
        return false;
    }
}

bool typeMatches(FieldType t, const json &v)
{
    switch (t) {
    case FieldType::Int:
        return isIntegral(v);
    case FieldType::Number:
        return v.is_number();
    case FieldType::String:
        return v.is_string() && validUtf8(v.get_ref<const std::string &>());
    case FieldType::NumberOrNull:
        return v.is_number() || v.is_null();
    case FieldType::NumberOrMatrix:
        return v.is_number() || isMatrix(v);
    case FieldType::NumberList:
        return v.is_array() && std::all_of(v.begin(), v.end(), [](const json &x) { return x.is_number(); });
    }
    return false;
}

} // namespace

std::string FieldInfo::typeText() const
{
    switch (type) {
    case FieldType::Int:
        return "int";
    case FieldType::Number:
        return "number";
    case FieldType::String:
        return "string";
    case FieldType::NumberOrNull:
        return "number|null";
    case FieldType::NumberOrMatrix:
        return "number|matrix";
    case FieldType::NumberList:
        return "list";
    }
    return "?";
}

namespace
{

/// An upper bound that is only the C++ type's limit (int, uint64), not a rule of the model.
bool isTypeLimit(double max)
{
    return max == kIntMax || max == kUint64Max;
}

} // namespace

std::string FieldInfo::rangeText() const
{
    std::string s;
    if (!choices.empty()) {
        for (const auto &c : choices)
            s += (s.empty() ? "" : "|") + c;
        return s;
    }
    const bool lo = std::isfinite(min), hi = std::isfinite(max) && !isTypeLimit(max);
    if (lo && hi)
        s = minExclusive ? "in (" + num(min) + ", " + num(max) + "]" : num(min) + ".." + num(max);
    else if (lo)
        s = (minExclusive ? "> " : ">= ") + num(min);
    else if (hi)
        s = "<= " + num(max);
    if (nonZero)
        s += (s.empty() ? "" : ", ") + std::string("!= 0");
    return s;
}

std::string FieldInfo::section() const
{
    const auto dot = key.rfind('.');
    return dot == std::string::npos ? std::string() : key.substr(0, dot);
}

const std::vector<FieldInfo> &configSchema()
{
    static const std::vector<FieldInfo> schema = buildSchema();
    return schema;
}

const FieldInfo *findField(const std::string &key)
{
    for (const auto &f : configSchema())
        if (f.key == key)
            return &f;
    return nullptr;
}

bool isSection(const std::string &prefix)
{
    for (const auto &f : configSchema())
        if (f.key.rfind(prefix + ".", 0) == 0)
            return true;
    return false;
}

const std::vector<std::string> &commonSweepKeys()
{
    static const std::vector<std::string> keys
        = { ConfigKey::DataAlpha, ConfigKey::OptimizerLearningRate, ConfigKey::OptimizerBatchSize,
              ConfigKey::OptimizerTau, ConfigKey::OptimizerRidge, ConfigKey::TeacherNoise, ConfigKey::InitQ0,
              ConfigKey::InitM0, ConfigKey::ModelWidth, ConfigKey::SimDimension };
    return keys;
}

json schemaJson()
{
    json out = json::array();
    for (const FieldInfo &f : configSchema()) {
        json row;
        row["key"] = f.key;
        row["type"] = f.typeText();
        row["label"] = f.label;
        row["doc"] = f.doc;
        row["default"] = f.defaultValue();
        row["choices"] = f.choices;
        row["min"] = std::isfinite(f.min) ? json(f.min) : json(nullptr);
        row["max"] = std::isfinite(f.max) && !isTypeLimit(f.max) ? json(f.max) : json(nullptr);
        if (f.type == FieldType::Int && std::isfinite(f.max) && !isTypeLimit(f.max))
            row["max"] = static_cast<long long>(f.max);
        if (f.type == FieldType::Int && std::isfinite(f.min))
            row["min"] = static_cast<long long>(f.min);
        row["min_exclusive"] = f.minExclusive;
        row["non_zero"] = f.nonZero;
        row["range"] = f.rangeText();
        out.push_back(row);
    }
    return out;
}

std::string checkValue(const FieldInfo &f, const json &v)
{
    if (!typeMatches(f.type, v))
        return f.key + ": expected " + typeWords(f.type) + ", got " + describe(v);
    if (!f.choices.empty()) {
        for (const auto &c : f.choices)
            if (c == v.get<std::string>())
                return {};
        return f.key + ": '" + io::printable(v.get<std::string>(), 40) + "' is not one of " + f.rangeText();
    }
    std::vector<double> numbers;
    if (v.is_number())
        numbers.push_back(v.get<double>());
    else if (v.is_array())
        for (const auto &row : v)
            for (const auto &x : row)
                numbers.push_back(x.get<double>());
    const std::string got = " (got " + describe(v) + ")";
    for (const double x : numbers)
        if (!std::isfinite(x))
            return f.key + " must be finite" + got;
    if (f.type == FieldType::NumberList) {
        for (const double y : numbers)
            if ((f.minExclusive ? y <= f.min : y < f.min) || y > f.max)
                return f.key + ": every entry must be " + f.rangeText() + got;
        return {};
    }
    const long double x = f.type == FieldType::Int ? integral(v) : (numbers.empty() ? 0.0L : numbers[0]);
    if (numbers.size() == 1 && v.is_number()) {
        const bool tooLow = f.minExclusive ? x <= f.min : x < f.min;
        if (x > f.max && isTypeLimit(f.max))
            return f.key + " must be at most " + num(f.max) + got;
        if (tooLow || x > f.max) {
            const bool both = std::isfinite(f.min) && std::isfinite(f.max) && !isTypeLimit(f.max);
            if (both && !f.minExclusive)
                return f.key + " must be between " + num(f.min) + " and " + num(f.max) + got;
            return f.key + " must be " + f.rangeText() + got;
        }
        if (f.nonZero && x == 0)
            return f.key + " must be non-zero" + got;
    }
    return {};
}

} // namespace dmftlab
