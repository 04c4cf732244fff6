// The learning problem of theory §1: student f(r) = Σ_a v_a σ(r_a) of width k,
// teacher f*(z) = Σ_m v*_m σ*(z_m) of width k*, label channel, per-sample loss ℓ(r; y),
// its gradient g = ∂ℓ/∂r and Hessian H = ∂²ℓ/∂r², and ridge λ.
//
//   square:   ℓ = ½ (f − y)²,          g_a = (f − y) v_a σ'(r_a),
//             H_ab = v_a σ'(r_a) v_b σ'(r_b) + δ_ab (f − y) v_a σ''(r_a)
//   logistic: ℓ = log(1 + e^{−y f}),   g_a = ℓ_f v_a σ'(r_a),  ℓ_f = −y S(−y f),
//             H_ab = ℓ_ff v_a σ'(r_a) v_b σ'(r_b) + δ_ab ℓ_f v_a σ''(r_a),  ℓ_ff = S(yf) S(−yf)
//
// Taming (theory §5.6): with a step Δ > 0 the engines may use g̃ = g / (1 + Δ|g|) and its
// exact Jacobian H̃ = H/(1+Δ|g|) − Δ g (ĝᵀH)/(1+Δ|g|)² (= H/(1+Δ|g|)² for k = 1), so that
// simulation and DMFT describe the same discrete dynamics.
#pragma once

#include "model/activation.h"

#include <Eigen/Dense>
#include <string>

namespace dmftlab
{

/// Largest student or teacher width k, k* (fixed-size scratch arrays use it).
inline constexpr int kMaxWidth = 16;

enum class Loss { Square, Logistic };
enum class Labels { Real, Sign };

std::string toString(Loss l);
std::string toString(Labels l);

struct ProblemSpec {
    Activation activation = Activation::Linear; ///< student σ
    int width = 1; ///< student width k ≥ 1
    Loss loss = Loss::Square;
    double secondLayer = 1.0; ///< v_a (all equal, fixed)

    Activation teacherActivation = Activation::Linear; ///< teacher σ*
    int teacherWidth = 1; ///< k* ≥ 1
    double noise = 0.0; ///< σ_noise ≥ 0
    Labels labels = Labels::Real; ///< y = f* + σε, or sign of it
    double teacherSecondLayer = 1.0; ///< v*_m

    double ridge = 0.0; ///< λ ≥ 0
    bool taming = false; ///< tamed increments (theory §5.6), default on for quadratic σ
};

/// Empty when the spec is usable; otherwise a one-line reason.
std::string validate(const ProblemSpec &spec);

class Problem
{
public:
    explicit Problem(const ProblemSpec &spec);

    const ProblemSpec &spec() const { return m_spec; }
    int k() const { return m_spec.width; }
    int kStar() const { return m_spec.teacherWidth; }

    double output(const double *r) const; ///< f(r)
    double teacherOutput(const double *z) const; ///< f*(z)
    /// Label from teacher pre-activation z and noise ε ~ N(0,1).
    double label(const double *z, double eps) const;

    double loss(const double *r, double y) const;
    /// ℓ as a function of the output f and the label y.
    double lossFromOutput(double f, double y) const;

    /// Loss at r; writes g (k entries) and, if H is non-null, H (k×k column-major).
    /// tamingStep > 0 returns the tamed g̃, H̃ (the loss itself is never tamed).
    double evaluate(const double *r, double y, double *g, double *H = nullptr, double tamingStep = 0.0) const;

    /// Row-wise over samples: R is n×k (row i = r_iᵀ), y has n entries; writes G (n×k,
    /// row i = g_iᵀ). Returns the sum of the losses.
    double gradients(const Eigen::Ref<const Eigen::MatrixXd> &R, const Eigen::Ref<const Eigen::VectorXd> &y,
        Eigen::Ref<Eigen::MatrixXd> G, double tamingStep = 0.0) const;

    /// `evaluate` for a batch of n samples at once, vectorised over the samples (the hot
    /// loop of the DMFT paths and of the online-ODE moments): R is n×k, y has n entries; writes G
    /// (n×k) and, if H is non-null, H (n×k², column a + b k = H_ab of each sample).
    /// Returns the sum of the losses. Agrees with `evaluate` to rounding.
    double evaluateBatch(const Eigen::Ref<const Eigen::MatrixXd> &R,
        const Eigen::Ref<const Eigen::VectorXd> &y, Eigen::Ref<Eigen::MatrixXd> G,
        Eigen::MatrixXd *H = nullptr, double tamingStep = 0.0) const;

    /// Whether H = ∂²ℓ(f(r), y)/∂r² is one constant matrix (square loss, linear student):
    /// then hessianAtZero() is it, at every r and y.
    bool constantHessian() const;
    Eigen::MatrixXd hessianAtZero() const; ///< H at r = 0, y = 0 (k×k)

private:
    ProblemSpec m_spec;
};

} // namespace dmftlab
