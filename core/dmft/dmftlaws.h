// The DMFT's laws at output.distribution_times (observables/distributions.h): for every
// replica, C_θ(n,n) and M(n) of the fixed point — which fix the θ-process law
//   θ_n | θ* ~ N(M(n) ρ⁻¹ θ*, C_θ(n,n) − M(n) ρ⁻¹ M(n)ᵀ) —
// and the r-process values r_n of P fresh paths drawn from the fixed point (fresh normals,
// so that no path's own gradient sits in the C_u it was drawn with; see DmftSolver), with
// those paths' labels y(z, ε) for sign labels (the law of the margins y r_n).
#pragma once

#include "config/config.h"
#include "observables/distributions.h"

#include <atomic>
#include <memory>

namespace dmftlab
{

class DmftSolver;

/// Null when cancelled or when no time could be recorded.
std::shared_ptr<const DistributionRecord> dmftLaws(
    const DmftSolver &solver, const RunConfig &config, const std::atomic<bool> *cancel);

} // namespace dmftlab
