#include "sim/seedsimulation.h"

#include "engine/hugepages.h"
#include "engine/lanes.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <sstream>

namespace dmftlab
{

std::string formatTime(double t)
{
    std::ostringstream os;
    os.precision(3);
    os << t;
    return os.str();
}

namespace
{
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// R = X θ (n×k) in one pass over X. For k = 1 Eigen's GEMV does it; for k > 1 Eigen's GEMM
// would first pack (copy) all of X, which made a k = 2 step four times slower than k = 1.
void projectSamples(const Eigen::MatrixXd &Xt, const Eigen::MatrixXd &theta, Eigen::MatrixXd &R)
{
    if (theta.cols() == 1) {
        R.col(0).noalias() = Xt.transpose() * theta.col(0);
        return;
    }
    const Eigen::Index d = Xt.rows(), n = Xt.cols(), k = theta.cols();
    for (Eigen::Index i = 0; i < n; ++i) {
        const Eigen::Map<const Eigen::VectorXd> x(Xt.col(i).data(), d);
        for (Eigen::Index a = 0; a < k; ++a)
            R(i, a) = x.dot(theta.col(a));
    }
}

// Samples per block of forcesAndStep: a block's data (16 × d floats, 50 KB at d = 800) is
// read from memory once, for the dot products, and again from the L2 cache for the update.
constexpr Eigen::Index kSampleBlock = 16;

// The K dot products x·θ_a of one sample in one pass over x (single precision; products and sums
// in double): engine/lanes.h.
template <int K> inline void sampleDots(const float *x, const double *theta, Eigen::Index d, double *r)
{
    for (int a = 0; a < K; ++a)
        r[a] = 0.0;
    transposedProductColumns<K>(d, 1, x, d, theta, d, r, 1);
}

// θ' −= Σ_b w_b x_bᵀ over a block of samples (column b of Xb, weights w[b*K + a]), chunk of
// coordinates by chunk: each chunk of θ' is loaded and stored once per block, and each chunk of
// the block's data is read once from cache for all K columns.
template <int K>
void subtractBlock(const float *Xb, Eigen::Index d, Eigen::Index m, const double *w, double *thetaNext)
{
    Eigen::Index j = 0;
    for (; j + kLanes <= d; j += kLanes) {
        Lanes c[K];
        for (int a = 0; a < K; ++a)
            c[a] = loadLanes(thetaNext + a * d + j);
        for (Eigen::Index b = 0; b < m; ++b) {
            const Lanes xv = loadLanes(Xb + b * d + j);
#pragma GCC unroll 4
            for (int a = 0; a < K; ++a)
                c[a] -= w[b * K + a] * xv;
        }
        for (int a = 0; a < K; ++a)
            storeLanes(thetaNext + a * d + j, c[a]);
    }
    for (; j < d; ++j)
        for (int a = 0; a < K; ++a) {
            double c = thetaNext[a * d + j];
            for (Eigen::Index b = 0; b < m; ++b)
                c -= w[b * K + a] * static_cast<double>(Xb[b * d + j]);
            thetaNext[a * d + j] = c;
        }
}

// The forces at θ and the Euler–Maruyama step θ' = decay θ − Σ_i w_i x_iᵀ, w_i = g_i s_i
// (s_i = drift − noise ξ_i, or drift without noise), in ONE pass over the samples from memory:
// a block of samples gets its K dot products each, then its update (subtractBlock) while the
// block is still in cache. The n×d data matrix does not fit in cache at the presets' sizes
// (committee: 6400 × 800), so the SGF is memory-bound: single-precision data (exactly the
// values of Instance::Xt) halve its traffic, and for k = 1 the one pass replaces two GEMVs.
// dmftlab-bench-sim, one thread, per step (2026-12-01, before → after): the committee's seed
// 3.6–4.0 → 1.8–2.4 ms; k = 1 at d = 2000, n = 4000: 4.7–4.9 → 2.8–3.2 ms.
template <int K>
double forcesAndStepFixed(const Problem &problem, const Eigen::MatrixXf &Xt, const Eigen::VectorXd &y,
    const Eigen::MatrixXd &theta, const Eigen::VectorXd *scale, double drift, double tamingStep,
    Eigen::MatrixXd &R, Eigen::MatrixXd &G, Eigen::MatrixXd &thetaNext)
{
    const Eigen::Index d = Xt.rows(), n = Xt.cols();
    double r[kMaxWidth], g[kMaxWidth], w[kSampleBlock * K];
    double total = 0.0;
    for (Eigen::Index i0 = 0; i0 < n; i0 += kSampleBlock) {
        const Eigen::Index m = std::min(kSampleBlock, n - i0);
        for (Eigen::Index b = 0; b < m; ++b) {
            const Eigen::Index i = i0 + b;
            sampleDots<K>(Xt.col(i).data(), theta.data(), d, r);
            for (int a = 0; a < K; ++a)
                R(i, a) = r[a];
            total += problem.evaluate(r, y[i], g, nullptr, tamingStep);
            const double s = scale ? (*scale)[i] : drift;
            for (int a = 0; a < K; ++a) {
                G(i, a) = g[a];
                w[b * K + a] = g[a] * s;
            }
        }
        subtractBlock<K>(Xt.col(i0).data(), d, m, w, thetaNext.data());
    }
    return total;
}

// Any k: the columns one at a time (k passes over X).
double forcesAndStepAnyWidth(const Problem &problem, const Eigen::MatrixXf &Xt, const Eigen::VectorXd &y,
    const Eigen::MatrixXd &theta, const Eigen::VectorXd *scale, double drift, double tamingStep,
    Eigen::MatrixXd &R, Eigen::MatrixXd &G, Eigen::MatrixXd &thetaNext)
{
    const Eigen::Index d = Xt.rows(), n = Xt.cols(), k = theta.cols();
    for (Eigen::Index i = 0; i < n; ++i)
        for (Eigen::Index a = 0; a < k; ++a)
            sampleDots<1>(Xt.col(i).data(), theta.col(a).data(), d, &R(i, a));
    double r[kMaxWidth], g[kMaxWidth], w[kSampleBlock];
    double total = 0.0;
    Eigen::MatrixXd W(n, k);
    for (Eigen::Index i = 0; i < n; ++i) {
        for (Eigen::Index a = 0; a < k; ++a)
            r[a] = R(i, a);
        total += problem.evaluate(r, y[i], g, nullptr, tamingStep);
        const double s = scale ? (*scale)[i] : drift;
        for (Eigen::Index a = 0; a < k; ++a) {
            G(i, a) = g[a];
            W(i, a) = g[a] * s;
        }
    }
    for (Eigen::Index a = 0; a < k; ++a)
        for (Eigen::Index i0 = 0; i0 < n; i0 += kSampleBlock) {
            const Eigen::Index m = std::min(kSampleBlock, n - i0);
            for (Eigen::Index b = 0; b < m; ++b)
                w[b] = W(i0 + b, a);
            subtractBlock<1>(Xt.col(i0).data(), d, m, w, thetaNext.col(a).data());
        }
    return total;
}

double forcesAndStep(const Problem &problem, const Eigen::MatrixXf &Xt, const Eigen::VectorXd &y,
    const Eigen::MatrixXd &theta, const Eigen::VectorXd *scale, double drift, double decay, double tamingStep,
    Eigen::MatrixXd &R, Eigen::MatrixXd &G, Eigen::MatrixXd &thetaNext)
{
    thetaNext = theta;
    thetaNext *= decay;
    double total = 0.0;
    if (!withFixedWidth(static_cast<int>(theta.cols()), [&](auto width) {
            total = forcesAndStepFixed<decltype(width)::value>(
                problem, Xt, y, theta, scale, drift, tamingStep, R, G, thetaNext);
        }))
        total = forcesAndStepAnyWidth(problem, Xt, y, theta, scale, drift, tamingStep, R, G, thetaNext);
    return total;
}

} // namespace

SeedSimulation::SeedSimulation(SimEngine engine, const RunConfig &config, const Instance &instance,
    const PopulationEvaluator &evaluator, int noisePairing)
    : m_engine(engine)
    , m_config(config)
    , m_instance(instance)
    , m_evaluator(evaluator)
    , m_problem(config.problem)
    , m_grid(config.grid())
    , m_rng(instance.seed, DynamicsStream)
{
    m_noisePairing = std::max(1, noisePairing);
    m_d = config.sim.dimension;
    m_k = config.problem.width;
    m_kStar = config.problem.teacherWidth;
    m_n = engine == SimEngine::Online ? 0 : config.samples();
    m_tamingStep = config.tamingStep();
    m_qLimit = 1e6 * std::max(1.0, config.Q0().diagonal().maxCoeff());

    const int N1 = gridPoints();
    m_result.trainLoss = Eigen::VectorXd::Constant(N1, kNaN);
    m_result.testLoss = Eigen::VectorXd::Constant(N1, kNaN);
    m_result.testError = Eigen::VectorXd::Constant(N1, kNaN);
    m_result.Q = Eigen::MatrixXd::Constant(N1, m_k * m_k, kNaN);
    m_result.M = Eigen::MatrixXd::Constant(N1, m_k * m_kStar, kNaN);
    m_result.thetaHistory = Eigen::MatrixXd::Zero(m_d, N1 * m_k);
    if (engine != SimEngine::Online) {
        resizeWithHugePages(m_result.gradientHistory, m_n, N1 * m_k); // 10 MB for the committee
        m_result.gradientHistory.setZero();
        m_R.resize(m_n, m_k);
        m_G.resize(m_n, m_k);
    }

    if (engine == SimEngine::Sgf) {
        m_theta = instance.theta0;
        m_xi.resize(m_n);
        return;
    }
    m_phi = instance.theta0;
    m_c = 1.0;
    const double eta = config.optimizer.learningRate;
    m_gridSteps.resize(N1);
    for (int i = 0; i < N1; ++i)
        m_gridSteps[i] = std::llround(m_grid[i] * m_d / eta);
    const int B = config.optimizer.batchSize;
    m_batchIdx.resize(B);
    m_batchY.resize(B);
    m_batchR.resize(m_k, B);
    m_batchG.resize(m_k, B);
    if (engine == SimEngine::Online) {
        m_batchX.resize(m_d, B);
    } else {
        m_perm.resize(m_n);
        std::iota(m_perm.begin(), m_perm.end(), 0);
        m_permPos = m_perm.size(); // shuffle before the first batch
    }
}

long long SeedSimulation::totalSteps() const
{
    if (m_engine == SimEngine::Sgf)
        return static_cast<long long>(m_config.time.steps) * m_config.sim.substeps;
    return m_gridSteps.back();
}

void SeedSimulation::computeForces()
{
    const Eigen::MatrixXd &theta = m_engine == SimEngine::Sgf ? m_theta : m_phi;
    projectSamples(m_instance.Xt, theta, m_R);
    m_lossSum = m_problem.gradients(m_R, m_instance.y, m_G, m_tamingStep);
}

SeedSimulation::SgfStep SeedSimulation::sgfStep() const
{
    const double dt = m_config.dt() / m_config.sim.substeps, alpha = m_config.alpha;
    return { dt, dt / alpha, std::sqrt(m_config.tau() * dt / alpha), 1.0 - dt * m_config.problem.ridge };
}

void SeedSimulation::computeForcesAndStepAhead()
{
    const SgfStep st = sgfStep();
    const bool noisy = m_config.tau() > 0.0;
    if (noisy) { // the noise of the step ahead, drawn where advanceSgf would draw it
        m_rng.normals(m_xi.data(), m_n);
        if (m_noisePairing > 1) { // the finer run's next p increments, summed
            m_xiPart.resize(m_n);
            for (int q = 1; q < m_noisePairing; ++q) {
                m_rng.normals(m_xiPart.data(), m_n);
                m_xi += m_xiPart;
            }
            m_xi /= std::sqrt(static_cast<double>(m_noisePairing));
        }
        m_xi.array() = st.drift - st.noise * m_xi.array();
    }
    m_lossSum = forcesAndStep(m_problem, m_instance.XtSingle, m_instance.y, m_theta, noisy ? &m_xi : nullptr,
        st.drift, st.decay, m_tamingStep, m_R, m_G, m_thetaNext);
    m_stepAhead = true;
}

bool SeedSimulation::init()
{
    if (m_result.validPoints > 0 || stopped())
        return !stopped();
    if (m_engine == SimEngine::Online) {
        drawOnlineBatch();
        m_batchPending = true;
        const double loss = evaluateBatch(true) / m_config.optimizer.batchSize;
        record(0, loss);
    } else {
        if (m_engine == SimEngine::Sgf)
            computeForcesAndStepAhead();
        else
            computeForces();
        record(0, m_lossSum / m_n);
    }
    return !stopped();
}

void SeedSimulation::record(int n, double trainLoss)
{
    if (m_engine != SimEngine::Sgf && m_c != 1.0) {
        m_phi *= m_c;
        m_c = 1.0;
    }
    const Eigen::MatrixXd &theta = m_engine == SimEngine::Sgf ? m_theta : m_phi;
    const Eigen::MatrixXd Q = theta.transpose() * theta / m_d;
    const Eigen::MatrixXd M = theta.transpose() * m_instance.teacher / m_d;
    if (!std::isfinite(trainLoss) || !Q.allFinite() || !M.allFinite() || Q.diagonal().maxCoeff() > m_qLimit) {
        diverge(m_grid[n]);
        return;
    }
    const PopulationMetrics pop = m_evaluator.evaluate(Q, M, m_instance.rho);
    m_result.trainLoss[n] = trainLoss;
    m_result.testLoss[n] = pop.loss;
    m_result.testError[n] = pop.error;
    for (int a = 0; a < m_k; ++a) {
        for (int b = 0; b < m_k; ++b)
            m_result.Q(n, a * m_k + b) = Q(a, b);
        for (int m = 0; m < m_kStar; ++m)
            m_result.M(n, a * m_kStar + m) = M(a, m);
    }
    m_result.thetaHistory.middleCols(n * m_k, m_k) = theta;
    if (m_engine != SimEngine::Online)
        m_result.gradientHistory.middleCols(n * m_k, m_k) = m_G;
    m_result.validPoints = n + 1;
    if (m_result.validPoints == gridPoints())
        m_result.status = Status::Completed;
}

bool SeedSimulation::step(const std::atomic<bool> *cancel)
{
    if (stopped())
        return false;
    if (m_result.validPoints == 0)
        return init();
    const int n = m_result.validPoints;
    if (m_engine == SimEngine::Sgf) {
        if (!advanceSgf(cancel))
            return false;
        // forces at t_n and, in the same pass over X, the first step of the next interval
        computeForcesAndStepAhead();
        record(n, m_lossSum / m_n);
    } else if (m_engine == SimEngine::Sgd) {
        if (!advanceSgd(cancel, m_gridSteps[n]))
            return false;
        m_phi *= m_c;
        m_c = 1.0;
        computeForces();
        record(n, m_lossSum / m_n);
    } else {
        if (!advanceSgd(cancel, m_gridSteps[n]))
            return false;
        double loss;
        if (m_windowSamples > 0) {
            loss = m_windowLoss / m_windowSamples;
        } else {
            // No step in this interval: the next step's batch at θ(t_n).
            drawOnlineBatch();
            m_batchPending = true;
            loss = evaluateBatch(true) / m_config.optimizer.batchSize;
        }
        m_windowLoss = 0.0;
        m_windowSamples = 0;
        record(n, loss);
    }
    return !stopped();
}

bool SeedSimulation::advanceSgf(const std::atomic<bool> *cancel)
{
    const int substeps = m_config.sim.substeps;
    const double dt = sgfStep().dt;
    const double t0 = m_grid[m_result.validPoints - 1];
    for (int s = 0; s < substeps; ++s) {
        if (isCancelled(cancel)) {
            cancelled(t0 + s * dt);
            return false;
        }
        if (!m_stepAhead) {
            computeForcesAndStepAhead();
            if (!std::isfinite(m_lossSum)) {
                diverge(t0 + s * dt);
                return false;
            }
        }
        m_theta.swap(m_thetaNext); // the step computed with the forces at this θ
        m_stepAhead = false;
        ++m_result.steps;
    }
    return true;
}

void SeedSimulation::drawSgdBatch()
{
    const int B = m_config.optimizer.batchSize;
    if (m_config.sim.sampling == Sampling::Replacement) {
        for (int j = 0; j < B; ++j)
            m_batchIdx[j] = static_cast<int>(m_rng.below(m_n));
        return;
    }
    for (int j = 0; j < B; ++j) {
        if (m_permPos == m_perm.size()) {
            for (std::size_t i = m_perm.size() - 1; i > 0; --i)
                std::swap(m_perm[i], m_perm[m_rng.below(i + 1)]);
            m_permPos = 0;
        }
        m_batchIdx[j] = m_perm[m_permPos++];
    }
}

void SeedSimulation::drawOnlineBatch()
{
    const int B = m_config.optimizer.batchSize;
    m_rng.normals(m_batchX.data(), m_batchX.size(), 1.0 / std::sqrt(static_cast<double>(m_d)));
    double z[16];
    for (int j = 0; j < B; ++j) {
        for (int m = 0; m < m_kStar; ++m)
            z[m] = m_instance.teacher.col(m).dot(m_batchX.col(j));
        m_batchY[j] = m_problem.label(z, m_rng.normal());
    }
}

double SeedSimulation::evaluateBatch(bool online)
{
    const int B = m_config.optimizer.batchSize;
    double sum = 0.0;
    for (int j = 0; j < B; ++j) {
        const double *x = online ? m_batchX.col(j).data() : m_instance.Xt.col(m_batchIdx[j]).data();
        const Eigen::Map<const Eigen::VectorXd> xj(x, m_d);
        for (int a = 0; a < m_k; ++a)
            m_batchR(a, j) = m_c * m_phi.col(a).dot(xj);
        const double y = online ? m_batchY[j] : m_instance.y[m_batchIdx[j]];
        sum += m_problem.evaluate(m_batchR.col(j).data(), y, m_batchG.col(j).data(), nullptr, m_tamingStep);
    }
    return sum;
}

bool SeedSimulation::advanceSgd(const std::atomic<bool> *cancel, long long untilStep)
{
    const bool online = m_engine == SimEngine::Online;
    const double eta = m_config.optimizer.learningRate;
    const int B = m_config.optimizer.batchSize;
    const double decay = 1.0 - eta * m_config.problem.ridge / m_d;
    while (m_step < untilStep) {
        if (isCancelled(cancel)) {
            cancelled(m_step * eta / m_d);
            return false;
        }
        if (online) {
            if (!m_batchPending)
                drawOnlineBatch();
            m_batchPending = false;
        } else {
            drawSgdBatch();
        }
        const double loss = evaluateBatch(online);
        if (!std::isfinite(loss)) {
            diverge(m_step * eta / m_d);
            return false;
        }
        if (online) {
            m_windowLoss += loss;
            m_windowSamples += B;
        }
        // θ' = (1 − ηλ/d) c φ − (η/B) Σ x gᵀ = c' (φ − η/(B c') Σ x gᵀ)
        m_c *= decay;
        const double scale = eta / (B * m_c);
        for (int j = 0; j < B; ++j) {
            const double *x = online ? m_batchX.col(j).data() : m_instance.Xt.col(m_batchIdx[j]).data();
            const Eigen::Map<const Eigen::VectorXd> xj(x, m_d);
            for (int a = 0; a < m_k; ++a)
                m_phi.col(a) -= (scale * m_batchG(a, j)) * xj;
        }
        if (m_c < 1e-150) {
            m_phi *= m_c;
            m_c = 1.0;
        }
        ++m_step;
        ++m_result.steps;
    }
    return true;
}

void SeedSimulation::diverge(double t)
{
    m_result.status = Status::Diverged;
    m_result.stoppedAt = t;
    std::string advice;
    if (m_engine == SimEngine::Sgf) {
        if (m_config.tau() == 0.0)
            advice = "the Euler step is too large: raise time.steps or sim.substeps";
        else if (m_config.optimizer.tau)
            advice = "lower optimizer.tau or the time step (raise time.steps or sim.substeps)";
        else
            advice = "lower optimizer.learning_rate (tau = eta/B) or raise optimizer.batch_size, "
                     "or raise time.steps or sim.substeps";
    } else {
        advice = "lower optimizer.learning_rate or raise optimizer.batch_size";
    }
    m_result.message
        = std::string(displayName(m_engine)) + " diverged at t = " + formatTime(t) + " \u2014 " + advice;
}

void SeedSimulation::cancelled(double t)
{
    m_result.status = Status::Cancelled;
    m_result.stoppedAt = t;
    m_result.message = std::string(displayName(m_engine)) + " cancelled at t = " + formatTime(t);
}

void SeedSimulation::finish()
{
    const int N1 = gridPoints(), V = m_result.validPoints, k = m_k;
    m_result.Ctheta = Eigen::MatrixXd::Constant(N1 * k, N1 * k, kNaN);
    if (V > 0) {
        const Eigen::Ref<const Eigen::MatrixXd> H = m_result.thetaHistory.leftCols(V * k);
        m_result.Ctheta.topLeftCorner(V * k, V * k).noalias() = H.transpose() * H / m_d;
    }
    if (m_engine != SimEngine::Online) {
        m_result.Cg = Eigen::MatrixXd::Constant(N1 * k, N1 * k, kNaN);
        if (V > 0) {
            const Eigen::Ref<const Eigen::MatrixXd> H = m_result.gradientHistory.leftCols(V * k);
            m_result.Cg.topLeftCorner(V * k, V * k).noalias() = H.transpose() * H / m_n;
        }
    }
}

SeedResult &SeedSimulation::run(const std::atomic<bool> *cancel)
{
    if (init())
        while (step(cancel)) { }
    finish();
    return m_result;
}

} // namespace dmftlab
