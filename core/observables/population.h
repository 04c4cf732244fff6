// Population (test) loss and test error from the overlaps alone (theory §2, §5.5):
// E ℓ(r; y(z)) over (r, z) ~ N(0, [[Q, M], [Mᵀ, ρ]]) with the label noise ε integrated
// out exactly. One function for every engine, so DMFT and simulations are compared on
// identical footing.
//
// Test error: for sign labels the misclassification probability P(sign f(r) ≠ y);
// for real labels the noise-free generalisation error ½ E (f(r) − f*(z))².
//
// Method (chosen once per problem):
//  * linear student and teacher: closed forms (arccos formula for the sign error), the
//    remaining 1-D integral of a sign-label loss by Gauss–Hermite after conditioning;
//  * erf student and teacher, square loss, real labels: Saad–Solla integrals
//    E[erf(a/√2) erf(b/√2)] = (2/π) arcsin(C_ab / √((1 + C_aa)(1 + C_bb)));
//  * quadratic student and teacher, square loss, real labels (phase retrieval): Isserlis,
//    E[x_i² x_j²] = Σ_ii Σ_jj + 2 Σ_ij²;
//  * otherwise Gauss–Hermite product rule when k + k* ≤ 3, else a fixed quasi-random
//    (Halton) sample set of normals.
#pragma once

#include "model/problem.h"

#include <Eigen/Dense>
#include <vector>

namespace dmftlab
{

struct PopulationMetrics {
    double loss = 0.0;
    double error = 0.0;
};

class PopulationEvaluator
{
public:
    enum class Method { LinearClosedForm, SaadSolla, QuadraticClosedForm, GaussHermite, QuasiMonteCarlo };

    explicit PopulationEvaluator(const ProblemSpec &spec, int quasiRandomPoints = 16384);

    Method method() const { return m_method; }

    /// Q: k×k, M: k×k*, rho: k*×k*.
    PopulationMetrics evaluate(const Eigen::Ref<const Eigen::MatrixXd> &Q,
        const Eigen::Ref<const Eigen::MatrixXd> &M, const Eigen::Ref<const Eigen::MatrixXd> &rho) const;

private:
    PopulationMetrics linearClosedForm(double varF, double cov, double varT) const;
    PopulationMetrics saadSolla(
        const Eigen::MatrixXd &Q, const Eigen::MatrixXd &M, const Eigen::MatrixXd &rho) const;
    PopulationMetrics quadraticClosedForm(
        const Eigen::MatrixXd &Q, const Eigen::MatrixXd &M, const Eigen::MatrixXd &rho) const;
    PopulationMetrics sampled(const Eigen::MatrixXd &Sigma) const;

    Problem m_problem;
    Method m_method;
    Eigen::MatrixXd m_normals; // D × S standard normal points (GH nodes or Halton)
    Eigen::VectorXd m_weights; // S weights summing to 1
    Eigen::VectorXd m_ghNodes1d, m_ghWeights1d;
};

/// Gauss–Hermite nodes and weights for E f(ξ), ξ ~ N(0,1) (weights sum to 1).
void gaussHermite(int n, Eigen::VectorXd &nodes, Eigen::VectorXd &weights);

/// Φ, the standard normal CDF.
double normalCdf(double x);
/// Φ⁻¹ (Acklam's rational approximation refined by one Halley step).
double normalQuantile(double p);

/// Tensor-product Gauss–Hermite rule for E f(ξ), ξ ~ N(0, I): pointsPerDim[i] nodes in
/// dimension i (dimension 0 varies fastest). nodes is dims × S, weights sum to 1.
void gaussHermiteProduct(
    const std::vector<int> &pointsPerDim, Eigen::MatrixXd &nodes, Eigen::VectorXd &weights);

/// `count` fixed quasi-random standard normal points in `dims` dimensions (a Halton sequence
/// through Φ⁻¹), dims × count. Deterministic: the same set every call.
Eigen::MatrixXd quasiRandomNormals(int dims, int count);

/// Symmetric PSD square root V diag(√max(λ,0)) Vᵀ — continuous in the matrix (theory §5.2).
Eigen::MatrixXd psdSqrt(const Eigen::Ref<const Eigen::MatrixXd> &S);

} // namespace dmftlab
