// Special functions for the per-sample loops of the DMFT's paths (Problem::evaluateBatch), in
// loops that vectorise: std::erf is a scalar libm call, and took a sixth of the erf committee's
// path kernel.
#pragma once

#include <Eigen/Core>

namespace dmftlab
{

/// out[i] = erf(x[i]), given e[i] = exp(−x[i]²) (the caller has it: σ'(r) of the erf activation
/// is √(2/π) e^{−r²/2}). |x| < 0.5: the Taylor series x Σ a_m x^{2m} (14 terms); 0.5 ≤ |x| ≤ 6:
/// 1 − e · erfcx(|x|), erfcx(x) = e^{x²} erfc(x) a polynomial of degree 19 in t = 2/(2 + x)
/// (relative error 8e-16 on [0.5, 6]); beyond, ±1 (erf(6) rounds to 1). Within 3.3e-16 of
/// std::erf on 10⁶ points (test_model::erfMatchesLibm asserts 5e-16); NaN in, NaN out.
/// 1.05 ns per sample (std::erf 3.6), one thread, AVX-512.
void erfWithGaussian(Eigen::Index n, const double *x, const double *e, double *out);

} // namespace dmftlab
