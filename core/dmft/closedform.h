// Closed-form DMFT answers used to check the solver and its continuous-time limit
// (theory §6.3, §8): gradient-flow linear regression, whose overlaps are averages over the
// Marchenko–Pastur spectrum of S = XᵀX/α (x_i ~ N(0, I/d), n = α d; edges (1 ± α^{-1/2})²).
// Per eigenvalue s, with a(s) the decay of e = θ − θ* and b = (1 − a)/(λ + s) its integral,
//   θ_s = θ*_s (1 + a (m0 − 1) − b λ) + a √(q0 − m0²) z_s + b n_s,   Var n_s = σ² s / α,
// so M(t) = E_s[1 + a(m0 − 1) − bλ] and Q(t) = E_s[(1 + a(m0 − 1) − bλ)² + a²(q0 − m0²) + b² σ² s/α].
// Continuous gradient flow has a = exp(−(λ + s) t); the Euler scheme the solver computes has
// a = (1 − Δ(λ + s))ⁿ at t = nΔ (same b formula).
#pragma once

#include "config/config.h"

#include <functional>

namespace dmftlab
{

/// ∫ f(s) dMP(s) for S = XᵀX/α with α > 1 (no atom at 0); exact to ~1e-12 for smooth f.
double marchenkoPasturAverage(double alpha, const std::function<double(double)> &f);

struct Overlaps1 {
    double Q = 0.0, M = 0.0;
};
/// Q(t), M(t) of gradient-flow linear regression for `config` (k = k* = 1, linear student and
/// teacher, square loss, α > 1). eulerStep = 0: continuous time at t; eulerStep = Δ > 0: the
/// Euler scheme after round(t/Δ) steps.
Overlaps1 linearRegressionGradientFlow(const RunConfig &config, double t, double eulerStep = 0.0);

} // namespace dmftlab
