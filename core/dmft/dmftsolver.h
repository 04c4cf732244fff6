// DMFT solver for stochastic gradient flow (theory §3–§5): the discrete scheme of §4,
// solved by damped fixed-point iteration with common random numbers.
//
// One iteration (DmftReplica::step), for the current (C_θ, M, R_θ):
//   1. factor the covariance of (z, w_0..w_N) — Cholesky with z first and a jitter of
//      1e-10·scale on the w diagonal, a continuous function of (C_θ, M) (§5.2) — and draw
//      every path from the same stored normals: (z, w) = L ξ;
//   2. r-process, all P paths at once per time step (Itô, left end points):
//        r_n = w_n − Σ_{m<n} R_θ(n,m) dG_m,  dG_m = (1/α) g̃(r_m; y) (Δ − √(τα) ΔB_m);
//   3. tangents on the first P_J paths, vectorised over paths per column m:
//        J_nm = −Σ_{l=m}^{n−1} R_θ(n,l) A_l J_lm,  A_l = (1/α) H̃(r_l; y)(Δ − √(τα) ΔB_l),
//      K(n,m) = E[H̃_n J_nm] (m < n), K(n,n) = E[H̃_n] over all P paths;
//      for a ReLU student K comes instead from Stein's identity (steinKernel(), §5.4);
//   4. C_u(n,m) = α E[dG_n dG_mᵀ] (a Gram matrix, so C_θ stays PSD jointly with M);
//      μ_n = (E[g_n zᵀ] − Σ_{m≤n} K_nm M(m)) ρ⁻¹ (Stein, §5.3);
//   5. the exact θ-process (thetaprocess.h) gives (R_θ, M, C_θ)_new;
//   6. residual = max of the largest changes of C_θ, M, R_θ relative to their scales, then
//      X ← (1 − β) X + β X_new (β = dmft.damping).
// g̃, H̃ are the tamed gradient and its Jacobian when config.tamingEnabled() (§5.6), with
// the step config.tamingStep() — identical to the simulation.
//
// The default start (dmft.warm_start = march, DmftReplica::march) finds each replica's fixed
// point of this iteration in one pass forward in time (the map is causal), and one iteration
// of the first replica checks it; the other starts iterate as described here.
//
// DmftSolver runs R = dmft.replicas independent replicas (path sets with seeds derived
// from dmft.seed) in lock step, in parallel over resolvedThreads(sim.threads) threads
// (paths are split across threads inside a replica when R < threads), and reports
// mean ± SE across replicas of every output. The configuration is RunConfig::dmft
// (config.h documents the defaults: P = 10000, P_J = 1000, R = 4, β = 0.5, tolerance 1e-4,
// 100 iterations, warm start "ode"). Status: Running → Converged | MaxIterations |
// Diverged | Cancelled | InvalidInput | NumericalFailure, with a one-line message.
// NumericalFailure: a state without a PSD covariance, an ill-conditioned Stein solve (ReLU),
// or a non-finite value in the finished curves — never reported as converged.
//
// Monte-Carlo error (§5.7), found while validating against the simulations:
//  * moment matching: the stored normals of each replica (ξ, ε, ΔB) are centred and
//    whitened over the P paths. Sampling error of second moments (E[y z], E[w wᵀ]) was the
//    dominant error; this cut the replica SE of Q(T) for linear regression at the
//    defaults from 0.77 % to 0.10 % (bias O(1/P));
//  * the train loss of the paths that built the fixed point carries an O(1/P)
//    self-interaction bias (each path's own g is in C_u, hence in its own w): committee,
//    P = 4000, t = 6: 0.00804 ± 0.00012 against SGF 0.00755 ± 0.00011. run() therefore
//    reports the train loss of P fresh paths per replica drawn from the final state
//    (0.00759 ± 0.00004). Progress snapshots show the in-sample value.
#pragma once

#include "config/config.h"
#include "dmft/coupling.h"
#include "dmft/linearmoments.h"
#include "dmft/mixing.h"
#include "engine/engine.h"
#include "engine/reducer.h"
#include "observables/population.h"

#include <Eigen/Dense>
#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dmftlab
{

/// Bytes the DMFT needs at these sizes (all replicas are held at once), per process when the
/// paths are split over `ranks` processes (each holds ⌈P/ranks⌉ paths of every replica).
double dmftMemoryBytes(const RunConfig &config, int ranks = 1);
/// Whether the DMFT of `config` solves tangent paths (dmft.tangent_paths): not with Stein's
/// kernel (a ReLU student) nor where K is the tangents' exact mean (a constant H̃).
bool dmftUsesTangentPaths(const RunConfig &config);
constexpr double kDmftMemoryLimit = 4.0 * 1024 * 1024 * 1024;
/// Empty when the DMFT can run this config (split over `ranks` processes); otherwise a
/// one-line reason.
std::string checkDmft(const RunConfig &config, int ranks = 1);

/// Wall time spent in the phases of an iteration (seconds, summed over iterations).
struct DmftTimings {
    double factor = 0.0, paths = 0.0, tangents = 0.0, theta = 0.0;
    /// Of `paths`, the model's per-step work: the loss and its derivatives at every path and
    /// step, and storing them (dG and H̃; A too without the tiles). Measured only under
    /// setModelTiming (0 otherwise): what is left of `paths` is its kernels (L ξ, the memory
    /// term, C_u's Gram matrix, E[g zᵀ]).
    double pathsModel = 0.0;
    DmftTimings &operator+=(const DmftTimings &o)
    {
        factor += o.factor;
        paths += o.paths;
        pathsModel += o.pathsModel;
        tangents += o.tangents;
        theta += o.theta;
        return *this;
    }
};

class DmftReplica
{
public:
    /// IllConditioned: the Stein estimator of K (ReLU) met a w_t almost determined by its
    /// past (see steinKernel()); the step's outputs must not be used.
    /// NotPositiveSemidefinite: the next state's covariance of (z, w) has no factor even
    /// after falling back from an accelerated to the damped step; the state must not be used.
    enum class StepResult { Ok, Cancelled, Diverged, IllConditioned, NotPositiveSemidefinite };

    /// `momentMatching`: centre and whiten the stored normals (default; see the .cpp).
    /// Draws and stores the path normals. When `cancel` is raised meanwhile it returns early
    /// and the replica must not be used.
    /// `reducer` (null: one process) splits the P paths (and P_J tangent paths) over
    /// processes: this one keeps the contiguous range reducer->partition().range(P) of the
    /// global path index, and every path sum is added across processes (engine/reducer.h).
    /// Each path's normals come from its own stream, seeded by (seed, global path index), so
    /// the paths do not depend on the split.
    /// `coupling` (dmft/coupling.h): the normals are those a replica of the finer solve draws
    /// from the same seed (whitened as it whitens them), mapped by coupling->T — common random
    /// numbers across time steps. `fineWhitening`: that replica's whitening of those normals
    /// (whitening()), applied instead of computed again; the result is the same bit for bit.
    DmftReplica(const RunConfig &config, std::uint64_t seed, int threads, bool momentMatching = true,
        const std::atomic<bool> *cancel = nullptr, Reducer *reducer = nullptr,
        const NormalsCoupling *coupling = nullptr, const Whitening *fineWhitening = nullptr);

    /// State (time-major blocks of k rows): C_θ (D×D), M (D×k*), R_θ (D×D strictly lower),
    /// with D = (N+1)k.
    void setState(const Eigen::MatrixXd &C, const Eigen::MatrixXd &M, const Eigen::MatrixXd &R);
    /// The no-learning guess: C_θ(n,n') = Q_0, M = M_0, R_θ(n,m) = e^{−λ(n−m)Δ}.
    void setNoLearningState();

    /// One iteration. The state it leaves (the next iterate, published through C(), M(), R())
    /// is always checked: its covariance of (z, w) is factored before step() returns, falling
    /// back from an accelerated to the damped step when that fails (issue 8: an unchecked last
    /// Anderson step once published a C_θ with a negative eigenvalue as "converged").
    StepResult step(const std::atomic<bool> *cancel);

    /// The replica's own fixed point in one pass forward in time (dmft.warm_start = march).
    /// The sampled map is causal: C_θ, M, R_θ at t_{n+1} come from the kernels at t_0..t_n,
    /// which come from the paths at t_0..t_n, which need the state at t_0..t_n only. So the
    /// fixed point of step() (same stored normals) is found by forward substitution: at each
    /// n, extend the factor of Cov(z, w) by the rows of w_n, draw w_n and r_n for all paths,
    /// add row n of C_u, E[g zᵀ], K (E[H̃_n J_nm] for every m < n from the adjoint of the
    /// tangents' recursion, backwards in m) and μ, then advance the θ-process to t_{n+1}. It leaves that
    /// state (and its kernels) published, unfactored; a step() from it changes it only by
    /// rounding (both factor with the same jitter, unless step() has to escalate it).
    /// With the Stein kernel (usesSteinKernel()) row n of K is steinKernel()'s, from the
    /// paths up to t_n. Not for a fresh-path replica. `onStep(n)` is called before each t_n
    /// (progress). Diverged, IllConditioned (Stein), NotPositiveSemidefinite (no factor at some
    /// t_n even with a jitter of 1e-5 Q) and Cancelled leave the state unusable.
    StepResult march(const std::atomic<bool> *cancel, const std::function<void(int)> &onStep = {});
    /// What march() sets (state, kernels, train loss, residual), taken from a replica that has
    /// marched: for exact second moments (usesExactMoments), where the march reads no paths and
    /// every replica's march is the same computation (DmftSolver marches one of them).
    void adoptMarch(const DmftReplica &marched);

    /// Frees the paths (normals, labels, kept path arrays) of a replica that has marched to its
    /// fixed point and will not iterate: the next replica built on the same worker then reuses
    /// that memory instead of faulting in fresh pages (about 40 MB per committee replica; page
    /// faults were ~9 % of the committee's DMFT CPU). State and kernels stay; step() and march()
    /// must not be called afterwards (std::logic_error).
    void releasePaths();
    bool pathsReleased() const { return m_pathsReleased; }

    double residual() const { return m_residual; }
    /// Contraction rate κ of the iteration, the geometric mean of the last (up to 5) ratios of
    /// successive residuals, clamped to [0.5, 0.95]; 0.95 until there are two residuals.
    double contraction() const;
    const Eigen::MatrixXd &C() const { return m_C; }
    const Eigen::MatrixXd &M() const { return m_M; }
    const Eigen::MatrixXd &R() const { return m_R; }
    const Eigen::MatrixXd &K() const { return m_K; }
    const Eigen::MatrixXd &Cu() const { return m_Cu; }
    const Eigen::MatrixXd &mu() const { return m_mu; }
    /// R_θ, C_θ, M the last step's paths were drawn with (before damping).
    const Eigen::MatrixXd &Rdrawn() const { return m_Rdrawn; }
    const Eigen::MatrixXd &Cdrawn() const { return m_Cdrawn; }
    const Eigen::MatrixXd &Mdrawn() const { return m_Mdrawn; }
    /// The current state (C_θ, M, R_θ, each column-major) as one vector, and the state the
    /// last step's paths were drawn from in the same layout: their difference is the last
    /// step's change of the published iterate.
    Eigen::VectorXd state() const { return stateVector(m_C, m_M, m_R); }
    Eigen::VectorXd drawnState() const { return stateVector(m_Cdrawn, m_Mdrawn, m_Rdrawn); }
    const Eigen::VectorXd &trainLoss() const { return m_trainLoss; }
    const DmftTimings &timings() const { return m_timings; }
    /// Grid index from which the last diverged step went non-finite or exploded.
    int divergenceIndex() const { return m_divergenceIndex; }
    const FixedPointMixer &mixer() const { return m_mixer; }
    /// Accelerated steps replaced by the damped step because they left the PSD cone.
    int psdFallbacks() const { return m_psdFallbacks; }
    /// Train loss E ℓ(r_n; y) of the step before the last (in-sample): with trainLoss() the
    /// change per iteration that the truncation error estimate uses.
    const Eigen::VectorXd &previousTrainLoss() const { return m_previousTrainLoss; }
    /// Q(n), M(n) blocks of the iterate before the last published one (time-major, like M()).
    const Eigen::MatrixXd &previousQ() const { return m_previousQ; }
    const Eigen::MatrixXd &previousM() const { return m_previousM; }
    /// Whether the stored normals were centred and whitened (P ≥ 4 × normals per path).
    bool momentMatched() const { return m_momentMatched; }
    /// The whitening this replica computed for its normals (null when not moment-matched or when
    /// it applied a finer solve's): what a coupled coarser replica applies (dmft/coupling.h).
    const std::shared_ptr<const Whitening> &whitening() const { return m_whitening; }

    /// Stein consistency (§5.3) on the last step's paths and the state they were drawn
    /// from: E[g_n w_n'ᵀ] − (Σ_{m≤n} K_nm C_θ(m,n') + μ_n M(n')ᵀ), D×D. Zero in expectation.
    /// Empty unless the replica kept its paths (setKeepPaths) and has stepped.
    Eigen::MatrixXd steinMismatch() const;
    /// Keep every path's w, g, dG and r of the last step (4 P × D arrays) for steinMismatch(),
    /// pathPreactivations() and the Stein kernel (on whenever that is used). Off by default:
    /// a step then holds them for one block of paths at a time. From the next step() on.
    void setKeepPaths(bool on) { m_keepPathsAsked = on; }
    bool keepsPaths() const { return m_keepPathsAsked || (m_steinKernel && !m_pathsOnly); }

    /// The memory kernel K (D×D, block lower triangular) from Stein's identity (§5.3–5.4) on
    /// the last step's P paths, with no derivative of g: for each row block n,
    ///   E[g_n vᵀ] = [μ_n, K_n0 … K_nn] Σ_{≤n},  v = (z, w_0..w_n),  Σ_{≤n} = Cov(v),
    /// the square system on n' ≤ n (causality: K_nm = 0 for m > n). Σ is the factored
    /// covariance the paths were drawn from, v = L ξ with L lower triangular (z first, then
    /// time order), so Σ_{≤n} = L_{≤n} L_{≤n}ᵀ and the solution is
    ///   [μ_n, K_n,≤n] = E[g_n ξ_{≤n}ᵀ] L_{≤n}⁻¹  —  causally truncated E[g ξᵀ] times L⁻¹,
    /// one triangular solve. With z first in L this is the identity with μ_n eliminated,
    /// E[g_n w_n'ᵀ] − E[g_n zᵀ] ρ⁻¹ M(n')ᵀ = Σ_{m≤n} K_nm Ĉ(m,n'), Ĉ = C_θ − M ρ⁻¹ Mᵀ, and μ_n
    /// from the solver's formula equals the z part. It includes the Dirac part of σ'' that the
    /// pathwise H̃ misses; on smooth σ both estimates agree within Monte-Carlo error.
    /// Each K_nm divides by the innovation sd of w_m given (z, w_<m) (L's diagonal): see
    /// steinConditioning(). Empty unless the paths were kept (keepsPaths()).
    Eigen::MatrixXd steinKernel() const;
    /// Smallest innovation variance of w_n given (z, w_<n) (n ≥ 1), relative to the largest
    /// diagonal entry of C_θ, in the last Stein step's factor; K's noise grows like its −½
    /// power. Below 1e-6 the step stops (IllConditioned → InvalidInput with a message).
    double steinConditioning() const { return m_steinConditioning; }
    /// Estimate K by steinKernel() instead of tangents (always on for a ReLU student; it
    /// keeps the paths).
    void setSteinKernel(bool on) { m_steinKernel = on; }
    bool usesSteinKernel() const { return m_steinKernel; }
    /// K as the exact mean of the tangents instead of their average over the P_J tangent
    /// paths. When H̃_n is one constant matrix H̄ on every path (square loss, linear student,
    /// no taming: meanKernelByDefault), a path's tangent recursion
    ///   J_nm = −Σ_{l=m}^{n−1} R_θ(n,l) A_l J_lm,  A_l = s_l H̄ / α,
    /// is random only through s_l = Δ − √(τα) ΔB_l, and s_l is independent of J_lm (which
    /// depends on the increments before t_l). So E[A_l J_lm] = (Δ H̄ / α) E[J_lm]: the means
    /// J̄ follow the same recursion with s_l replaced by Δ, and K_nm = E[H̃_n J_nm] = H̄ J̄_nm,
    /// K_nn = H̄, exactly, with no Monte-Carlo error and O(N³k³) work once instead of P_J
    /// times. (At τ = 0 every path's J is J̄.) On by default where it applies; Stein's
    /// estimator (setSteinKernel) takes precedence. Off: the tangents, to check them.
    void setMeanKernel(bool on) { m_meanKernel = on; }
    bool usesMeanKernel() const { return m_meanKernel || m_exactMoments; }
    /// For k ≤ 3, the per-path tangents (of an iteration and of the march's adjoint) and the
    /// r-process's memory of earlier time blocks in register tiles of 16 paths (on, the default),
    /// or as the blocked GEMMs and matrix–vector products every k can use (off): a check of the
    /// one against the other (they agree to rounding).
    void setTiledKernels(bool on) { m_tiledKernels = on; }
    /// Whether the register-tiled kernels run (k ≤ 3 and setTiledKernels on): the r-process's
    /// memory term, the tangents and the march's adjoint; H̃ and s / α are then stored in the
    /// tangents' tile layout (A = (s / α) H̃ formed as the tangents read them).
    bool usesTiledKernels() const { return m_k <= 3 && m_tiledKernels; }
    /// Times the model's per-step work inside the path passes (DmftTimings::pathsModel; two
    /// clock reads per step and block of paths, so off by default): for the benchmark.
    void setModelTiming(bool on) { m_modelTiming = on; }
    /// A linear student on the square loss (dmft/linearmoments.h, closesOnSecondMoments: no
    /// taming; real labels, or sign labels of a linear teacher): the train loss, C_u, E[g zᵀ] and K of each
    /// iteration from their exact second moments instead of the paths, with no Monte-Carlo
    /// error (the replicas then agree to rounding). On by default there; off: the paths, to
    /// check them. The fresh paths (laws) still draw paths.
    void setExactMoments(bool on) { m_exactMoments = on && m_moments; }
    bool usesExactMoments() const { return m_exactMoments; }

    /// A replica with P fresh paths (independent normals from `seed`) drawn from the current
    /// state, stepped once without kernels; null when cancelled or when the step failed. Its
    /// trainLoss() is free of the O(1/P) self-interaction of the paths that built the state
    /// (see DmftSolver). `keepPaths`: it keeps r for its pathPreactivations() (not w, g, dG:
    /// 3 × 8 P D bytes and their first touch less). `coupling`,
    /// `fineWhitening`: as in the constructor.
    std::unique_ptr<DmftReplica> freshPaths(const RunConfig &config, std::uint64_t seed,
        const std::atomic<bool> *cancel, bool keepPaths = false, const NormalsCoupling *coupling = nullptr,
        const Whitening *fineWhitening = nullptr) const;
    /// r_n (P×k) of the last step's paths: w_n − Σ_{m<n} R_θ(n,m) dG_m with the R_θ they
    /// were drawn with (the r-process at grid index n). Empty unless the paths were kept.
    Eigen::MatrixXd pathPreactivations(int n) const;
    /// The paths' labels y = y(z, ε) (one per row of pathPreactivations; fixed across iterations).
    const Eigen::VectorXd &labels() const { return m_y; }

private:
    /// The r-process of paths [p0, p1): writes their rows of the path arrays (m_W, m_G, m_dG,
    /// and m_Hs, m_As for the tangent paths among them) and adds their sums into the arguments.
    /// Threads call it on disjoint ranges, so it is not const: it fills this step's paths.
    /// With setModelTiming, adds the seconds of the model's per-step work into *modelSeconds.
    void forwardChunk(int p0, int p1, const std::atomic<bool> *cancel, Eigen::VectorXd &loss,
        Eigen::MatrixXd &Hsum, Eigen::MatrixXd &CuSum, Eigen::MatrixXd &gzSum,
        double *modelSeconds = nullptr);
    /// Tangents of paths [q0, q1) from the path arrays forwardChunk filled; adds into `Ksum`.
    void tangentChunk(int q0, int q1, const std::atomic<bool> *cancel, Eigen::MatrixXd &Ksum) const;
    /// Draws and stores the normals of every path (the constructor's coupling and whitening);
    /// false when cancelled meanwhile (the replica is then unusable).
    bool drawPaths(std::uint64_t seed, const std::atomic<bool> *cancel);
    /// drawPaths() unless done: the exact kernels of closesOnSecondMoments() need no paths.
    bool ensurePaths(const std::atomic<bool> *cancel);
    /// The arrays forwardChunk writes H̃ (and, without the tiles, A) of the tangent paths into, in
    /// the layout the tangents will read (tiles or path rows), allocated on first use; the tiles'
    /// s / α filled from m_S then. Call after ensurePaths().
    void ensureTangentStorage();
    /// Full-batch GD (τ = 0): s_n / α = Δ / α (sOverAlpha()) at every path and step, so neither the
    /// Brownian increments nor m_S nor m_STiles are drawn or stored (SPOC workload: 16 MB fewer
    /// first touches, and reads per iteration).
    bool constantS() const;
    double sOverAlpha() const { return m_dt / m_alpha; }
    /// dst = src with row i scaled by s_n / α of path p0 + i (dG = (s / α) g, A = (s / α) H̃).
    template <class Dst, class Src>
    void timesSOverAlpha(Dst &&dst, const Src &src, int n, Eigen::Index p0) const;
    /// Whether forwardChunk keeps H̃ (and the tangent paths' H̃, A): the tangents need them
    /// (E[H̃_n] is K's diagonal); the Stein estimator of K and the fresh-path train loss do not.
    bool needsTangentInputs() const { return !m_pathsOnly && !m_steinKernel && !m_meanKernel; }
    /// Row block n of K by the mean recursion (setMeanKernel): fills row block n of `Jbar`
    /// (J̄_nm for m ≤ n, from its rows < n) and returns [K_n0 … K_nn] (k × (n+1)k).
    Eigen::MatrixXd meanKernelRow(int n, const Eigen::MatrixXd &R, Eigen::MatrixXd &Jbar) const;
    /// The second-moment kernels (setExactMoments) from the drawn state: C_u, E[g zᵀ],
    /// K and the train loss; exactRow() writes row block n of the first three.
    void exactKernels(Eigen::MatrixXd &Cu, Eigen::MatrixXd &gz, Eigen::MatrixXd &K);
    void exactRow(int n, const Eigen::MatrixXd &R, Eigen::MatrixXd &Cu, Eigen::MatrixXd &gz,
        Eigen::MatrixXd &K, Eigen::MatrixXd &Jbar) const;
    /// Adds each (data, size) array across processes, in one reduction.
    void sumAcrossProcesses(std::initializer_list<std::pair<double *, Eigen::Index>> parts) const;
    /// Whether m_W, m_G, m_dG hold every path of the last step (else they are empty).
    bool holdsAllPaths() const { return m_W.rows() == m_localP && m_W.cols() == m_D; }
    /// m_Rpre is kept with the other path arrays, or alone for the laws of fresh paths.
    bool keepsPreactivations() const { return keepsPaths() || m_keepPreactivations; }
    bool holdsPreactivations() const { return m_Rpre.rows() == m_localP && m_Rpre.cols() == m_D; }
    /// Factors Cov(z, w) of the current state into `L`; false when it is not PSD.
    bool factorCovariance(Eigen::MatrixXd &L) const;
    static Eigen::VectorXd stateVector(
        const Eigen::MatrixXd &C, const Eigen::MatrixXd &M, const Eigen::MatrixXd &R);
    void setStateVector(const Eigen::VectorXd &v);

    // sizes and parameters
    // m_P: paths of the replica (all processes); m_localP: this process's share, rows of the
    // path arrays; m_PJ: this process's tangent paths (the first m_PJ rows) of m_globalPJ.
    int m_N, m_k, m_ks, m_P, m_PJ, m_D, m_threads;
    int m_globalPJ, m_localP = 0;
    double m_dt, m_alpha, m_tamingStep, m_tau;
    FixedPointMixer m_mixer; // damping, Anderson-accelerated (theory §4, fixed point)
    Problem m_problem;
    Eigen::MatrixXd m_Q0, m_M0, m_rho, m_rhoInv;

    // common random numbers, fixed across iterations
    // Path-major: row p = path p.
    Eigen::MatrixXd m_xi; // P × (k* + D) standard normals for (z, w)
    Eigen::MatrixXd m_S; // P × (N+1): s_n / α, s_n = Δ − √(τα) ΔB_n; empty where constantS()
    Eigen::VectorXd m_y; // P labels
    Eigen::MatrixXd m_Z; // P × k* teacher pre-activations

    // per-iteration path data: the last step's paths, written by forwardChunk (each thread
    // its own rows) and read by tangentChunk, steinKernel, steinMismatch, pathPreactivations
    Eigen::MatrixXd m_L; // factor of Cov(z, w) the last paths were drawn with
    Eigen::MatrixXd m_Lnext; // factor of the current state's Cov(z, w), when m_factoredNext
    bool m_factoredNext = false;
    int m_psdFallbacks = 0;
    Eigen::MatrixXd m_W, m_G, m_dG, m_Rpre; // P × D; m_Rpre: r of every path and time
    Eigen::MatrixXd m_Hs, m_As; // P_J × (N+1)k²: H̃_n and A_n (column-major k×k)
    // H̃ and s / α for the tiled tangents (usesTiledKernels(); they form A from them), in
    // tangentChunk's tiles of kPathTile paths: column t is tile t, entry (n k² + e) × kPathTile +
    // lane of m_HsTiles, n × kPathTile + lane of m_STiles; lanes past a chunk's last path stay
    // 0. m_tileOffset[q]: where tangent path q's lane starts in m_HsTiles. m_STiles, the same in
    // every iteration, is filled from m_S by ensureTangentStorage when it lays the tiles out
    // (empty where constantS()).
    Eigen::MatrixXd m_HsTiles, m_STiles;
    std::vector<Eigen::Index> m_tileOffset;

    // state and last outputs
    Eigen::MatrixXd m_C, m_M, m_R;
    Eigen::MatrixXd m_Cdrawn, m_Mdrawn, m_Rdrawn; // state the last paths were drawn from
    Eigen::MatrixXd m_K, m_Cu, m_mu, m_gz;
    Eigen::VectorXd m_trainLoss, m_previousTrainLoss;
    Eigen::MatrixXd m_previousQ, m_previousM;
    double m_residual = 1.0;
    std::vector<double> m_residualHistory;
    int m_divergenceIndex = -1;
    bool m_momentMatched = false;
    std::shared_ptr<const Whitening> m_whitening; // whitening()
    bool m_pathsOnly = false;
    bool m_keepPathsAsked = false; // setKeepPaths (the Stein kernel keeps them anyway)
    bool m_keepPreactivations = false; // freshPaths(keepPaths): m_Rpre alone
    bool m_steinKernel = false;
    bool m_meanKernel = false;
    bool m_tiledKernels = true;
    bool m_modelTiming = false;
    bool m_exactMoments = false;
    // what drawPaths() needs, kept from the constructor until the normals are drawn
    std::vector<std::int64_t> m_globalIndex; // this process's rows: their global path index
    std::uint64_t m_seed = 0;
    bool m_momentMatching = true, m_pathsDrawn = false;
    const NormalsCoupling *m_coupling = nullptr;
    const Whitening *m_fineWhitening = nullptr;
    std::unique_ptr<LinearMoments> m_moments; // closesOnSecondMoments() (setExactMoments)
    Eigen::MatrixXd m_Hbar; // the constant H̃ when m_meanKernel applies (k × k)
    bool m_pathsReleased = false; // releasePaths()
    double m_steinConditioning = 0.0;
    DmftTimings m_timings;
    Reducer *m_reducer;
};

class DmftSolver
{
public:
    explicit DmftSolver(const RunConfig &config);

    /// Plain Monte-Carlo normals instead of moment-matched ones (checks of estimators whose
    /// standard error must be the replica spread alone). Call before init().
    void setMomentMatching(bool on) { m_momentMatching = on; }
    /// K from Stein's identity (on) or from tangents (off) whatever the activation, instead
    /// of the default (Stein for a ReLU student only, which checkDmft() admits for k = 1,
    /// τ > 0, q0 > m0²): checks of the estimator on smooth activations, and of the tangents'
    /// bias on ReLU. Call before init().
    void setSteinKernel(bool on) { m_steinKernel = on; }
    /// K as the exact mean of the tangents (on, where H̃ is constant: the default there) or
    /// from the tangent paths (off): checks of the tangents. Call before init().
    void setMeanKernel(bool on) { m_meanKernel = on; }
    /// DmftReplica::setTiledKernels for every replica and the pilot. Call before init().
    void setTiledKernels(bool on) { m_tiledKernels = on; }
    /// DmftReplica::setModelTiming for every replica and the pilot. Call before init().
    void setModelTiming(bool on) { m_modelTiming = on; }
    /// The exact second-moment kernels (DmftReplica::setExactMoments; on by default
    /// where it applies) or the paths (off). Call before init().
    void setExactMoments(bool on) { m_exactMoments = on; }
    /// The replicas keep their last step's paths (DmftReplica::setKeepPaths), for
    /// steinMismatch() and pathPreactivations(). Call before init().
    void setKeepPaths(bool on) { m_keepPaths = on; }
    /// Splits every replica's paths over the processes of `reducer` (engine/reducer.h); the
    /// replicas then run one after the other, each on all threads, so that the reductions
    /// come from one thread in the same order on every process. Call before init().
    void setReducer(Reducer &reducer) { m_reducer = &reducer; }
    const Reducer &reducer() const { return *m_reducer; }
    /// dmft.warm_start = march: before the replicas, march one replica with P/4 paths and show
    /// it through run()'s progress (a complete picture without error bars, after ~1/30 of the
    /// solve). On by default; only with a progress callback, P/4 ≥ kMinPilotPaths, one process.
    void setFirstPicture(bool on) { m_firstPicture = on; }
    /// The replicas and their fresh paths draw their normals coupled to a finer solve with the
    /// same dmft.seed (dmft/coupling.h; the pilot's and the first picture's are not). Call
    /// before init().
    void setCoupling(std::shared_ptr<const NormalsCoupling> coupling) { m_coupling = std::move(coupling); }

    /// Builds the starting state (ODE warm start or no-learning guess) and then either the
    /// pilot (dmft.warm_start = pilot, see pilotActive()) or the replicas.
    Status init(const std::atomic<bool> *cancel = nullptr);
    /// One damped fixed-point iteration of the pilot while it runs, else of every
    /// unconverged replica. Returns Running while more iterations are needed, else the final
    /// status.
    Status step(const std::atomic<bool> *cancel = nullptr);
    /// init() then step() until done; progress after every iteration.
    EngineResult run(const ProgressCallback &progress = {}, const std::atomic<bool> *cancel = nullptr);

    /// Progressive solve (dmft.warm_start = pilot, the default): one replica with a quarter of
    /// the paths and tangent paths is iterated to the tolerance first, from the ODE warm
    /// start; its fixed point (a complete, coarse picture: snapshot() shows it meanwhile,
    /// without error bars) then starts every replica, which needs only the few iterations
    /// that take it from the pilot's Monte-Carlo sample to its own. The replicas' fixed points
    /// do not depend on where they start (beyond the tolerance), so neither do the results.
    /// A pilot that fails (diverges, leaves the PSD cone) or would be too small to
    /// moment-match (P/4 < kMinPilotPaths) is skipped: the replicas start from the warm start.
    bool pilotActive() const { return m_pilot != nullptr; }
    int pilotIterations() const { return m_pilotIterations; }
    static constexpr int kMinPilotPaths = 500;

    Status status() const { return m_status; }
    const std::string &message() const { return m_message; }
    int iterations() const { return m_iterations; }
    double residual() const { return m_residuals.empty() ? 1.0 : m_residuals.back(); }
    const std::vector<double> &residuals() const { return m_residuals; }
    int replicaCount() const { return static_cast<int>(m_replicas.size()); }
    const DmftReplica &replica(int r) const { return *m_replicas[r]; }
    DmftTimings timings() const;
    std::string warmStartUsed() const { return m_warmStartUsed; }

    /// Curves (mean ± SE across replicas) of the current iterate, with kernels.
    std::shared_ptr<const Curves> snapshot() const;
    /// Each replica's curves alone (means; no SE, no kernels), as snapshot() averages them:
    /// for combining coupled solves replica by replica (dmft/timestep.h).
    std::vector<Curves> replicaCurves() const;
    /// The whitenings of the replicas' and their fresh paths' normals (DmftReplica::whitening),
    /// for coupling coarser solves to this one (dmft/coupling.h).
    FineWhitenings whitenings() const;
    json extra() const;
    /// Replaces the train loss of the paths that built the fixed point by that of P fresh
    /// paths per replica (run() does this once the iteration has stopped).
    void evaluateFreshTrainLoss(const std::atomic<bool> *cancel = nullptr);
    /// Called with each replica's fresh paths once they are drawn (evaluateFreshTrainLoss),
    /// from the replica workers: calls for distinct replicas may run concurrently. The
    /// engine's laws of r come from these paths (dmft/dmftlaws.h).
    void setFreshPathObserver(std::function<void(int replica, const DmftReplica &fresh)> f)
    {
        m_freshObserver = std::move(f);
    }

private:
    void applyEstimators(DmftReplica &replica) const;
    std::uint64_t replicaSeed(int r) const;
    /// Q(n) blocks and M(n) rows of a state, flattened as the curves index them
    /// (q[(a k + b)(N+1) + n], mm[(a k* + m)(N+1) + n]), with the population loss and error.
    void overlaps(const Eigen::MatrixXd &Qblocks, const Eigen::MatrixXd &Mrows, Eigen::ArrayXd &q,
        Eigen::ArrayXd &mm, Eigen::ArrayXd &tr, Eigen::ArrayXd &te) const;
    /// The train loss a replica reports: its fresh paths' once evaluated, else its own.
    const Eigen::VectorXd &trainLossOf(std::size_t index, const DmftReplica &rep) const;
    /// Paths of the pilot solve: a quarter of dmft.paths.
    int pilotPaths() const { return m_config.dmft.paths / 4; }
    /// Builds the R replicas from the starting state (m_start*, when set).
    Status createReplicas(const std::atomic<bool> *cancel);
    /// The status and message of a failed replica step (nullopt when `result` is Ok).
    std::optional<Status> failure(DmftReplica::StepResult result, const DmftReplica &replica, int index);
    /// The pilot's iteration: when it converges, stalls at the cap or fails, the replicas are
    /// built from its last iterate (or from the warm start when it failed).
    Status stepPilot(const std::atomic<bool> *cancel);
    /// Replicas the statistics are taken over: the pilot alone while it runs.
    std::vector<const DmftReplica *> current() const;
    /// The noise stop: the replicas are as close to their fixed points as the Monte-Carlo
    /// error makes worth it (dmft.noise_fraction f > 0, R ≥ 2, every replica stepped) when for
    /// every entry e of the state (C_θ, M, R_θ) the truncation error estimate of the replicas'
    /// mean, mean_r |last change_r,e| κ_r/(1 − κ_r), is at most f × the SE of that mean (spread
    /// over replicas / √R) + dmft.tolerance × the entry's scale (that of the residual), i.e.
    /// when this largest ratio of the two sides (0 / 0 counts as 0) is ≤ 1. Infinite when the
    /// rule does not apply (f = 0, R < 2, a replica not stepped yet).
    double noiseStopRatio() const;
    /// Whether the noise stop can apply at all: dmft.noise_fraction > 0 and R ≥ 2.
    bool noiseStopApplies() const { return m_config.dmft.noiseFraction > 0.0 && replicaCount() >= 2; }
    /// "; Anderson mixing stalled in …" when a replica's safeguard switched it off, else empty.
    std::string mixingNote() const;
    /// "; started from a pilot solve …" when a pilot ran, "; each replica marched …" after
    /// marching, else empty.
    std::string pilotNote() const;
    /// "while marching forward in time" or "at iteration n", for failure messages.
    std::string stage() const;
    /// With marching and a progress callback (run()): one replica with P/4 paths (the pilot's
    /// seed) marches first and its curves are reported at once, without error bars.
    void marchFirstPicture(const std::atomic<bool> *cancel);

    RunConfig m_config;
    PopulationEvaluator m_population;
    std::vector<std::unique_ptr<DmftReplica>> m_replicas;
    std::unique_ptr<DmftReplica> m_pilot;
    int m_pilotIterations = 0;
    std::string m_pilotOutcome; // for extra() and the message: "converged", "failed: …"
    DmftTimings m_pilotTimings;
    Eigen::MatrixXd m_startC, m_startM, m_startR; // starting state of the replicas (empty: none)
    std::vector<char> m_converged;
    std::vector<double> m_residuals;
    std::vector<double> m_noiseRatios; // noiseStopRatio() per iteration (f > 0, R ≥ 2 only)
    std::vector<Eigen::VectorXd> m_freshTrainLoss;
    std::vector<std::shared_ptr<const Whitening>> m_freshWhitening; // per replica's fresh paths
    std::function<void(int, const DmftReplica &)> m_freshObserver;
    int m_iterations = 0;
    Status m_status = Status::Running;
    std::string m_message;
    std::string m_warmStartUsed;
    int m_workers = 1, m_threadsPerReplica = 1;
    bool m_momentMatching = true;
    bool m_keepPaths = false;
    bool m_marched = false; // the replicas marched (dmft.warm_start = march) and did not fail
    int m_marchFallbacks = 0; // replicas whose march found no factor and that iterate instead
    /// While run() marches: the share of the marched steps, or (with a snapshot) the first picture
    std::function<void(double, std::shared_ptr<const Curves>)> m_marchProgress;
    bool m_firstPicture = true;
    bool m_stoppedAtNoise = false; // the last Converged came from the noise stop (noiseStopRatio() ≤ 1)
    // the estimators asked for (setSteinKernel, setMeanKernel, setExactMoments; unset: the
    // replicas' defaults), applied to every replica and the pilot by applyEstimators()
    std::optional<bool> m_steinKernel;
    std::optional<bool> m_meanKernel;
    std::optional<bool> m_exactMoments;
    std::optional<bool> m_tiledKernels;
    bool m_modelTiming = false;
    std::shared_ptr<const NormalsCoupling> m_coupling;
    Reducer *m_reducer;
};

/// How dmft/timestep.h runs the solves of its time-step levels.
struct DmftSolveOptions {
    /// DmftSolver::setFirstPicture (off for the coarser solves, whose progress carries no
    /// snapshot).
    bool firstPicture = true;
    /// DmftSolver::setCoupling (the coarser solves).
    std::shared_ptr<const NormalsCoupling> coupling;
    /// When set, receive DmftSolver::replicaCurves() and whitenings() of a solve that
    /// converged or stopped at its iteration cap.
    std::vector<Curves> *replicaCurves = nullptr;
    FineWhitenings *whitenings = nullptr;
};

/// The "dmft" engine at one time step.
EngineResult runDmftEngine(const RunConfig &config, const ProgressCallback &progress,
    const std::atomic<bool> *cancel, const DmftSolveOptions &options = {});

} // namespace dmftlab
