// The run configuration: one schema (core/config/schema.h: type, default, range, doc and
// label of every key) for presets, the CLI (--config, --set), the GUI's parameter panel,
// saved sessions and the Python module. Keys are dotted in --set and nested in JSON
// (dotted keys in JSON files mean the same); resolve.h combines preset, file and --set.
#pragma once

#include "model/problem.h"
#include "model/teacherprior.h"

#include <Eigen/Dense>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace dmftlab
{

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
    /// off | estimate | extrapolate, for the SGF (sim/simtimestep.h): runs at 2Δ (and 4Δ)
    /// with the same seeds and the same Brownian paths estimate the Euler time-step error, or
    /// give continuous-time curves by Richardson extrapolation, as dmft.continuous_time does
    /// for the DMFT. Off by default: the committee preset's SGF took 1.0 s, 1.5 s with estimate
    /// and 2.0 s with extrapolate (median of 3).
    std::string continuousTime = "off";
};

struct DmftConfig {
    int paths = 10000;
    int tangentPaths = 1000;
    int replicas = 8; ///< R − 1 = 7 degrees of freedom for the SE (theory §8; 4 gave 3)
    double damping = 1.0; ///< undamped: the map is causal (see mixing.h); 0.5 before 2026-11-30
    int mixingMemory = 5; ///< Anderson mixing over this many iterates; 0 = damped iteration only
    double tolerance = 1e-4;
    /// The replicas also stop when every entry's truncation-error estimate is below this
    /// fraction of its Monte-Carlo SE (DmftSolver::noiseStopRatio); 0 = tolerance only.
    double noiseFraction = 0.1;
    int maxIterations = 100;
    std::uint64_t seed = 12345;
    /// march | none | ode | pilot. march (DmftReplica::march): every replica's own fixed point
    /// by forward substitution in time, which the iteration then only checks (2026-12-01; the
    /// pilot before: DmftSolver::pilotActive, which made the replicas start near their fixed
    /// point, so the solve took fewer full iterations)
    std::string warmStart = "march";
    /// off | estimate | extrapolate (theory §8, dmft/timestep.h): a second solve at 2Δ
    /// estimates the Euler time-step error, or gives the continuous-time curves by
    /// Richardson extrapolation (with a third at 4Δ for its remaining error when 4 | N).
    std::string continuousTime = "estimate";
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

/// One problem with a configuration: the keys at fault (may be empty, e.g. for a
/// malformed file) and a one-line message that names them.
struct ConfigError {
    std::vector<std::string> keys;
    std::string message;
};

/// Result of parsing: a config, or every problem found (each naming its keys).
struct ConfigResult {
    std::optional<RunConfig> config;
    std::string error; ///< the first message, for one-line reports
    std::vector<ConfigError> errors; ///< all of them (the GUI marks every field at fault)
    bool ok() const { return config.has_value(); }
};

/// Parses the nested JSON on top of `base`, then validates. Every key is optional; dotted
/// keys ({"time.steps": 3}) mean the same as nested ones; unknown keys, wrong types and
/// values out of range (core/config/schema.h) are errors, all of them reported.
ConfigResult configFromJson(const json &j, const RunConfig &base = RunConfig {});

/// Full JSON of the config (what --config accepts), plus a "derived" section when
/// withDerived (τ, epochs, n, Δ, taming) — the resolved config.json.
json configToJson(const RunConfig &c, bool withDerived = false);

/// Applies `key=value` (dotted key) to a JSON tree. The value is parsed as JSON when
/// it parses (numbers, true/false, null, arrays), otherwise taken as a string.
/// Returns an error message, empty on success.
std::string applySetting(json &tree, const std::string &assignment);

/// Recursively merges `patch` into `tree` (objects merged, everything else replaced).
void mergeJson(json &tree, const json &patch);

/// Every rule the config breaks (each value's range, then the rules across fields);
/// empty when valid. Rules across fields that involve a key in `skipKeys` are not checked
/// (configFromJson skips those whose value was refused).
std::vector<ConfigError> validateAll(const RunConfig &c, const std::vector<std::string> &skipKeys = {});
/// Empty when valid; otherwise the first reason, one line naming the field.
std::string validate(const RunConfig &c);

/// Bytes a finite-d simulation needs (per worker thread times the threads that run
/// concurrently); `finiteSamples`: it keeps n = α d samples (multi-pass; online SGD draws
/// fresh ones, EngineInfo::finiteSamples). Used to refuse runs up front.
double simulationMemoryBytes(const RunConfig &c, bool finiteSamples);
/// Upper limit the simulations accept (bytes).
constexpr double kSimulationMemoryLimit = 8.0 * 1024 * 1024 * 1024;

int resolvedThreads(int requested);

} // namespace dmftlab
