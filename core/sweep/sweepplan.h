// A sweep resolved and checked before anything runs: the base configuration (nested
// JSON, e.g. a preset plus --set overrides) with one or two swept keys (SweepAxis), the
// engines run at every point and the scalars extracted. makeSweepPlan resolves every
// point exactly as `dmftlab-cli run --set KEY=VALUE` would (applySetting + configFromJson
// on the base tree), so a sweep point and a single run of that configuration agree
// bitwise; then it checks every engine at every point, the scalars, and refuses a sweep
// too large for memory (results kept) or time (a rough cost model), naming the problem.
#pragma once

#include "sweep/sweepaxis.h"
#include "sweep/sweepscalar.h"

#include <string>
#include <utility>
#include <vector>

namespace dmftlab
{

struct SweepSpec {
    json base = json::object(); ///< nested config tree the axes are set on
    std::vector<SweepAxis> axes; ///< one (a family) or two (a phase diagram)
    std::vector<std::string> engines;
    std::vector<std::string> scalars; ///< scalar names (sweepscalar.h)
    /// The spec as JSON (for config.json and for checking that a resumed sweep is the same).
    json toJson() const;
};

struct SweepPoint {
    int i = 0, j = 0; ///< index on axis 0 and axis 1 (0 for a family)
    RunConfig config;
    std::string id; ///< "p003" or "p003_005": folder name under points/
};

struct SweepLimits {
    int maxPoints = 10000;
    double maxResultBytes = 2.0 * 1024 * 1024 * 1024; ///< results kept in memory (cache)
    double maxSeconds = 24 * 3600.0; ///< rough estimate on this machine's cores
};

struct SweepPlan {
    SweepSpec spec;
    std::vector<SweepScalar> scalars;
    std::vector<SweepPoint> points; ///< axis-0-major: index i * size1 + j
    std::vector<int> order; ///< indices into points, most informative first
    double estimatedSeconds = 0, resultBytes = 0;
    int size0() const { return spec.axes.empty() ? 0 : spec.axes[0].size(); }
    int size1() const { return spec.axes.size() > 1 ? spec.axes[1].size() : 1; }
    int pointIndex(int i, int j) const { return i * size1() + j; }
    /// The axis values of point p as "α = 2, τ = 0.5".
    std::string describe(int p) const;
};

/// Resolves and checks the whole sweep. Empty error on success (then *plan is set).
std::string makeSweepPlan(const SweepSpec &spec, SweepPlan *plan, const SweepLimits &limits = {});

/// Rough wall seconds of one engine run on `config` (a cost model calibrated on the
/// presets, good to a factor of a few): for refusing sweeps that would take days and
/// for progress estimates, never for decisions that change results.
double estimatedEngineSeconds(const std::string &engine, const RunConfig &config);
/// Bytes of one engine's Curves (kernels dominate).
double estimatedResultBytes(const std::string &engine, const RunConfig &config);

} // namespace dmftlab
