// Numerical constants shared by the core (and the figures): one definition each, so that files
// built together in one translation unit (the sanitizer stage's unity build, docs/testing.md)
// do not each bring their own. Include it from .cpp files only: core/sim/*.cpp still define
// their own kNaN in an anonymous namespace (they are kept out of the unity batches), and a
// header that pulled this in would make their unqualified kNaN ambiguous.
#pragma once

#include <limits>

namespace dmftlab
{

inline constexpr double kPi = 3.14159265358979323846;
/// A quiet NaN: "no value" in curves, tables and sweep scalars.
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

} // namespace dmftlab
