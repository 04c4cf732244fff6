#include "dmft/thetaprocess.h"

#include <algorithm>

namespace dmftlab
{

bool solveThetaProcess(const ThetaProcessInput &in, ThetaProcessOutput &out, const std::atomic<bool> *cancel)
{
    auto cancelled = [cancel] { return cancel && cancel->load(std::memory_order_relaxed); };
    const int N = in.steps, k = in.k, ks = in.kStar, D = (N + 1) * k;
    const double decay = 1.0 - in.ridge * in.dt;
    out.R.setZero(D, D);
    out.a.setZero(D, k);
    out.b.setZero(D, ks);
    out.a.topRows(k).setIdentity();
    for (int n = 0; n < N; ++n) {
        if (cancelled())
            return false;
        const int rows = (n + 1) * k; // blocks 0..n
        const auto Kn = in.K.block(n * k, 0, k, rows);
        // R(n+1, m) for m < n; columns ≥ n of rows ≤ n are zero, so the product needs only
        // the leading rows × rows corner of R.
        out.R.block((n + 1) * k, 0, k, rows).noalias()
            = decay * out.R.block(n * k, 0, k, rows) - in.dt * Kn * out.R.topLeftCorner(rows, rows);
        out.R.block((n + 1) * k, n * k, k, k).setIdentity();
        out.a.middleRows((n + 1) * k, k).noalias()
            = decay * out.a.middleRows(n * k, k) - in.dt * Kn * out.a.topRows(rows);
        out.b.middleRows((n + 1) * k, k).noalias() = decay * out.b.middleRows(n * k, k)
            - in.dt * (Kn * out.b.topRows(rows)) - in.dt * in.mu.middleRows(n * k, k);
    }
    out.M.noalias() = out.a * in.M0 + out.b * in.rho;
    if (cancelled())
        return false;

    Eigen::MatrixXd S0(k + ks, k + ks);
    S0 << in.Q0, in.M0, in.M0.transpose(), in.rho;
    Eigen::MatrixXd ab(D, k + ks);
    ab << out.a, out.b;
    const Eigen::MatrixXd abS = ab * S0;
    out.C.noalias() = abS * ab.transpose();
    // R C_u Rᵀ with R strictly lower triangular element-wise: the two O(D³) products (tens of
    // seconds at the largest sizes the ode engine accepts) go in panels of columns so that
    // cancel is checked between panels. A panel width that is a multiple of every GEBP
    // register block keeps each entry's summation order: the result is bitwise the whole
    // product's (checked against the reference outputs of the presets).
    constexpr Eigen::Index kPanel = 512;
    const auto R = out.R.triangularView<Eigen::StrictlyLower>();
    Eigen::MatrixXd RCu(D, D);
    for (Eigen::Index c0 = 0; c0 < D; c0 += kPanel) {
        if (cancelled())
            return false;
        const Eigen::Index w = std::min<Eigen::Index>(kPanel, D - c0);
        RCu.middleCols(c0, w).noalias() = R * in.Cu.middleCols(c0, w);
    }
    Eigen::MatrixXd RCuRt(D, D);
    for (Eigen::Index c0 = 0; c0 < D; c0 += kPanel) {
        if (cancelled())
            return false;
        const Eigen::Index w = std::min<Eigen::Index>(kPanel, D - c0);
        RCuRt.middleRows(c0, w) = (R * RCu.middleRows(c0, w).transpose()).transpose();
    }
    out.C += RCuRt;
    out.C = 0.5 * (out.C + out.C.transpose()).eval();
    return true;
}

} // namespace dmftlab
