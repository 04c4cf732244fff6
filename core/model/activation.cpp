#include "model/activation.h"

#include <cmath>

namespace dmftlab
{

namespace
{
constexpr double kSqrt2 = 1.41421356237309504880;
constexpr double kSqrt2OverPi = 0.79788456080286535588; // √(2/π)
} // namespace

double activate(Activation a, double r)
{
    switch (a) {
    case Activation::Linear:
        return r;
    case Activation::Erf:
        return std::erf(r / kSqrt2);
    case Activation::Tanh:
        return std::tanh(r);
    case Activation::Quadratic:
        return r * r;
    case Activation::Relu:
        return r > 0.0 ? r : 0.0;
    }
    return 0.0;
}

ActivationValues activateWithDerivatives(Activation a, double r)
{
    switch (a) {
    case Activation::Linear:
        return { r, 1.0, 0.0 };
    case Activation::Erf: {
        // d/dr erf(r/√2) = √(2/π) e^{−r²/2}
        const double gauss = kSqrt2OverPi * std::exp(-0.5 * r * r);
        return { std::erf(r / kSqrt2), gauss, -r * gauss };
    }
    case Activation::Tanh: {
        const double th = std::tanh(r);
        const double sech2 = 1.0 - th * th;
        return { th, sech2, -2.0 * th * sech2 };
    }
    case Activation::Quadratic:
        return { r * r, 2.0 * r, 2.0 };
    case Activation::Relu:
        return { r > 0.0 ? r : 0.0, r > 0.0 ? 1.0 : 0.0, 0.0 };
    }
    return {};
}

std::string toString(Activation a)
{
    switch (a) {
    case Activation::Linear:
        return "linear";
    case Activation::Erf:
        return "erf";
    case Activation::Tanh:
        return "tanh";
    case Activation::Quadratic:
        return "quadratic";
    case Activation::Relu:
        return "relu";
    }
    return "?";
}

std::optional<Activation> activationFromString(const std::string &name)
{
    for (Activation a :
        { Activation::Linear, Activation::Erf, Activation::Tanh, Activation::Quadratic, Activation::Relu })
        if (toString(a) == name)
            return a;
    return std::nullopt;
}

std::vector<std::string> activationNames()
{
    return { "linear", "erf", "tanh", "quadratic", "relu" };
}

} // namespace dmftlab
