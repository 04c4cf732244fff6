#include "observables/curves.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <sstream>

namespace dmftlab
{

void Estimate::resize(std::size_t n)
{
    mean.assign(n, 0.0);
    se.assign(n, 0.0);
}

std::string toString(Status s)
{
    switch (s) {
    case Status::Running:
        return "running";
    case Status::Completed:
        return "completed";
    case Status::Converged:
        return "converged";
    case Status::MaxIterations:
        return "max_iterations";
    case Status::Diverged:
        return "diverged";
    case Status::Cancelled:
        return "cancelled";
    case Status::InvalidInput:
        return "invalid_input";
    case Status::InternalError:
        return "internal_error";
    case Status::NumericalFailure:
        return "numerical_failure";
    }
    return "?";
}

std::optional<Status> statusFromString(const std::string &s)
{
    for (Status st :
        { Status::Running, Status::Completed, Status::Converged, Status::MaxIterations, Status::Diverged,
            Status::Cancelled, Status::InvalidInput, Status::InternalError, Status::NumericalFailure })
        if (toString(st) == s)
            return st;
    return std::nullopt;
}
namespace
{
/// Index of block (a, a) in a list of `blocks` (mean or se), in size_t so that block counts
/// never overflow int. Blocks are a * colsPerBlock + b by construction; a list that does not
/// match its counts is a programming error (the file readers check for exactly this).
std::size_t diagonalBlock(const Kernel &k, int a, std::size_t blocks)
{
    const std::size_t i = static_cast<std::size_t>(a) * static_cast<std::size_t>(k.colsPerBlock) + a;
    assert(i < blocks);
    (void)blocks;
    return i;
}
} // namespace

double Kernel::bytes() const
{
    double b = 0.0;
    for (const auto *v : { &mean, &se })
        for (const Eigen::MatrixXd &m : *v)
            b += 8.0 * static_cast<double>(m.size());
    return b;
}

double Curves::kernelBytes() const
{
    return Ctheta.bytes() + Cg.bytes() + Rtheta.bytes() + Cu.bytes() + K.bytes();
}

Eigen::MatrixXd Kernel::trace() const
{
    if (mean.empty())
        return {};
    Eigen::MatrixXd out = Eigen::MatrixXd::Zero(mean[0].rows(), mean[0].cols());
    for (int a = 0; a < std::min(rowsPerBlock, colsPerBlock); ++a)
        out += mean[diagonalBlock(*this, a, mean.size())];
    return out;
}

Eigen::MatrixXd Kernel::traceSe() const
{
    // Units are correlated, so the SE of the trace is not derivable from per-block SEs;
    // engines that need it store it as a 1×1 block kernel. Here: root-sum-square bound.
    if (se.empty())
        return {};
    Eigen::MatrixXd out = Eigen::MatrixXd::Zero(se[0].rows(), se[0].cols());
    for (int a = 0; a < std::min(rowsPerBlock, colsPerBlock); ++a)
        out += se[diagonalBlock(*this, a, se.size())].cwiseAbs2();
    return out.cwiseSqrt();
}

void Curves::allocate(int k_, int kStar_, const std::vector<double> &grid)
{
    k = k_;
    kStar = kStar_;
    t = grid;
    const std::size_t n = grid.size();
    trainLoss.resize(n);
    testLoss.resize(n);
    testError.resize(n);
    // In size_t: a k read from a file must not overflow int before the readers' bound applies.
    Q.assign(static_cast<std::size_t>(k) * k, Estimate {});
    M.assign(static_cast<std::size_t>(k) * kStar, Estimate {});
    for (auto &e : Q)
        e.resize(n);
    for (auto &e : M)
        e.resize(n);
}

std::string firstNonFinite(const Curves &c)
{
    const std::size_t n = std::min<std::size_t>(std::max(0, c.validPoints), c.t.size());
    // An SE overflows where the mean does not (Welford's squared deviations of values near
    // 1e200: init.q0 = 1e200 gave "completed" with every SE inf); NaN is an undefined SE.
    auto check = [&](const Estimate &e, const std::string &name) -> std::string {
        for (std::size_t i = 0; i < n && i < e.mean.size(); ++i) {
            const bool badMean = !std::isfinite(e.mean[i]);
            if (badMean || (i < e.se.size() && std::isinf(e.se[i]))) {
                std::ostringstream os;
                os.precision(4);
                os << name << (badMean ? "" : " SE") << " at t = " << c.t[i];
                return os.str();
            }
        }
        return {};
    };
    std::string out = check(c.trainLoss, "train loss");
    if (out.empty())
        out = check(c.testLoss, "test loss");
    if (out.empty())
        out = check(c.testError, "test error");
    for (std::size_t i = 0; out.empty() && i < c.Q.size(); ++i)
        out = check(c.Q[i], "Q");
    for (std::size_t i = 0; out.empty() && i < c.M.size(); ++i)
        out = check(c.M[i], "M");
    return out;
}

} // namespace dmftlab
