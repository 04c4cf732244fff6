// What the DMFT engine refuses before it starts, as data (EngineCheck: the keys at fault
// and a one-line message naming them), for the registry, the CLI and the parameter dock:
//   - a ReLU student (memory kernel from Stein's identity, theory §5.4) outside what was
//     validated against SGF: k = 1, τ > 0 and a random part in θ_0 (Q_0 − M_0 ρ⁻¹ M_0ᵀ ≻ 0);
//   - dmft.continuous_time = extrapolate with an odd time.steps (the second solve uses N/2);
//   - more memory per process than kDmftMemoryLimit (dmftMemoryBytes), with the largest
//     time.steps that would fit.
// The config has passed validateAll() (choices, ranges, rules across fields).
#pragma once

#include "engine/engine.h"

namespace dmftlab
{

/// Nothing when the DMFT can run `config` with its paths split over `ranks` processes.
EngineCheck checkDmftConfig(const RunConfig &config, int ranks = 1);

} // namespace dmftlab
