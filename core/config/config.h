// The run configuration: one schema for presets, the CLI (--config, --set), the GUI's
// parameter panel and saved sessions. Keys are dotted in --set and nested in JSON:
//
//   preset                  string   name of the preset the run started from
//   model.activation        string   linear|erf|tanh|quadratic|relu
//   model.width             int      k ≥ 1
//   model.loss              string   square|logistic
//   model.second_layer      number   v_a (fixed)
//   teacher.activation      string   as model.activation
//   teacher.width           int      k* ≥ 1
//   teacher.noise           number   σ_noise ≥ 0
//   teacher.labels          string   real|sign
//   teacher.prior           string   gaussian|rademacher|sparse: law of θ*'s entries (unit
//                                    second moment; model/teacherprior.h)
//   teacher.sparsity        number   s ∈ (0, 1]: fraction of non-zero entries of the sparse prior
//   teacher.second_layer    number   v*_m
//   data.alpha              number   α = n/d > 0
//   optimizer.learning_rate number   η > 0 (η = 0 allowed only with tau set)
//   optimizer.batch_size    int      B ≥ 1
//   optimizer.tau           number|null  τ set directly (SGF, DMFT, ODE only); τ = 0 is gradient flow
//   optimizer.ridge         number   λ ≥ 0
//   optimizer.taming        string   auto|on|off  (auto: on for the quadratic activation)
//   init.q0                 number   Q_0 = q0 I_k
//   init.m0                 number|matrix  M_0 (k×k*): a number fills every entry
//   init.m0_asymmetry       number   added to M_0's diagonal entries a = m (breaks the
//                                    permutation symmetry of committee machines)
//   time.horizon            number   T > 0
//   time.steps              int      N ≥ 1 (grid t_n = n T / N)
//   sim.dimension           int      d ≥ 2
//   sim.seeds               int      number of independent seeds ≥ 1
//   sim.seed                int      base seed (seed s uses base + s)
//   sim.substeps            int      SGF Euler–Maruyama steps per grid interval ≥ 1
//   sim.sampling            string   reshuffle|replacement (SGD batches)
//   sim.threads             int      worker threads, 0 = all cores
//   dmft.paths, dmft.tangent_paths, dmft.replicas, dmft.damping, dmft.tolerance,
//   dmft.max_iterations, dmft.seed, dmft.warm_start (string none|ode),
//   dmft.mixing_memory (int 0..20: Anderson mixing over that many iterates, 0 = damping only)
//   output.distribution_times  list  times at which engines record the laws of θ-coordinates
//                                    and pre-activations (<engine>_theta_law.csv, _r_law.csv)
#pragma once

#include "model/problem.h"
#include "model/teacherprior.h"

#include <Eigen/Dense>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace dmftlab {

using json = nlohmann::json;

enum class Taming { Auto, On, Off };
enum class Sampling { Reshuffle, Replacement };

struct OptimizerConfig {
    double learningRate = 0.5;
    int batchSize = 5;
    std::optional<double> tau; ///< set directly: overrides η/B for SGF-type engines
    Taming taming = Taming::Auto;
};

struct InitConfig {
    double q0 = 1.0;
    Eigen::MatrixXd m0 = Eigen::MatrixXd::Zero(1, 1); ///< k×k*
    double m0Asymmetry = 0.0;
};

struct TimeConfig {
    double horizon = 5.0;
    int steps = 50;
};

struct SimConfig {
    int dimension = 1000;
    int seeds = 8;
    std::uint64_t seed = 1;
    int substeps = 1;
    Sampling sampling = Sampling::Reshuffle;
    int threads = 0;
};

struct DmftConfig {
    int paths = 10000;
    int tangentPaths = 1000;
    int replicas = 4;
    double damping = 0.5;
    int mixingMemory = 5; ///< Anderson mixing over this many iterates; 0 = damped iteration only
    double tolerance = 1e-4;
    int maxIterations = 100;
    std::uint64_t seed = 12345;
    std::string warmStart = "ode";
};

struct OutputConfig {
    /// Times at which engines record the laws of θ-coordinates and pre-activations
    /// (observables/distributions.h); empty = none.
    std::vector<double> distributionTimes;
};

struct RunConfig {
    std::string preset;
    ProblemSpec problem;
    TeacherPriorSpec teacherPrior; ///< law of θ*'s entries (model/teacherprior.h)
    double alpha = 2.0;
    OptimizerConfig optimizer;
    InitConfig init;
    TimeConfig time;
    SimConfig sim;
    DmftConfig dmft;
    OutputConfig output;

    // Derived quantities -------------------------------------------------------
    /// τ used by SGF-type engines: optimizer.tau if set, else η/B.
    double tau() const;
    /// τ of SGD and online SGD, always η/B.
    double sgdTau() const { return optimizer.learningRate / optimizer.batchSize; }
    /// Δ = T/N.
    double dt() const { return time.horizon / time.steps; }
    std::vector<double> grid() const;
    /// Epochs the horizon spans, T/(α τ); +inf for τ = 0.
    double epochs() const;
    /// M_0 including the asymmetry, k×k*.
    Eigen::MatrixXd M0() const;
    Eigen::MatrixXd Q0() const;
    Eigen::MatrixXd rho() const; ///< I_{k*}
    bool tamingEnabled() const;
    /// Δ passed to Problem::evaluate as taming step (0 when taming is off).
    double tamingStep() const { return tamingEnabled() ? dt() / sim.substeps : 0.0; }
    int samples() const; ///< n = round(α d)
};

/// Result of parsing: a config or a one-line error naming the field.
struct ConfigResult {
    std::optional<RunConfig> config;
    std::string error;
    bool ok() const { return config.has_value(); }
};

/// Parses the nested JSON (every key optional; unknown keys and wrong types are errors)
/// on top of `base`, then validates.
ConfigResult configFromJson(const json &j, const RunConfig &base = RunConfig{});

/// Full JSON of the config (what --config accepts), plus a "derived" section when
/// withDerived (τ, epochs, n, Δ, taming) — the resolved config.json.
json configToJson(const RunConfig &c, bool withDerived = false);

/// Applies `key=value` (dotted key) to a JSON tree. The value is parsed as JSON when
/// it parses (numbers, true/false, null, arrays), otherwise taken as a string.
/// Returns an error message, empty on success.
std::string applySetting(json &tree, const std::string &assignment);

/// Recursively merges `patch` into `tree` (objects merged, everything else replaced).
void mergeJson(json &tree, const json &patch);

/// Empty when valid; otherwise a one-line reason naming the field.
std::string validate(const RunConfig &c);

/// Bytes a finite-d simulation needs for the given engine (per worker thread times
/// the threads that run concurrently). Used to refuse runs up front.
double simulationMemoryBytes(const RunConfig &c, const std::string &engine);
/// Upper limit the simulations accept (bytes).
constexpr double kSimulationMemoryLimit = 8.0 * 1024 * 1024 * 1024;

int resolvedThreads(int requested);

} // namespace dmftlab
