#include "dmft/effectivepaths.h"

#include "sim/random.h"

#include <algorithm>
#include <cmath>

namespace dmftlab
{

EffectivePaths effectivePaths(const DistributionRecord &laws, const Curves &result,
    const TeacherPriorSpec &prior, int count, std::uint64_t seed, int maxTimes, std::string *error)
{
    // the laws' own solve: after an extrapolation the result's curves are continuous-time
    const Curves &dmft = laws.schemeCurves ? *laws.schemeCurves : result;
    EffectivePaths out;
    auto fail = [&](const std::string &why) {
        if (error)
            *error = why;
        return EffectivePaths {};
    };
    const int k = dmft.k, ks = dmft.kStar;
    if (laws.dmft.empty() || laws.dmft.front().r.empty())
        return fail("no DMFT laws recorded (output.distribution_times is empty)");
    if (dmft.Ctheta.empty() || static_cast<int>(dmft.M.size()) != k * ks)
        return fail("the DMFT result has no C_θ kernel");
    const int N1 = static_cast<int>(dmft.Ctheta.mean.front().rows());

    // Evenly thinned law times (the θ draw factors a (kT)² covariance).
    const int J = static_cast<int>(laws.dmft.size());
    const int T = std::min(J, std::max(2, maxTimes));
    std::vector<int> pick;
    for (int i = 0; i < T; ++i) {
        const int j = T == 1 ? 0 : static_cast<int>(std::lround(static_cast<double>(i) * (J - 1) / (T - 1)));
        if (pick.empty() || j != pick.back())
            pick.push_back(j);
    }
    for (int j : pick) {
        if (laws.dmft[j].gridIndex >= N1)
            return fail("the DMFT laws and curves have different grids");
        out.t.push_back(laws.dmft[j].time);
    }
    const int Tn = static_cast<int>(pick.size());
    out.k = k;
    out.kStar = ks;

    // r-process: the band over every path of every replica, the paths of replica 0.
    const int P0 = static_cast<int>(laws.dmft[pick[0]].r.front().rows());
    const int shown = std::clamp(count, 0, P0);
    for (int a = 0; a < k; ++a) {
        Eigen::VectorXd mean(Tn), sd(Tn);
        Eigen::MatrixXd paths(shown, Tn);
        for (int i = 0; i < Tn; ++i) {
            const DmftLawSample &s = laws.dmft[pick[i]];
            double sum = 0.0, sum2 = 0.0;
            long long n = 0;
            for (const Eigen::MatrixXd &r : s.r) {
                sum += r.col(a).sum();
                sum2 += r.col(a).squaredNorm();
                n += r.rows();
            }
            mean[i] = sum / n;
            sd[i] = std::sqrt(std::max(0.0, (sum2 - n * mean[i] * mean[i]) / std::max<long long>(1, n - 1)));
            paths.col(i) = s.r.front().col(a).head(shown);
            out.rSamples = n;
        }
        out.rMean.push_back(mean);
        out.rSd.push_back(sd);
        out.rPaths.push_back(paths);
    }

    // θ-process: time-major index i k + a over the picked times.
    const int D = Tn * k;
    Eigen::MatrixXd C(D, D), M(D, ks);
    for (int i = 0; i < Tn; ++i) {
        const int n = laws.dmft[pick[i]].gridIndex;
        for (int a = 0; a < k; ++a) {
            for (int m = 0; m < ks; ++m)
                M(i * k + a, m) = dmft.M[a * ks + m].mean[n];
            for (int i2 = 0; i2 < Tn; ++i2)
                for (int b = 0; b < k; ++b)
                    C(i * k + a, i2 * k + b) = dmft.Ctheta.mean[a * k + b](n, laws.dmft[pick[i2]].gridIndex);
        }
    }
    // ρ = I (every prior has unit second moment): Cov(θ | θ*) = C_θ − M Mᵀ.
    Eigen::MatrixXd conditional = C - M * M.transpose();
    conditional = 0.5 * (conditional + conditional.transpose());
    // The symmetric root: PSD and singular (t = 0 with q0 = m0²) are fine, no Cholesky failure.
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(conditional);
    const Eigen::VectorXd roots = eig.eigenvalues().cwiseMax(0.0).cwiseSqrt();
    const Eigen::MatrixXd root = eig.eigenvectors() * roots.asDiagonal() * eig.eigenvectors().transpose();

    SimRandom rng(seed, 7);
    out.thetaStar.resize(count, ks);
    for (int p = 0; p < count; ++p)
        for (int m = 0; m < ks; ++m) {
            const double u = rng.uniform();
            out.thetaStar(p, m) = drawPrior(prior, u, rng.normal());
        }
    Eigen::MatrixXd zeta(count, D);
    for (int p = 0; p < count; ++p)
        for (int c = 0; c < D; ++c)
            zeta(p, c) = rng.normal();
    const Eigen::MatrixXd theta = out.thetaStar * M.transpose() + zeta * root; // count × D
    for (int a = 0; a < k; ++a) {
        Eigen::MatrixXd paths(count, Tn);
        Eigen::VectorXd sd(Tn);
        for (int i = 0; i < Tn; ++i) {
            paths.col(i) = theta.col(i * k + a);
            sd[i] = std::sqrt(std::max(0.0, C(i * k + a, i * k + a)));
        }
        out.thetaPaths.push_back(paths);
        out.thetaMean.push_back(Eigen::VectorXd::Zero(Tn));
        out.thetaSd.push_back(sd);
    }
    return out;
}

Eigen::MatrixXd teacherDrift(const Curves &dmft, const Eigen::MatrixXd &M0, double ridge)
{
    const int k = dmft.k, ks = dmft.kStar, N1 = static_cast<int>(dmft.t.size());
    if (dmft.K.empty() || N1 < 2 || static_cast<int>(dmft.M.size()) != k * ks || M0.rows() != k
        || M0.cols() != ks)
        return {};
    const double dt = dmft.t[1] - dmft.t[0];
    // K_nl as a k×k block; a_n (k×k) and b_n (k×k*) per grid point.
    const auto K = [&](int n, int l) {
        Eigen::MatrixXd b(k, k);
        for (int i = 0; i < k; ++i)
            for (int j = 0; j < k; ++j)
                b(i, j) = dmft.K.mean[i * k + j](n, l);
        return b;
    };
    std::vector<Eigen::MatrixXd> a(N1), b(N1);
    a[0] = Eigen::MatrixXd::Identity(k, k);
    for (int n = 0; n + 1 < N1; ++n) {
        Eigen::MatrixXd memory = ridge * a[n];
        for (int l = 0; l <= n; ++l)
            memory += K(n, l) * a[l];
        a[n + 1] = a[n] - dt * memory;
    }
    for (int n = 0; n < N1; ++n) {
        Eigen::MatrixXd Mn(k, ks);
        for (int i = 0; i < k; ++i)
            for (int m = 0; m < ks; ++m)
                Mn(i, m) = dmft.M[i * ks + m].mean[n];
        b[n] = Mn - a[n] * M0;
    }
    Eigen::MatrixXd mu(N1 - 1, k * ks);
    for (int n = 0; n + 1 < N1; ++n) {
        Eigen::MatrixXd drift = -(b[n + 1] - b[n]) / dt - ridge * b[n];
        for (int l = 0; l <= n; ++l)
            drift -= K(n, l) * b[l];
        for (int i = 0; i < k; ++i)
            for (int m = 0; m < ks; ++m)
                mu(n, i * ks + m) = drift(i, m);
    }
    return mu;
}

} // namespace dmftlab
