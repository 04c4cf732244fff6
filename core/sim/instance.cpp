#include "sim/instance.h"

#include "engine/hugepages.h"
#include "model/problem.h"
#include "observables/population.h"
#include "sim/random.h"

#include <algorithm>
#include <cmath>

namespace dmftlab
{

Eigen::MatrixXd orthonormalColumns(const Eigen::Ref<const Eigen::MatrixXd> &A)
{
    const Eigen::Index d = A.rows(), m = A.cols();
    Eigen::HouseholderQR<Eigen::MatrixXd> qr(A);
    Eigen::MatrixXd Q = qr.householderQ() * Eigen::MatrixXd::Identity(d, m);
    return std::sqrt(static_cast<double>(d)) * Q;
}

Instance makeInstance(
    const RunConfig &config, std::uint64_t seed, bool withData, const std::atomic<bool> *cancel)
{
    return makeInstance(config, seed, withData, cancel, Instance {});
}

Instance makeInstance(const RunConfig &config, std::uint64_t seed, bool withData,
    const std::atomic<bool> *cancel, Instance &&recycled)
{
    Instance inst;
    inst.seed = seed;
    Eigen::MatrixXd buffer; // the recycled data arrays: every entry is drawn anew below
    Eigen::MatrixXf bufferSingle;
    buffer.swap(recycled.Xt);
    bufferSingle.swap(recycled.XtSingle);
    recycled = Instance {};
    const int d = config.sim.dimension, k = config.problem.width, ks = config.problem.teacherWidth;
    if (d < k + ks) {
        inst.error = "sim.dimension must be at least model.width + teacher.width";
        return inst;
    }

    // Teacher: θ*ᵀθ*/d = I exactly. Gaussian prior: orthonormalised Gaussian columns scaled
    // by √d. Other priors: iid entries from the prior, whitened by (AᵀA/d)^{-1/2} — a rescaling
    // for k* = 1 (the entries keep their atoms), an O(d^{-1/2}) mixing of columns otherwise.
    {
        SimRandom rng(seed, TeacherStream);
        Eigen::MatrixXd A(d, ks);
        if (config.teacherPrior.prior == TeacherPrior::Gaussian) {
            rng.normals(A.data(), A.size());
            inst.teacher = orthonormalColumns(A);
        } else {
            for (Eigen::Index i = 0; i < A.size(); ++i)
                A.data()[i] = drawPrior(config.teacherPrior, rng.uniform(), 0.0);
            const Eigen::MatrixXd gram = A.transpose() * A / d;
            Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(gram);
            if (es.eigenvalues().minCoeff() <= 0.0) {
                inst.error = "teacher.sparsity is too small for sim.dimension: a teacher column is all zeros";
                return inst;
            }
            inst.teacher = A
                * (es.eigenvectors() * es.eigenvalues().cwiseInverse().cwiseSqrt().asDiagonal()
                    * es.eigenvectors().transpose());
        }
    }
    inst.rho = inst.teacher.transpose() * inst.teacher / d;

    if (withData) {
        const int n = config.samples();
        SimRandom rng(seed, DataStream);
        // 2 MiB pages: 41 MB at the committee's size would otherwise fault in 10 000 pages of
        // 4 KiB per seed, and each SGF step streams all of it (fewer TLB misses).
        inst.Xt.swap(buffer);
        if (inst.Xt.rows() != d || inst.Xt.cols() != n)
            resizeWithHugePages(inst.Xt, d, n);
        inst.XtSingle.swap(bufferSingle);
        if (inst.XtSingle.rows() != d || inst.XtSingle.cols() != n)
            resizeWithHugePages(inst.XtSingle, d, n);
        const double scale = 1.0 / std::sqrt(static_cast<double>(d));
        const int kChunk = std::max(1, (1 << 18) / d); // samples between cancel checks (~4 ms of normals)
        for (int i0 = 0; i0 < n; i0 += kChunk) {
            if (cancel && cancel->load(std::memory_order_relaxed)) {
                inst.cancelled = true;
                return inst;
            }
            const int m = std::min(kChunk, n - i0);
            const long count = static_cast<long>(m) * d;
            double *x = inst.Xt.col(i0).data();
            float *xs = inst.XtSingle.col(i0).data();
            rng.normals(x, count, scale);
            for (long j = 0; j < count; ++j) { // single precision, held exactly in both arrays
                xs[j] = static_cast<float>(x[j]);
                x[j] = xs[j];
            }
        }
        const Problem problem(config.problem);
        const Eigen::MatrixXd Z = inst.Xt.transpose() * inst.teacher; // n×k*, row i = z_iᵀ
        inst.y.resize(n);
        Eigen::VectorXd z(ks);
        for (int i = 0; i < n; ++i) {
            z = Z.row(i).transpose();
            inst.y[i] = problem.label(z.data(), rng.normal());
        }
    }

    // θ_0 = θ* ρ⁻¹ M_0ᵀ + Z' S^{1/2}. ρ is the configured I_{k*} (the teacher realises it).
    {
        const Eigen::MatrixXd rho = config.rho();
        const Eigen::MatrixXd M0 = config.M0(), Q0 = config.Q0();
        const Eigen::MatrixXd rhoInvM0t = rho.ldlt().solve(M0.transpose()); // k*×k
        const Eigen::MatrixXd S = Q0 - M0 * rhoInvM0t;
        const double minEig = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(S).eigenvalues().minCoeff();
        if (minEig < -1e-12 * std::max(1.0, Q0.diagonal().maxCoeff())) {
            inst.error = "init.m0 is too large for init.q0: Q0 - M0 M0^T must be positive semidefinite";
            return inst;
        }
        SimRandom rng(seed, InitStream);
        Eigen::MatrixXd A(d, k);
        rng.normals(A.data(), A.size());
        // Project off the teacher twice (re-orthogonalisation keeps Z'ᵀθ* at rounding level).
        const Eigen::MatrixXd U = inst.teacher / std::sqrt(static_cast<double>(d));
        for (int pass = 0; pass < 2; ++pass)
            A -= U * (U.transpose() * A);
        const Eigen::MatrixXd Zp = orthonormalColumns(A);
        inst.theta0 = inst.teacher * rhoInvM0t + Zp * psdSqrt(S);
    }
    return inst;
}

} // namespace dmftlab
