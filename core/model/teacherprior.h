// The law of the teacher's coordinates θ*_{im} (issue 12: make the coordinate law of the
// θ-process non-trivial). Every prior has mean 0 and unit second moment, so
// ρ = θ*ᵀθ*/d → I_{k*} and the r-process, the kernels and every DMFT curve are unchanged
// (z = θ*ᵀx is Gaussian given θ* whatever θ*'s entries are); only the law of the
// coordinates changes (theory §3, θ-process: θ_t = M(t) ρ⁻¹ θ* + Gaussian):
//
//   gaussian    θ* ~ N(0, 1)
//   rademacher  θ* = ±1 with probability ½ each
//   sparse      θ* = 0 with probability 1 − s, ±1/√s with probability s/2 each (s = teacher.sparsity)
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace dmftlab
{

enum class TeacherPrior { Gaussian, Rademacher, Sparse };

struct TeacherPriorSpec {
    TeacherPrior prior = TeacherPrior::Gaussian;
    double sparsity = 0.1; ///< s ∈ (0, 1], fraction of non-zero entries of the sparse prior
};

std::string toString(TeacherPrior p);
std::optional<TeacherPrior> teacherPriorFromString(const std::string &s);
/// "gaussian|rademacher|sparse".
std::string teacherPriorNames();

/// Empty when valid, else a one-line reason naming teacher.sparsity.
std::string validate(const TeacherPriorSpec &spec);

/// One atom of a discrete prior: value and probability.
struct PriorAtom {
    double value = 0.0;
    double weight = 0.0;
};
/// The atoms of a discrete prior (Rademacher: ±1; sparse: 0, ±1/√s); empty for the Gaussian.
std::vector<PriorAtom> priorAtoms(const TeacherPriorSpec &spec);

/// Draws one coordinate from the prior given a uniform u ∈ [0, 1) and a standard normal
/// g (the Gaussian prior returns g; the discrete ones use u only).
double drawPrior(const TeacherPriorSpec &spec, double u, double g);

} // namespace dmftlab
