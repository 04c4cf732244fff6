// Gaussian moments of the online limit (theory §6.1): over (r, z) ~ N(0, [[Q, M], [Mᵀ, ρ]])
// and the label noise ε,
//
//   E[g zᵀ] (k×k*),  E[g rᵀ] (k×k),  E[g gᵀ] (k×k),  and optionally E[H] (k×k),
//
// with g, H (tamed when tamingStep > 0) from Problem::evaluate — the same functions the
// simulations and the DMFT use. Method, chosen once per problem:
//  * erf student and teacher, square loss, real labels, no taming: the closed-form
//    Saad–Solla integrals I3, I4 (and J2 = E[σ'σ'] for the label noise);
//  * a linear student and teacher on the square loss (real labels, no taming), k + k* ≤ 6:
//    Gauss–Hermite with 3 nodes per dimension, exact for these degree-2 moments;
//  * real labels with k + k* ≤ 3: a Gauss–Hermite product rule (ε, when σ_noise > 0,
//    gets 6 nodes: g is polynomial in y for the square loss);
//  * otherwise (sign labels — discontinuous in z — or k + k* > 3): a fixed quasi-random
//    (Halton) set of normals.
// E[H] under Saad–Solla is taken from the sampled rule (it is only needed for the DMFT's
// warm start).
#pragma once

#include "model/problem.h"

#include <Eigen/Dense>
#include <memory>

namespace dmftlab
{

struct OnlineMoments {
    Eigen::MatrixXd gz; ///< E[g zᵀ], k×k*
    Eigen::MatrixXd gr; ///< E[g rᵀ], k×k
    Eigen::MatrixXd gg; ///< E[g gᵀ], k×k
    Eigen::MatrixXd H; ///< E[H], k×k (empty unless asked for)
};

class OnlineMomentEvaluator
{
public:
    enum class Method { SaadSolla, GaussHermite, QuasiMonteCarlo };

    /// `forceSampled` skips the Saad–Solla closed forms (used to cross-check them).
    OnlineMomentEvaluator(
        const ProblemSpec &spec, double tamingStep, bool forceSampled = false, int quasiRandomPoints = 16384);

    Method method() const { return m_method; }

    OnlineMoments evaluate(const Eigen::Ref<const Eigen::MatrixXd> &Q,
        const Eigen::Ref<const Eigen::MatrixXd> &M, const Eigen::Ref<const Eigen::MatrixXd> &rho,
        bool withHessian = false) const;

private:
    OnlineMoments saadSolla(const Eigen::MatrixXd &Sigma) const;
    OnlineMoments sampled(const Eigen::MatrixXd &Sigma, bool withHessian) const;

    Problem m_problem;
    double m_tamingStep;
    Method m_method;
    Eigen::MatrixXd m_normals; // D × S (r, z dimensions first, then ε when present)
    Eigen::VectorXd m_weights; // S, summing to 1
    bool m_noiseDim = false;
    std::unique_ptr<OnlineMomentEvaluator> m_hessianFallback; // sampled rule for E[H]
};

} // namespace dmftlab
