// Activations σ of student and teacher units (theory §1): linear r, erf(r/√2),
// tanh r, quadratic r², ReLU max(r, 0). σ'' of ReLU is a Dirac delta; the pathwise
// value returned here is 0 (theory §5.4 says what that means for the DMFT).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace dmftlab
{

enum class Activation { Linear, Erf, Tanh, Quadratic, Relu };

struct ActivationValues {
    double value = 0.0; // σ(r)
    double first = 0.0; // σ'(r)
    double second = 0.0; // σ''(r)
};

double activate(Activation a, double r);
ActivationValues activateWithDerivatives(Activation a, double r);

std::string toString(Activation a);
std::optional<Activation> activationFromString(const std::string &name);
std::vector<std::string> activationNames();

} // namespace dmftlab
