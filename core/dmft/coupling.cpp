#include "dmft/coupling.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace dmftlab
{

int normalsPerPath(int steps, int width, int teacherWidth)
{
    return teacherWidth + (steps + 1) * width + 1 + (steps + 1);
}

namespace
{
/// Cov(z, w_0..w_N) of the fine solve from its curves: ρ, M(n) and C_θ(n, m), averaged over
/// replicas, in the replica's layout (z first, then time-major blocks of k).
Eigen::MatrixXd fineCovariance(const RunConfig &fine, const Curves &curves)
{
    const int N = fine.time.steps, k = fine.problem.width, ks = fine.problem.teacherWidth;
    const int D = (N + 1) * k;
    if (curves.Ctheta.mean.size() != static_cast<std::size_t>(k * k)
        || curves.M.size() != static_cast<std::size_t>(k * ks))
        throw std::logic_error("coupleNormals: the fine curves carry no C_theta or M of this shape");
    Eigen::MatrixXd S(ks + D, ks + D);
    S.topLeftCorner(ks, ks) = fine.rho();
    for (int a = 0; a < k; ++a) {
        for (int m = 0; m < ks; ++m)
            for (int n = 0; n <= N; ++n)
                S(ks + n * k + a, m) = S(m, ks + n * k + a) = curves.M[a * ks + m].mean[n];
        for (int b = 0; b < k; ++b)
            for (int n = 0; n <= N; ++n)
                for (int n2 = 0; n2 <= N; ++n2)
                    S(ks + n * k + a, ks + n2 * k + b) = curves.Ctheta.mean[a * k + b](n, n2);
    }
    return S;
}

/// A Cholesky factor of S, with a jitter on the w diagonal (relative to its largest entry)
/// grown until it factors: the coupling needs a factor, not the exact one.
Eigen::MatrixXd factorWithJitter(const Eigen::MatrixXd &S, int ks)
{
    const int D = static_cast<int>(S.rows()) - ks;
    const double scale = std::max(1e-300, D > 0 ? S.diagonal().tail(D).cwiseAbs().maxCoeff() : 1.0);
    for (double jitter = 1e-10; jitter <= 1e-2; jitter *= 10.0) {
        Eigen::MatrixXd J = S;
        J.diagonal().tail(D).array() += jitter * scale;
        Eigen::LLT<Eigen::MatrixXd> llt(J);
        if (llt.info() == Eigen::Success)
            return llt.matrixL();
    }
    throw std::runtime_error("coupleNormals: the fine solve's Cov(z, w) has no Cholesky factor");
}
} // namespace

std::shared_ptr<const NormalsCoupling> coupleNormals(
    const RunConfig &fine, const Curves &fineCurves, int stride, FineWhitenings whitenings)
{
    const int N = fine.time.steps, k = fine.problem.width, ks = fine.problem.teacherWidth;
    if (stride < 2 || N % stride != 0)
        throw std::logic_error("coupleNormals: time.steps must be a multiple of the stride");
    const int Nc = N / stride;
    const int Dzf = ks + (N + 1) * k, Dzc = ks + (Nc + 1) * k;
    auto out = std::make_shared<NormalsCoupling>();
    out->fineSteps = N;
    out->fineRows = normalsPerPath(N, k, ks);
    out->whitenings = std::move(whitenings);
    const int rowsC = normalsPerPath(Nc, k, ks);
    out->T = Eigen::MatrixXd::Zero(rowsC, out->fineRows);

    // (z, w): A = Qᵀ from the QR of (E L_f)ᵀ, signs so that R has a positive diagonal
    const Eigen::MatrixXd Lf = factorWithJitter(fineCovariance(fine, fineCurves), ks);
    Eigen::MatrixXd ELt(Dzf, Dzc); // (E L_f)ᵀ: column i = row i of E L_f
    for (int i = 0; i < ks; ++i)
        ELt.col(i) = Lf.row(i).transpose();
    for (int j = 0; j <= Nc; ++j)
        for (int a = 0; a < k; ++a)
            ELt.col(ks + j * k + a) = Lf.row(ks + stride * j * k + a).transpose();
    Eigen::HouseholderQR<Eigen::MatrixXd> qr(ELt);
    const Eigen::MatrixXd Q = qr.householderQ() * Eigen::MatrixXd::Identity(Dzf, Dzc);
    for (int i = 0; i < Dzc; ++i) {
        const double sign = qr.matrixQR()(i, i) < 0.0 ? -1.0 : 1.0;
        out->T.row(i).head(Dzf) = sign * Q.col(i).transpose();
    }
    // ε
    out->T(Dzc, Dzf) = 1.0;
    // Brownian increments over the same intervals
    const double w = 1.0 / std::sqrt(static_cast<double>(stride));
    for (int j = 0; j < Nc; ++j)
        for (int i = 0; i < stride; ++i)
            out->T(Dzc + 1 + j, Dzf + 1 + stride * j + i) = w;
    out->T(Dzc + 1 + Nc, Dzf + 1 + N) = 1.0;
    return out;
}

} // namespace dmftlab
