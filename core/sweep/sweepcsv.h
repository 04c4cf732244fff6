// The tidy table of a sweep (dmftlab-cli sweep's sweep.csv, the GUI's "export CSV"):
// header `point,<key>[,<key2>],<scalar>,<scalar>_se,...,status,iterations,wall_seconds,
// message`, then one row per finished point in grid order (axis 0 major). Numbers in the
// shortest round-trip form (io::formatNumber), NaN as `nan`; iterations empty without dmft;
// commas in a message become semicolons.
#pragma once

#include "sweep/sweeprunner.h"

#include <string>
#include <vector>

namespace dmftlab
{

std::string sweepCsv(const SweepPlan &plan, const std::vector<SweepPointResult> &results);

} // namespace dmftlab
