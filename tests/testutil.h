// Shared helpers for the Qt Test suites: explicit-tolerance comparisons.
#pragma once

#include "config/presets.h"
#include "engine/engine.h"
#include "observables/curves.h"

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace dmftlab::test
{

/// |a − b| ≤ atol + rtol |b|, with a message that states both numbers.
inline bool near(double a, double b, double atol, double rtol = 0.0)
{
    return std::isfinite(a) && std::isfinite(b) && std::fabs(a - b) <= atol + rtol * std::fabs(b);
}

inline QByteArray describe(const char *what, double a, double b, double tol)
{
    std::ostringstream os;
    os.precision(10);
    os << what << ": got " << a << ", expected " << b << " (tolerance " << tol << ")";
    return QByteArray::fromStdString(os.str());
}

/// The message of an engine check; empty when the engine can run.
inline std::string checkMessage(const EngineCheck &check)
{
    return check ? check->message : std::string();
}

/// Does a failed engine check name `key` among the keys at fault (what the GUI marks)?
inline bool blames(const EngineCheck &check, const std::string &key)
{
    return check && std::find(check->keys.begin(), check->keys.end(), key) != check->keys.end();
}

/// The largest |a − b| / SE seen so far and its grid index.
struct Worst {
    double z = 0.0;
    int n = -1;
};

/// DMFT against simulation for one observable: the worst |dmft − sim| / combined SE over
/// grid points 1..points−1 goes into `worst`; fails beyond 3 SE when `strict`.
inline void checkEstimate(
    const char *what, const Estimate &dmft, const Estimate &sim, int points, Worst &worst, bool strict = true)
{
    // continuous-time curves: their remaining time-step errors (a bias bound) come off first
    auto bias = [](const Estimate &e, int n) {
        return n < static_cast<int>(e.discretisation.size()) ? e.discretisation[n] : 0.0;
    };
    for (int n = 1; n < points; ++n) {
        const double se = std::hypot(dmft.se[n], sim.se[n]);
        QVERIFY2(std::isfinite(dmft.mean[n]) && std::isfinite(sim.mean[n]) && se > 0.0, what);
        const double z
            = std::max(0.0, std::fabs(dmft.mean[n] - sim.mean[n]) - bias(dmft, n) - bias(sim, n)) / se;
        if (z > worst.z)
            worst = { z, n };
        if (strict && z > 3.0) {
            const std::string msg = std::string(what) + " at n = " + std::to_string(n) + ": dmft "
                + std::to_string(dmft.mean[n]) + " ± " + std::to_string(dmft.se[n]) + ", sim "
                + std::to_string(sim.mean[n]) + " ± " + std::to_string(sim.se[n]);
            QFAIL(msg.c_str());
        }
    }
}

/// A preset with its numerics as the tests of the Euler scheme were written for: both engines
/// at Δ = T/N without continuous-time levels, and linear and logistic regression on their
/// first grid (N = 50; their presets now extrapolate from N = 200 and 100). The DMFT of the
/// Euler scheme and the SGF at the same Δ agree exactly in law; that is what these test.
inline RunConfig eulerPreset(const std::string &preset)
{
    RunConfig c = presetConfig(preset);
    c.sim.continuousTime = "off";
    c.dmft.continuousTime = "off";
    if (preset == "linear-regression" || preset == "logistic-regression")
        c.time.steps = 50;
    return c;
}

/// A preset made small for the DMFT's status tests: T = 4, N = 20, P = 2000, P_J = 400,
/// 2 replicas, 2 threads, τ = η/B.
inline RunConfig smallDmft(const std::string &preset)
{
    RunConfig c = eulerPreset(preset);
    c.optimizer.tau = c.sgdTau();
    c.time.horizon = 4.0;
    c.time.steps = 20;
    c.dmft.paths = 2000;
    c.dmft.tangentPaths = 400;
    c.dmft.replicas = 2;
    c.sim.threads = 2;
    return c;
}

/// Sample mean and standard deviation (n − 1) of `v` (at least two values).
inline std::pair<double, double> meanAndSd(const std::vector<double> &v)
{
    double m = 0.0, s2 = 0.0;
    for (double x : v)
        m += x / v.size();
    for (double x : v)
        s2 += (x - m) * (x - m) / (v.size() - 1);
    return { m, std::sqrt(s2) };
}

} // namespace dmftlab::test

/// |actual − expected| ≤ atol (+ rtol |expected| when a fourth argument is given).
#define DMFT_COMPARE_TOL(actual, expected, ...) DMFT_COMPARE_TOL_IMPL(actual, expected, __VA_ARGS__, 0.0)
#define DMFT_COMPARE_TOL_IMPL(actual, expected, atol, rtol, ...)                                             \
    do {                                                                                                     \
        const double a_ = (actual), e_ = (expected), t_ = (atol), r_ = (rtol);                               \
        QVERIFY2(dmftlab::test::near(a_, e_, t_, r_),                                                        \
            dmftlab::test::describe(#actual, a_, e_, t_ + r_ * std::fabs(e_)));                              \
    } while (0)

/// |a − b| ≤ nSigma · se, for statistical comparisons.
#define DMFT_COMPARE_SE(actual, expected, se, nSigma)                                                        \
    do {                                                                                                     \
        const double a_ = (actual), e_ = (expected), s_ = (se), n_ = (nSigma);                               \
        QVERIFY2(std::isfinite(s_) && std::fabs(a_ - e_) <= n_ * s_,                                         \
            dmftlab::test::describe(#actual " (in standard errors)", a_, e_, n_ * s_));                      \
    } while (0)
