// One seed of a finite-d simulation (theory §2), single-threaded, deterministic given the
// instance. The loop is split (init / step / finish) so that runSimulation can report
// progress, check cancel and stop at a shared limit between grid points.
//
// SGF (Euler–Maruyama, Δ = T/(N·substeps), τ = config.tau()):
//     θ ← (1 − Δλ) θ − Xᵀ W,   W_i = (Δ/α − √(τΔ/α) ξ_i) g_iᵀ,  ξ ~ N(0, I_n)
//   i.e. θ − Δ[λθ + (1/α)XᵀG] + √(τΔ/α) Xᵀ(ξ⊙G): two products with X per step,
//   taken in one pass over the single-precision copy of X (Instance::XtSingle).
// SGD (η, B): θ ← θ − η[(1/B) Σ_{batch} x_i g_iᵀ + (λ/d) θ], t = steps·η/d; grid time t_n is
//   reached after round(t_n d/η) steps. θ = c·φ with a scalar c carries the weight decay,
//   so a step costs O(B d k). Batches: a fresh permutation each epoch cut into consecutive
//   blocks of B (a block that runs past the end of an epoch continues in the next
//   permutation); or B indices drawn with replacement. Only with-replacement sampling has the
//   noise SGF (and the DMFT) model: random reshuffling cancels most of it within an epoch and
//   sits measurably closer to gradient flow (tests/test_simulation_sgd_sgf.cpp: at τ = 0.05 its
//   train loss is 5–6 SE below SGF's, with-replacement SGD within 0.7 SE).
// Online SGD: as SGD but every sample of every step is fresh; there is no training set.
//   Its train loss at t_n is the mean loss of the fresh samples of the steps in
//   (t_{n−1}, t_n], each evaluated at the θ the step saw (before its update); at t_0 and
//   after an interval with no step it is the loss of the next step's batch at θ(t_n).
//   No C_g (there is no fixed sample set).
//
// Taming (theory §5.6): when config.tamingEnabled(), every engine uses g̃ = g/(1 + Δ|g|)
// with the SGF step Δ = config.tamingStep(), so SGD and tamed SGF share their drift.
// The recorded C_g is built from the g (or g̃) the dynamics used.
//
// Recorded at every grid time t_n: train loss (1/n)Σℓ, test loss/error from
// PopulationEvaluator on (Q, M, ρ), Q = θᵀθ/d, M = θᵀθ*/d, θ_n and G_n; finish() forms
// C_θ(t_n,t_m) = θ_nᵀθ_m/d and C_g(t_n,t_m) = (1/n) G_nᵀG_m.
//
// Divergence: a non-finite train loss, Q or M, or max_a Q_aa > 1e6·max(1, q0) stops the
// seed with Status::Diverged; validPoints counts the grid points before the blow-up.
#pragma once

#include "config/config.h"
#include "observables/curves.h"
#include "observables/population.h"
#include "sim/instance.h"
#include "sim/random.h"
#include "sim/simulation.h"

#include <atomic>
#include <string>
#include <vector>

namespace dmftlab
{

/// A time for messages: three significant digits ("2.4", "0.125").
std::string formatTime(double t);

struct SeedResult {
    Status status = Status::Running; ///< Completed, Diverged or Cancelled once stopped
    std::string message; ///< one line, for Diverged/Cancelled
    double stoppedAt = 0.0; ///< time at which it diverged or was cancelled
    int validPoints = 0; ///< grid points recorded
    long long steps = 0; ///< optimiser steps taken

    // Per grid point n = 0..N (rows ≥ validPoints are NaN).
    Eigen::VectorXd trainLoss, testLoss, testError;
    Eigen::MatrixXd Q; ///< (N+1) × k², column a*k + b
    Eigen::MatrixXd M; ///< (N+1) × k k*, column a*k* + m

    Eigen::MatrixXd thetaHistory; ///< d × (N+1)k, columns n*k..n*k+k−1 hold θ(t_n)
    Eigen::MatrixXd gradientHistory; ///< n × (N+1)k, G(t_n) (empty for online SGD)

    /// After finish(): ((N+1)k)² kernels, entry (n*k + a, m*k + b); NaN where not recorded.
    Eigen::MatrixXd Ctheta, Cg;
};

class SeedSimulation
{
public:
    /// The instance and evaluator must outlive this object. `noisePairing` p (SGF): each
    /// Euler–Maruyama step draws p vectors of normals and uses their sum / √p, which are the
    /// Brownian increments of p consecutive steps of the run with time.steps × p steps and the
    /// same seed (common random numbers across time steps, sim/simtimestep.h).
    SeedSimulation(SimEngine engine, const RunConfig &config, const Instance &instance,
        const PopulationEvaluator &evaluator, int noisePairing = 1);

    /// Records t_0. Returns false if the run stopped already (e.g. a non-finite start).
    bool init();
    /// Advances to the next grid time and records it. Checks `cancel` every optimiser step.
    /// Returns false once stopped: completed (all N+1 points), diverged or cancelled.
    bool step(const std::atomic<bool> *cancel = nullptr);
    /// Computes the kernels from the recorded points; call once when done.
    void finish();
    /// init(), step() until stopped, finish().
    SeedResult &run(const std::atomic<bool> *cancel = nullptr);

    int pointsDone() const { return m_result.validPoints; }
    int gridPoints() const { return static_cast<int>(m_grid.size()); }
    double time() const { return m_result.validPoints > 0 ? m_grid[m_result.validPoints - 1] : 0.0; }
    bool stopped() const { return m_result.status != Status::Running; }
    const SeedResult &result() const { return m_result; }
    SeedResult &result() { return m_result; }

    /// Optimiser steps the whole horizon takes.
    long long totalSteps() const;

private:
    void computeForces(); // SGD: R = Xθ, G, train loss sum
    /// SGF: R = Xθ, G, the train loss sum and, in the same pass over X, the Euler step from this
    /// θ into m_thetaNext (m_stepAhead), which advanceSgf() then takes.
    void computeForcesAndStepAhead();
    /// One Euler–Maruyama sub-step δ = Δ / sim.substeps: θ ← decay θ − Xᵀ(G (drift − noise ξ)).
    struct SgfStep {
        double dt, drift, noise, decay;
    };
    SgfStep sgfStep() const;
    void record(int n, double trainLoss); // stores grid point n, checks divergence
    bool advanceSgf(const std::atomic<bool> *cancel);
    bool advanceSgd(const std::atomic<bool> *cancel, long long untilStep);
    void sgdUpdate(int batchSize); // uses m_batchR rows / m_batchG, columns m_batchCols
    void drawOnlineBatch(); // fresh samples into m_batchX, m_batchY
    void drawSgdBatch(); // indices into m_batchIdx
    double evaluateBatch(bool online); // r, g for the current batch at θ = cφ; returns Σℓ
    void diverge(double t);
    void cancelled(double t);
    bool isCancelled(const std::atomic<bool> *cancel) const
    {
        return cancel && cancel->load(std::memory_order_relaxed);
    }

    SimEngine m_engine;
    const RunConfig &m_config;
    const Instance &m_instance;
    const PopulationEvaluator &m_evaluator;
    Problem m_problem;
    std::vector<double> m_grid;
    SimRandom m_rng; // dynamics stream: ξ, batches, online samples
    SeedResult m_result;

    int m_d = 0, m_n = 0, m_k = 0, m_kStar = 0;
    double m_tamingStep = 0.0, m_qLimit = 0.0;

    // SGF
    Eigen::MatrixXd m_theta, m_R, m_G;
    Eigen::VectorXd m_xi, m_xiPart; // m_xiPart: one draw of a paired step's
    int m_noisePairing = 1;
    double m_lossSum = 0.0;
    Eigen::MatrixXd m_thetaNext; // θ after the step computed ahead
    bool m_stepAhead = false;

    // SGD / online: θ = c φ
    Eigen::MatrixXd m_phi;
    double m_c = 1.0;
    long long m_step = 0;
    std::vector<long long> m_gridSteps;
    std::vector<int> m_perm;
    std::size_t m_permPos = 0;
    std::vector<int> m_batchIdx;
    Eigen::MatrixXd m_batchX; // d × B (online)
    Eigen::VectorXd m_batchY;
    Eigen::MatrixXd m_batchR, m_batchG; // k × B
    bool m_batchPending = false; // online: m_batchX drawn, not yet used by a step
    double m_windowLoss = 0.0;
    long long m_windowSamples = 0;
};

} // namespace dmftlab
