#include "dmft/dmftcheck.h"

#include "config/configerror.h"
#include "config/configkey.h"
#include "dmft/dmftsolver.h"
#include "engine/registry.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <sstream>

namespace dmftlab
{

namespace
{

/// A ReLU teacher needs nothing new (μ never differentiates the teacher, §5.3). A ReLU
/// student's K comes from Stein's identity (steinKernel()), validated against SGF for k = 1
/// (tests/test_dmft_relu.cpp) and well posed only when w_t keeps an innovation: τ > 0 and a
/// random part in θ_0.
EngineCheck checkRelu(const RunConfig &c)
{
    if (c.problem.activation != Activation::Relu)
        return std::nullopt;
    const std::string what = engineName(EngineId::Dmft)
        + " with a relu student (memory kernel from Stein's identity, theory 5.4) ";
    const std::string &sgf = engineName(EngineId::Sgf);
    using K = ConfigKey;
    if (c.problem.width != 1)
        return configError({ K::ModelActivation, K::ModelWidth },
            what + "is validated for {1} = 1 only; use the " + sgf + " simulation");
    if (!(c.tau() > 0.0))
        return configError({ K::ModelActivation, K::OptimizerTau },
            what
                + "needs {1} > 0: under gradient flow w_t is almost determined by its past "
                  "and the estimate is noise; use the "
                + sgf + " simulation");
    // The no-learning guess C_θ(t,s) = Q0 makes every w_t a copy of w_0: no innovation at t_1,
    // so the first iterate from it always failed (numerical_failure, with advice about τ and N
    // that did not apply)
    if (c.dmft.warmStart == "none")
        return configError({ K::ModelActivation, K::DmftWarmStart },
            what
                + "cannot start from {1} = none: the no-learning guess C_theta(t,s) = Q0 makes every "
                  "w_t a copy of w_0, which the estimate cannot use; use march (the default), ode or pilot");
    // w_0 given z must not be degenerate (θ_0 random beyond its teacher part): at q0 = 0 every
    // r starts on the kink and the Stein system is singular.
    const Eigen::MatrixXd rho = c.rho(), M0 = c.M0();
    const Eigen::MatrixXd cond = c.Q0() - M0 * rho.inverse() * M0.transpose();
    const double minEig = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(cond).eigenvalues().minCoeff();
    if (!(minEig > 1e-3 * std::max(1e-300, c.Q0().diagonal().maxCoeff())))
        return configError({ K::ModelActivation, K::InitQ0, K::InitM0 },
            what + "needs a random part in the start: {1} must exceed the teacher part m0^2");
    return std::nullopt;
}

EngineCheck checkSizes(const RunConfig &c, int ranks)
{
    const double bytes = dmftMemoryBytes(c, ranks);
    if (bytes <= kDmftMemoryLimit)
        return std::nullopt;
    RunConfig probe = c;
    int lo = 1, hi = c.time.steps;
    while (lo < hi) { // largest N that fits at these P, P_J, R, k
        const int mid = (lo + hi + 1) / 2;
        probe.time.steps = mid;
        if (dmftMemoryBytes(probe, ranks) <= kDmftMemoryLimit)
            lo = mid;
        else
            hi = mid - 1;
    }
    std::ostringstream os;
    os.precision(3);
    os << engineName(EngineId::Dmft) << " would need " << bytes / 1073741824.0 << " GiB"
       << (ranks > 1 ? " per process" : "") << " (limit 4 GiB); lower {0} "
       << "(at most " << lo << " fit with these settings), {1}, {2}, {3} or {4}";
    using K = ConfigKey;
    return configError(
        { K::TimeSteps, K::DmftPaths, K::DmftTangentPaths, K::DmftReplicas, K::DmftMixingMemory }, os.str());
}

} // namespace

EngineCheck checkDmftConfig(const RunConfig &c, int ranks)
{
    if (auto err = checkRelu(c))
        return err;
    if (c.dmft.continuousTime == "extrapolate" && c.time.steps % 2 != 0)
        return configError({ ConfigKey::DmftContinuousTime, ConfigKey::TimeSteps },
            "{0} = extrapolate needs an even {1} (its second solve uses {1} / 2)");
    return checkSizes(c, ranks);
}

} // namespace dmftlab
