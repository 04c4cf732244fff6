// Files of the laws an engine recorded at output.distribution_times
// (observables/distributions.h), so a distribution figure can be remade elsewhere:
//
//   <engine>_theta_law.csv   t,unit,bin_lo,bin_hi,density,density_se
//                            law of the coordinates θ_ia(t) of unit a (1-based)
//   <engine>_r_law.csv       variable,t,unit,bin_lo,bin_hi,density,density_se
//                            the same for the training pre-activations r_μa(t) = x_μᵀθ_a(t)
//                            (variable r) or, with sign labels, the margins y_μ r_μa(t)
//                            (variable y_r); simulations: the n samples of every seed; DMFT:
//                            r-process paths, each with its own label
//
//   dmft_effective_paths.csv process,unit,path,t,value
//                            sample paths of the r- and θ-processes (dmft/effectivepaths.h):
//                            process r | theta, path mean | sd | 1..count; rows with process
//                            theta_star give each θ path's teacher entry (unit = m, t empty)
//
// One row per time, unit and bin; densities integrate to the fraction of values inside
// the bins. Simulations: pooled over seeds, SE over seeds; DMFT: the exact θ-process
// mixture density per replica and a histogram of fresh r-process paths, SE over replicas.
#pragma once

#include "dmft/effectivepaths.h"
#include "io/files.h"
#include "observables/distributions.h"

#include <string>

namespace dmftlab::io
{

/// The CSV text of one law (theta = true: θ coordinates; false: pre-activations or margins,
/// named in the first column).
std::string lawCsv(const EngineLaws &laws, bool theta);

/// The CSV text of dmft_effective_paths.csv.
std::string effectivePathsCsv(const EffectivePaths &paths);

/// Writes <engine>_theta_law.csv and (when there are pre-activations) <engine>_r_law.csv.
WriteResult writeLawFiles(const EngineLaws &laws, const std::string &engine, const std::string &dir);

} // namespace dmftlab::io
