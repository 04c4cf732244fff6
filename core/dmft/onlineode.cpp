#include "dmft/onlineode.h"

#include "config/configerror.h"
#include "config/configkey.h"
#include "dmft/onlinemoments.h"
#include "engine/registry.h"
#include "observables/population.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace dmftlab
{

namespace
{
/// ((N+1)k)² matrices alive at the θ-process's peak (measured, see onlineOdeMemoryBytes).
constexpr double kOnlineOdeSquareMatrices = 7.0;

struct State {
    Eigen::MatrixXd Q, M;
};

State derivative(
    const OnlineMomentEvaluator &ev, const State &s, const Eigen::MatrixXd &rho, double lambda, double tau)
{
    const OnlineMoments m = ev.evaluate(s.Q, s.M, rho);
    State d;
    d.M = -lambda * s.M - m.gz;
    d.Q = -2.0 * lambda * s.Q - m.gr - m.gr.transpose() + tau * m.gg;
    d.Q = 0.5 * (d.Q + d.Q.transpose()).eval();
    return d;
}
} // namespace

OnlineOdeTrajectory integrateOnlineOde(
    const RunConfig &config, const std::atomic<bool> *cancel, bool forceSampled)
{
    OnlineOdeTrajectory out;
    const int N = config.time.steps;
    const double dt = config.dt(), tau = config.tau(), lambda = config.problem.ridge;
    const Eigen::MatrixXd rho = config.rho();
    const OnlineMomentEvaluator ev(config.problem, config.tamingStep(), forceSampled, 8192);
    const int sub = std::max(1, std::min(256, static_cast<int>(std::ceil(dt / 0.05 - 1e-9))));
    const double h = dt / sub;
    State s { config.Q0(), config.M0() };
    out.Q.push_back(s.Q);
    out.M.push_back(s.M);
    const double scale = 1.0 + s.Q.cwiseAbs().maxCoeff();
    for (int n = 0; n < N; ++n) {
        if (cancel && cancel->load()) {
            out.status = Status::Cancelled;
            out.message = "cancelled";
            out.validPoints = n + 1;
            return out;
        }
        for (int j = 0; j < sub; ++j) {
            // Up to 256 sub-steps of four moment evaluations each: check cancel between them.
            if (j > 0 && cancel && cancel->load(std::memory_order_relaxed)) {
                out.status = Status::Cancelled;
                out.message = "cancelled";
                out.validPoints = n + 1;
                return out;
            }
            const State k1 = derivative(ev, s, rho, lambda, tau);
            const State k2 = derivative(ev, { s.Q + 0.5 * h * k1.Q, s.M + 0.5 * h * k1.M }, rho, lambda, tau);
            const State k3 = derivative(ev, { s.Q + 0.5 * h * k2.Q, s.M + 0.5 * h * k2.M }, rho, lambda, tau);
            const State k4 = derivative(ev, { s.Q + h * k3.Q, s.M + h * k3.M }, rho, lambda, tau);
            s.Q += h / 6.0 * (k1.Q + 2.0 * k2.Q + 2.0 * k3.Q + k4.Q);
            s.M += h / 6.0 * (k1.M + 2.0 * k2.M + 2.0 * k3.M + k4.M);
        }
        if (!s.Q.allFinite() || !s.M.allFinite() || s.Q.cwiseAbs().maxCoeff() > 1e8 * scale) {
            std::ostringstream os;
            os << "the online ODE diverged at t = " << config.grid()[n + 1]
               << " (Q exploded): lower optimizer.tau (the noise term tau E[g g^T] dominates)";
            out.status = Status::Diverged;
            out.message = os.str();
            out.validPoints = n + 1;
            return out;
        }
        out.Q.push_back(s.Q);
        out.M.push_back(s.M);
    }
    out.validPoints = N + 1;
    out.status = Status::Completed;
    std::ostringstream os;
    os << "online ODE integrated to t = " << config.time.horizon << " (RK4, " << sub
       << " sub-steps per grid interval, "
       << (ev.method() == OnlineMomentEvaluator::Method::SaadSolla             ? "Saad-Solla integrals"
                  : ev.method() == OnlineMomentEvaluator::Method::GaussHermite ? "Gauss-Hermite expectations"
                                                                               : "quasi-random expectations")
       << (config.tamingEnabled() ? ", tamed increments" : "") << ")";
    out.message = os.str();
    return out;
}

bool onlineWarmStart(const RunConfig &config, const OnlineOdeTrajectory &traj, ThetaProcessOutput &out,
    const std::atomic<bool> *cancel)
{
    const int N = config.time.steps, k = config.problem.width, ks = config.problem.teacherWidth;
    if (traj.validPoints != N + 1)
        return false;
    const double dt = config.dt(), tau = config.tau(), alpha = config.alpha;
    const Eigen::MatrixXd rho = config.rho(), rhoInv = rho.inverse();
    const OnlineMomentEvaluator ev(config.problem, config.tamingStep(), true, 4096);
    ThetaProcessInput in;
    in.steps = N;
    in.k = k;
    in.kStar = ks;
    in.dt = dt;
    in.ridge = config.problem.ridge;
    in.K = Eigen::MatrixXd::Zero((N + 1) * k, (N + 1) * k);
    in.Cu = Eigen::MatrixXd::Zero((N + 1) * k, (N + 1) * k);
    in.mu = Eigen::MatrixXd::Zero((N + 1) * k, ks);
    in.Q0 = config.Q0();
    in.M0 = config.M0();
    in.rho = rho;
    for (int n = 0; n <= N; ++n) {
        if (cancel && cancel->load(std::memory_order_relaxed))
            return false;
        const OnlineMoments m = ev.evaluate(traj.Q[n], traj.M[n], rho, true);
        in.K.block(n * k, n * k, k, k) = m.H;
        in.mu.middleRows(n * k, k) = (m.gz - m.H * traj.M[n]) * rhoInv;
        in.Cu.block(n * k, n * k, k, k) = (tau * dt + dt * dt / alpha) * m.gg;
    }
    return solveThetaProcess(in, out, cancel) && out.C.allFinite() && out.M.allFinite();
}

double onlineOdeMemoryBytes(const RunConfig &config)
{
    const double D = (config.time.steps + 1.0) * config.problem.width;
    return 8.0 * kOnlineOdeSquareMatrices * D * D;
}

EngineCheck checkOnlineOde(const RunConfig &config)
{
    const double bytes = onlineOdeMemoryBytes(config);
    if (bytes <= kOnlineOdeMemoryLimit)
        return std::nullopt;
    // Largest N with 8 c ((N+1)k)² <= limit.
    const int k = config.problem.width;
    const int fit = std::max(0,
        static_cast<int>(std::floor(std::sqrt(kOnlineOdeMemoryLimit / (8.0 * kOnlineOdeSquareMatrices)) / k))
            - 1);
    std::ostringstream os;
    os.precision(3);
    os << engineName(EngineId::Ode) << " would need " << bytes / 1073741824.0 << " GiB for C_theta (limit "
       << kOnlineOdeMemoryLimit / 1073741824.0 << " GiB); lower {0} (at most " << fit << " fit at {1} = " << k
       << ")";
    return configError({ ConfigKey::TimeSteps, ConfigKey::ModelWidth }, os.str());
}

EngineResult runOnlineOdeEngine(
    const RunConfig &config, const ProgressCallback &progress, const std::atomic<bool> *cancel)
{
    EngineResult result;
    const OnlineOdeTrajectory traj = integrateOnlineOde(config, cancel);
    const int N = config.time.steps, k = config.problem.width, ks = config.problem.teacherWidth;
    Curves &c = result.curves;
    c.engine = engineInfo(EngineId::Ode).name;
    c.allocate(k, ks, config.grid());
    c.validPoints = traj.validPoints;
    const PopulationEvaluator pop(config.problem);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (int n = 0; n <= N; ++n) {
        const bool ok = n < traj.validPoints;
        PopulationMetrics pm { nan, nan };
        if (ok)
            pm = pop.evaluate(traj.Q[n], traj.M[n], config.rho());
        c.trainLoss.mean[n] = c.testLoss.mean[n] = pm.loss;
        c.testError.mean[n] = pm.error;
        c.trainLoss.se[n] = c.testLoss.se[n] = c.testError.se[n] = 0.0;
        for (int a = 0; a < k; ++a) {
            for (int b = 0; b < k; ++b) {
                c.Q[a * k + b].mean[n] = ok ? traj.Q[n](a, b) : nan;
                c.Q[a * k + b].se[n] = 0.0;
            }
            for (int m = 0; m < ks; ++m) {
                c.M[a * ks + m].mean[n] = ok ? traj.M[n](a, m) : nan;
                c.M[a * ks + m].se[n] = 0.0;
            }
        }
    }
    ThetaProcessOutput theta;
    const bool haveTheta = traj.status == Status::Completed && onlineWarmStart(config, traj, theta, cancel);
    if (haveTheta) {
        c.Ctheta.rowsPerBlock = c.Ctheta.colsPerBlock = k;
        c.Ctheta.mean.resize(k * k);
        for (int a = 0; a < k; ++a)
            for (int b = 0; b < k; ++b) {
                Eigen::MatrixXd blk(N + 1, N + 1);
                for (int n = 0; n <= N; ++n)
                    for (int m = 0; m <= N; ++m)
                        blk(n, m) = theta.C(n * k + a, m * k + b);
                c.Ctheta.mean[a * k + b] = blk;
            }
    }
    result.status = traj.status;
    result.message = traj.message;
    if (traj.status == Status::Completed && !haveTheta && cancel && cancel->load()) {
        // Q and M are complete; C_θ is not: the run was cancelled in its θ-process.
        result.status = Status::Cancelled;
        result.message = "cancelled while computing C_theta (the online theta-process)";
    } else if (traj.status == Status::Completed)
        result.extra["ctheta"] = "online theta-process (K = E[H] delta, no memory)";
    if (progress) {
        ProgressReport r;
        r.engine = engineInfo(EngineId::Ode).name;
        r.fraction = 1.0;
        r.text = traj.message;
        r.snapshot = std::make_shared<const Curves>(c);
        progress(r);
    }
    return result;
}

} // namespace dmftlab
