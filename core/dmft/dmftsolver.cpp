#include "dmft/dmftsolver.h"

#include "dmft/linearmoments.h"

#include "dmft/dmftcheck.h"
#include "dmft/dmftlaws.h"

#include "dmft/onlineode.h"
#include "dmft/thetaprocess.h"
#include "engine/hugepages.h"
#include "engine/lanes.h"
#include "engine/registry.h"
#include "engine/threadexceptions.h"
#include "observables/statistics.h"
#include "sim/random.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <type_traits>

namespace dmftlab
{

namespace
{
using Clock = std::chrono::steady_clock;
double seconds(Clock::time_point a)
{
    return std::chrono::duration<double>(Clock::now() - a).count();
}

SingleProcessReducer &singleProcess()
{
    static SingleProcessReducer reducer;
    return reducer;
}

std::uint64_t splitmix(std::uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/// Runs f(chunk, begin, end) over `count` items split into `chunks` contiguous ranges,
/// one std::thread per chunk beyond the first. An exception in any chunk is rethrown here
/// once every thread has joined (it would terminate the process inside a thread).
template <class F> void parallelChunks(int chunks, int count, F &&f)
{
    chunks = std::max(1, std::min(chunks, count));
    if (chunks == 1) {
        f(0, 0, count);
        return;
    }
    ThreadExceptions errors;
    std::vector<std::thread> pool;
    for (int c = 1; c < chunks; ++c)
        pool.emplace_back([&, c] {
            errors.guard(f, c, static_cast<int>(static_cast<long>(count) * c / chunks),
                static_cast<int>(static_cast<long>(count) * (c + 1) / chunks));
        });
    errors.guard(f, 0, 0, static_cast<int>(count / chunks));
    for (auto &t : pool)
        t.join();
    errors.rethrow();
}

/// The number of partial sums a replica's step reduces its paths into (the forward pass and
/// the tangents): a constant, not the thread count, so that the sums are added in the same
/// order however many threads run them, and a result does not depend on sim.threads (a sweep
/// runs its points on one thread each, the same configuration alone on two: bitwise the
/// same). 4 keeps 2 and 4 threads evenly loaded; each partial sum holds ~3 D² doubles.
constexpr int kReductionChunks = 4;
/// Paths a thread takes through all time steps at once (forwardChunk).
constexpr int kPathBlock = 256;
/// The partial sums (tasks) step() splits P_J tangent paths into; ensureTangentStorage lays
/// out its tiles by the same split.
int tangentTasks(int PJ)
{
    return std::max(1, std::min(kReductionChunks, PJ));
}
// The jitter of the factor of Cov(z, w), shared by step() (factorCovariance) and march(): w_n's
// diagonal gets jitter × the largest |Q| up to t_n, from kJitterFirst, ×kJitterGrowth while the
// Cholesky factorisation fails, up to kJitterLast.
constexpr double kJitterFirst = 1e-10, kJitterLast = 1e-5, kJitterGrowth = 100.0;

/// Runs f(task, begin, end) over `count` items split into `tasks` contiguous ranges, on up to
/// `threads` threads (thread t takes tasks t, t + threads, ...). Which thread runs a task
/// does not change what the task computes.
template <class F> void parallelTasks(int threads, int tasks, int count, F &&f)
{
    tasks = std::max(1, std::min(tasks, count));
    const auto range = [&](int t) {
        return std::pair<int, int>(static_cast<int>(static_cast<long>(count) * t / tasks),
            static_cast<int>(static_cast<long>(count) * (t + 1) / tasks));
    };
    parallelChunks(std::min(threads, tasks), tasks, [&](int, int t0, int t1) {
        for (int t = t0; t < t1; ++t) {
            const auto [b, e] = range(t);
            f(t, b, e);
        }
    });
}

/// dst −= a bᵀ for a dst of the few columns of one time step (k units). Up to 4 columns,
/// one matrix–vector product per column: a GEMM would copy (pack) all of `a` on every call,
/// which cost more than the product itself for k = 2.
template <class Dst, class A, class B> void subtractProductTransposed(Dst &&dst, const A &a, const B &b)
{
    if (dst.cols() <= 4) {
        for (Eigen::Index j = 0; j < dst.cols(); ++j)
            dst.col(j).noalias() -= a * b.row(j).transpose();
    } else {
        dst.noalias() -= a * b.transpose();
    }
}

/// The tangent recursion for a tile of kPathTile paths, k ≤ 3 units, every column m and
/// direction j: J_mm = I, J_nm = −Σ_{l=m}^{n−1} R(n,l) Y_l with Y_l = A_l J_lm, and
/// K(n,m) += Σ_paths H̃_n J_nm (tangentTile). The paths are the vector lanes (padded lanes are
/// 0); rows n go in groups of G (8 for k = 1, 4 for k = 2, 2 for k = 3) that share every load of
/// Y_l (2 G k independent vector accumulators, the entries of R(n.., l) broadcast: a
/// register-tiled triangular solve). The blocked GEMMs it replaces (still there for k > 3, and
/// for checks: setTiledKernels) packed Y for every block and sub-block of six rows: at N = 50
/// packing, the per-step products and the per-(n, m) sums took as long as the multiply–adds.
/// Tangent kernel, one thread: SPOC workload (k = 1, N = 50, 2·10⁴ paths) 26–30 → 18–20 ms per
/// iteration; logistic preset 8.6 → 5.6 ms at N = 100 and 1.5 → 0.9 ms at N = 50; committee
/// (k = 2) 28–36 → 20–25 ms at N = 100 (k = 1 in groups of 4 rows: 23 ms on SPOC, of 12: 21–22;
/// k = 2 in groups of 6: as 4). K agrees with the GEMMs to 3e-15 of its largest entry.
constexpr int kPathTile = 16;

// Two vectors of 8 doubles hold a tile's lanes (GCC vector extensions: the accumulators stay in
// registers, which arrays of doubles did not; without AVX-512 the compiler splits each vector).
typedef double Lanes8 __attribute__((vector_size(64)));
struct TileLanes {
    Lanes8 lo, hi;
};
inline TileLanes loadTile(const double *p)
{
    TileLanes t;
    std::memcpy(&t.lo, p, sizeof(Lanes8));
    std::memcpy(&t.hi, p + 8, sizeof(Lanes8));
    return t;
}
inline void storeTile(double *p, const TileLanes &t)
{
    std::memcpy(p, &t.lo, sizeof(Lanes8));
    std::memcpy(p + 8, &t.hi, sizeof(Lanes8));
}
inline void fma(TileLanes &acc, double r, const TileLanes &y)
{
    acc.lo += r * y.lo;
    acc.hi += r * y.hi;
}

/// Tile layout for k units: H holds entry (a, b) of the tile's H̃_n at ((n k² + a + b k) ×
/// kPathTile), S the tile's s_n / α at n × kPathTile (A_n = (s_n / α) H̃_n is formed as it is read), Y
/// component b of Y_n = A_n J_nm e_j (one direction j at a time) at ((n k + b) × kPathTile), Kl
/// the lane sums of (H̃_n J_nm e_j)_a at (n k + a) × 8.
template <int K> inline Eigen::Index tileAt(int n, int i)
{
    return (static_cast<Eigen::Index>(n) * K + i) * kPathTile;
}

/// s_n / α of a tile's lanes: read from its tiles (ensureTangentStorage), or one number for all
/// lanes and steps where `tiles` is null (full-batch GD, DmftReplica::constantS).
struct TileScale {
    const double *tiles;
    double value;
    TileLanes at(int n) const
    {
        if (tiles)
            return loadTile(tiles + tileAt<1>(n, 0));
        const Lanes8 v = Lanes8 {} + value;
        return TileLanes { v, v };
    }
};

/// Row n of column m, direction j, from its accumulated memory: J_nm e_j = −acc, Y_n = A_n J_nm e_j,
/// and H̃_n J_nm e_j added into the column's 8 lane sums Kl (summed over the lanes at the end).
template <int K>
inline void finishRow(
    int n, const TileLanes (&acc)[K], const double *H, const TileScale &S, double *Y, double *Kl)
{
    TileLanes J[K];
    for (int b = 0; b < K; ++b)
        J[b] = TileLanes { -acc[b].lo, -acc[b].hi };
    const TileLanes s = S.at(n);
    for (int a = 0; a < K; ++a) {
        TileLanes hj {}, aj {};
        for (int b = 0; b < K; ++b) {
            const TileLanes h = loadTile(H + tileAt<K * K>(n, a + b * K));
            const TileLanes x { h.lo * s.lo, h.hi * s.hi }; // A_n(a, b)
            hj.lo += h.lo * J[b].lo;
            hj.hi += h.hi * J[b].hi;
            aj.lo += x.lo * J[b].lo;
            aj.hi += x.hi * J[b].hi;
        }
        Lanes8 hk;
        double *lanes = Kl + (static_cast<Eigen::Index>(n) * K + a) * 8;
        std::memcpy(&hk, lanes, sizeof(Lanes8));
        hk += hj.lo + hj.hi;
        std::memcpy(lanes, &hk, sizeof(Lanes8));
        storeTile(Y + tileAt<K>(n, a), aj);
    }
}

/// Entry (a, b) of the k × k block R(p, q) of R (column major, leading dimension ldR).
template <int K> inline double blockEntry(const double *R, Eigen::Index ldR, int p, int a, int q, int b)
{
    return R[(static_cast<Eigen::Index>(q) * K + b) * ldR + p * K + a];
}

/// acc[g][o] += Σ_i coef(g, o, i) y_i for the K components y_i of a tile, y_i at Yrow + i stride:
/// every component loaded once for all G rows (the inner loop of tangentRows, adjointRows and
/// preactivationRows).
template <int K, int G, class Coef>
inline void accumulateTile(TileLanes (&acc)[G][K], const double *Yrow, Eigen::Index stride, Coef coef)
{
    TileLanes y[K];
    for (int i = 0; i < K; ++i)
        y[i] = loadTile(Yrow + static_cast<Eigen::Index>(i) * stride);
#pragma GCC unroll 16
    for (int g = 0; g < G; ++g)
#pragma GCC unroll 4
        for (int o = 0; o < K; ++o)
#pragma GCC unroll 4
            for (int i = 0; i < K; ++i)
                fma(acc[g][o], coef(g, o, i), y[i]);
}

/// Rows per group of the tiled kernels for K units: 2 G K vector accumulators, at most 16 of the
/// 32 registers.
template <int K> constexpr int kGroupRows = K == 1 ? 8 : K == 2 ? 4 : 2;

/// f(std::integral_constant<int, G>(), j) for consecutive groups of rows from j = 0 that cover
/// `count` rows: first the remainder, a single row and groups of 2, then groups of
/// kGroupRows<K>. The tangents' and the adjoint's later rows have the longer memory, so the
/// groups that share a load among fewer rows go first: at N = 50 (SPOC) a group of 2 at the end
/// of a column took a fifth of the tangent kernel's time. Each row still adds its memory terms in
/// the same order, whichever group it is in.
template <int K, class F> void inRowGroups(int count, F &&f)
{
    constexpr int G = kGroupRows<K>;
    int j = 0, remainder = count % G;
    if (remainder % 2 == 1) {
        f(std::integral_constant<int, 1>(), j++);
        --remainder;
    }
    if constexpr (G > 2)
        for (; remainder > 0; remainder -= 2, j += 2)
            f(std::integral_constant<int, 2>(), j);
    for (; j + G <= count; j += G)
        f(std::integral_constant<int, G>(), j);
}

/// Rows n..n+G−1 of column m (one direction): the memory of rows m..n−1 with every load of Y_l
/// shared by the G rows (2 G k vector accumulators), then the triangle inside the group row by row.
template <int K, int G>
inline void tangentRows(int m, int n, const double *H, const TileScale &S, const double *R, Eigen::Index ldR,
    double *Y, double *Kl)
{
    TileLanes acc[G][K] = {};
    auto Rat = [&](int p, int a, int l, int b) { return blockEntry<K>(R, ldR, p, a, l, b); };
    for (int l = m; l < n; ++l) // acc[g][a] += Σ_b R(n + g, l)(a, b) y_l(b)
        accumulateTile<K, G>(
            acc, Y + tileAt<K>(l, 0), kPathTile, [&](int g, int a, int b) { return Rat(n + g, a, l, b); });
#pragma GCC unroll 16
    for (int g = 0; g < G; ++g) {
#pragma GCC unroll 16
        for (int h = 0; h < g; ++h)
            for (int b = 0; b < K; ++b) {
                const TileLanes y = loadTile(Y + tileAt<K>(n + h, b));
                for (int a = 0; a < K; ++a)
                    fma(acc[g][a], Rat(n + g, a, n + h, b), y);
            }
        finishRow<K>(n + g, acc[g], H, S, Y, Kl);
    }
}

/// Columns m0..m1−1 of the tile's K, every direction, added into the lane sums Kl: 8 lanes per
/// entry of K (D = (N + 1) k rows; column m k + j at 8 D ((m − m0) k + j)), summed over the lanes
/// by tangentLaneSums once the tiles that share them are done.
template <int K>
void tangentTile(int N, int m0, int m1, const double *H, const TileScale &S, const double *R,
    Eigen::Index ldR, double *Y, double *Kl)
{
    const Eigen::Index D = static_cast<Eigen::Index>(N + 1) * K;
    for (int m = m0; m < m1; ++m)
        for (int j = 0; j < K; ++j) {
            const TileLanes s = S.at(m);
            for (int b = 0; b < K; ++b) { // J_mm e_j = e_j: Y_m = A_m e_j
                const TileLanes h = loadTile(H + tileAt<K * K>(m, b + j * K));
                storeTile(Y + tileAt<K>(m, b), TileLanes { h.lo * s.lo, h.hi * s.hi });
            }
            double *column = Kl + 8 * D * (static_cast<Eigen::Index>(m - m0) * K + j);
            inRowGroups<K>(N - m, [&](auto G, int i) { // rows n = m + 1 + i, …
                tangentRows<K, decltype(G)::value>(m, m + 1 + i, H, S, R, ldR, Y, column);
            });
        }
}

/// Ksum(n k + a, c) += the 8 lane sums of tangentTile's Kl (columns m0..m1−1) for the rows
/// below column c's block; `clear`: those lanes set to 0 after (Kl is used again).
void tangentLaneSums(int k, int N, int m0, int m1, double *Kl, double *Ksum, Eigen::Index ldK, bool clear)
{
    const Eigen::Index D = static_cast<Eigen::Index>(N + 1) * k, c0 = static_cast<Eigen::Index>(m0) * k;
    for (Eigen::Index c = c0; c < static_cast<Eigen::Index>(m1) * k; ++c) {
        const Eigen::Index first = (c / k + 1) * k; // rows of the steps after column c's
        if (first >= D)
            continue;
        Eigen::Map<Eigen::Matrix<double, 8, Eigen::Dynamic>> lanes(
            Kl + 8 * (D * (c - c0) + first), 8, D - first);
        Eigen::Map<Eigen::VectorXd>(Ksum + c * ldK + first, D - first) += lanes.colwise().sum().transpose();
        if (clear)
            lanes.setZero();
    }
}

/// Largest lane sums (8 D² doubles) a tangent chunk keeps for all its tiles (tangentChunk); beyond
/// it (D > 256) each tile's slices of columns are summed over the lanes as they are done.
constexpr std::size_t kChunkLaneSumBytes = 4u << 20;

/// C_u's Gram matrix over a block of paths, in lanes: Cl[8 (n D + m) + l] += Σ over the block's
/// rows p ≡ l (mod 8) of G(p, n) G(p, m), for every m ≤ n (and the upper entries of the 4 × 4
/// blocks on the diagonal, never read). G: `rows` × D, column-major, rows a multiple of 8 (the
/// padding rows 0). 4 × 4 entries at a time, 16 vector accumulators over the rows: each load of a
/// column's 8 rows serves 4 entries. Eigen's rankUpdate packed both sides for every block of 256
/// paths: a quarter of phase retrieval's path pass at N = 25.
void gramLanes(int D, int rows, const double *G, Eigen::Index ldG, double *Cl)
{
    for (int n0 = 0; n0 < D; n0 += 4)
        for (int m0 = 0; m0 <= n0; m0 += 4) {
            // columns past D read column D − 1, their entries are not stored
            Eigen::Index ca[4], cb[4];
#pragma GCC unroll 4
            for (int i = 0; i < 4; ++i) {
                ca[i] = std::min(n0 + i, D - 1) * ldG;
                cb[i] = std::min(m0 + i, D - 1) * ldG;
            }
            Lanes8 acc[4][4] = {};
            for (int p = 0; p < rows; p += 8) {
                Lanes8 x[4], y[4];
#pragma GCC unroll 4
                for (int i = 0; i < 4; ++i) {
                    std::memcpy(&x[i], G + ca[i] + p, sizeof(Lanes8));
                    std::memcpy(&y[i], G + cb[i] + p, sizeof(Lanes8));
                }
#pragma GCC unroll 4
                for (int i = 0; i < 4; ++i)
#pragma GCC unroll 4
                    for (int j = 0; j < 4; ++j)
                        acc[i][j] += x[i] * y[j];
            }
#pragma GCC unroll 4
            for (int i = 0; i < 4; ++i)
#pragma GCC unroll 4
                for (int j = 0; j < 4; ++j)
                    if (n0 + i < D && m0 + j < D) {
                        double *lanes = Cl + 8 * (static_cast<Eigen::Index>(n0 + i) * D + m0 + j);
                        Lanes8 sum;
                        std::memcpy(&sum, lanes, sizeof(Lanes8));
                        sum += acc[i][j];
                        std::memcpy(lanes, &sum, sizeof(Lanes8));
                    }
        }
}

/// The march's adjoint of the tangent recursion (DmftReplica::march) for a tile of paths, one row
/// block n and one row a of H̃_n: y_n = H̃_n(a, ·), y_m = −(Σ_{p=m+1}^{n} y_p R(p,m)) A_m for
/// m = n−1, …, 0, and the lane sums of y_m(b) added to Kl at (m k + b) × 8. Y: (n + 1) k tiles of
/// scratch (component c of y_p at tileAt<K>(p, c)); A(m, col) points at the tile's entries of
/// column m k² + col of A (entry (d, b) of A_m at col = d + b k). Columns m in groups of G that
/// share every load of y_p, as in tangentRows.
template <int K, int G, class ATile>
inline void adjointRows(
    int n, int m, const ATile &A, const double *R, Eigen::Index ldR, double *Y, double *Kl)
{
    TileLanes acc[G][K] = {};
    auto Rat = [&](int p, int c, int q, int b) { return blockEntry<K>(R, ldR, p, c, q, b); };
    for (int p = m + 1; p <= n; ++p) // acc[g][b] += Σ_c y_p(c) R(p, m − g)(c, b)
        accumulateTile<K, G>(
            acc, Y + tileAt<K>(p, 0), kPathTile, [&](int g, int b, int c) { return Rat(p, c, m - g, b); });
#pragma GCC unroll 16
    for (int g = 0; g < G; ++g) {
        const int q = m - g;
#pragma GCC unroll 16
        for (int h = 0; h < g; ++h) // p = m − h, inside the group
            for (int c = 0; c < K; ++c) {
                const TileLanes y = loadTile(Y + tileAt<K>(m - h, c));
                for (int b = 0; b < K; ++b)
                    fma(acc[g][b], Rat(m - h, c, q, b), y);
            }
        // y_q(b) = Σ_d T(d) A_q(d, b) with T = −acc
        for (int b = 0; b < K; ++b) {
            TileLanes y {};
            for (int d = 0; d < K; ++d) {
                const TileLanes a = loadTile(A(q, d + b * K));
                y.lo -= acc[g][d].lo * a.lo;
                y.hi -= acc[g][d].hi * a.hi;
            }
            storeTile(Y + tileAt<K>(q, b), y);
            Lanes8 sum;
            std::memcpy(&sum, Kl + (static_cast<Eigen::Index>(q) * K + b) * 8, sizeof(Lanes8));
            sum += y.lo + y.hi;
            std::memcpy(Kl + (static_cast<Eigen::Index>(q) * K + b) * 8, &sum, sizeof(Lanes8));
        }
    }
}

template <int K, class ATile>
void adjointTile(
    int n, const double *Hn, const ATile &A, const double *R, Eigen::Index ldR, double *Y, double *Kl)
{
    for (int c = 0; c < K; ++c) // y_n = H̃_n(a, ·): Hn holds that row, component c at c × 16
        storeTile(Y + tileAt<K>(n, c), loadTile(Hn + static_cast<Eigen::Index>(c) * kPathTile));
    inRowGroups<K>(n, [&](auto G, int i) { // columns m = n − 1 − i, downwards
        adjointRows<K, decltype(G)::value>(n, n - 1 - i, A, R, ldR, Y, Kl);
    });
}

/// The preactivations r of the rows j0..j0+G−1 of a time block (steps n0 + j) for one tile of
/// paths, without the steps inside the block: out(:, j k + a) = w_{n0+j}(a) − the memory of the
/// steps before n0, Σ_{l<n0} Σ_b R(n0 + j, l)(a, b) dG_l(b). With xi, w_n(a) = Σ_{i ≤ row} L(row, i) ξ_i
/// (row = k* + n k + a: (z, w) = L ξ one row at a time, ξ's column i at xi + i ldXi); without, w
/// is already in out. dG and out column major with the paths as rows (the tile's 16 lanes are
/// rows 16 tile on).
template <int K, int G>
inline void preactivationRows(int tile, int j0, int n0, int ks, const double *xi, Eigen::Index ldXi,
    const double *L, Eigen::Index ldL, const double *dG, Eigen::Index ldG, const double *R, Eigen::Index ldR,
    double *out, Eigen::Index ldOut)
{
    TileLanes acc[G][K] = {};
    const Eigen::Index lane0 = static_cast<Eigen::Index>(tile) * kPathTile;
    auto at = [&](int g, int a) { return out + lane0 + (static_cast<Eigen::Index>(j0 + g) * K + a) * ldOut; };
    if (xi) {
        const int first = ks + (n0 + j0) * K; // the group's first row of L
        auto Lat = [&](int row, int i) { return L[static_cast<Eigen::Index>(i) * ldL + row]; };
        // columns i below every row of the group, then those on and above the first row (L is
        // lower triangular: the entries above a row's diagonal are left out, not read)
        for (int i = 0; i < first; ++i)
            accumulateTile<1, G * K>(reinterpret_cast<TileLanes(&)[G * K][1]>(acc), xi + i * ldXi, 0,
                [&](int ga, int, int) { return Lat(first + ga, i); });
        for (int i = first; i < first + G * K; ++i)
            accumulateTile<1, G * K>(reinterpret_cast<TileLanes(&)[G * K][1]>(acc), xi + i * ldXi, 0,
                [&](int ga, int, int) { return i <= first + ga ? Lat(first + ga, i) : 0.0; });
    } else {
        for (int g = 0; g < G; ++g)
            for (int a = 0; a < K; ++a)
                acc[g][a] = loadTile(at(g, a));
    }
    for (int l = 0; l < n0; ++l)
        accumulateTile<K, G>(acc, dG + lane0 + static_cast<Eigen::Index>(l) * K * ldG, ldG,
            [&](int g, int a, int b) { return -blockEntry<K>(R, ldR, n0 + j0 + g, a, l, b); });
    for (int g = 0; g < G; ++g)
        for (int a = 0; a < K; ++a)
            storeTile(at(g, a), acc[g][a]);
}

/// preactivationRows for every tile and every row of a time block of `rows` steps from n0. The
/// normals (if xi) of tile t at xi + 16 t (leading dimension ldXi); the last tile's, when the
/// block is not whole tiles, at lastXi (leading dimension 16, its padding 0).
template <int K>
void preactivationTiles(int tiles, int rows, int n0, int ks, const double *xi, Eigen::Index ldXi,
    const double *lastXi, bool lastPadded, const double *L, Eigen::Index ldL, const double *dG,
    Eigen::Index ldG, const double *R, Eigen::Index ldR, double *out, Eigen::Index ldOut)
{
    for (int tile = 0; tile < tiles; ++tile) {
        const bool padded = xi && lastPadded && tile == tiles - 1;
        const double *x = !xi ? nullptr : padded ? lastXi : xi + static_cast<Eigen::Index>(tile) * kPathTile;
        const Eigen::Index ld = padded ? kPathTile : ldXi;
        inRowGroups<K>(rows, [&](auto G, int j) {
            preactivationRows<K, decltype(G)::value>(
                tile, j, n0, ks, x, ld, L, ldL, dG, ldG, R, ldR, out, ldOut);
        });
    }
}

/// f(std::integral_constant<int, K>()) for the unit count k = K ∈ {1, 2, 3} of the tiled kernels.
template <class F> void withUnits(int k, F &&f)
{
    if (k == 1)
        f(std::integral_constant<int, 1>());
    else if (k == 2)
        f(std::integral_constant<int, 2>());
    else
        f(std::integral_constant<int, 3>());
}

/// Smallest innovation variance of w_n given (z, w_<n), relative to the largest Q, that the
/// Stein estimator of K accepts (see DmftReplica::steinConditioning).
constexpr double kSteinMinInnovation = 1e-6;

std::string fmt(double x, int precision = 3)
{
    std::ostringstream os;
    os.precision(precision);
    os << x;
    return os.str();
}
} // namespace

// ---------------------------------------------------------------------------------------
// Memory

namespace
{
/// Whether a replica estimates K by Stein's identity unless told otherwise (a ReLU student:
/// the pathwise H̃ misses the Dirac part of σ'', theory §5.4); such replicas keep their paths.
/// Whether a path set draws Brownian increments (and stores s / α per path and step): not for
/// full-batch GD, τ = 0 (DmftReplica::constantS, and the memory estimate).
bool drawsIncrements(double tau, double alpha, double dt)
{
    return std::sqrt(tau * alpha * dt) != 0.0;
}

bool steinKernelByDefault(const RunConfig &c)
{
    return c.problem.activation == Activation::Relu;
}

/// K as the exact mean of the tangents (DmftReplica::setMeanKernel) where H̃ is constant.
bool meanKernelByDefault(const RunConfig &c)
{
    return Problem(c.problem).constantHessian() && !c.tamingEnabled();
}

double dmftDoubles(int N, int k, int ks, double P, double PJ, int R, int threads, int mixing, bool keepPaths,
    bool march, bool exactMoments, bool increments)
{
    const double D = (N + 1.0) * k, Dz = D + ks;
    // increments: the Brownian increments are drawn, and s / α stored per path and step (τ > 0;
    // at τ = 0 neither: DmftReplica::drawPaths)
    const double S = increments ? (N + 1.0) * P : 0.0;
    const double paths = Dz * P // ξ
        + (keepPaths ? 4.0 * D * P : 0.0) // W, G, dG, r (kept for the Stein kernel only)
        + S // s / α
        + (ks + 1.0) * P + 2.0 * (N + 1.0) * k * k * PJ // H̃, A (k > 3; tiles: H̃ and s / α, no more)
        + 2.0 * D * PJ * k; // tangent work X, Y (all chunks)
    const double state = 16.0 * Dz * Dz; // Σ, L, state, kernels, partial sums
    // the mixer: `history` pairs ΔX, ΔF and 5 vectors x, F(x), f, best x, F of the state's size
    const auto mixer = [&](int history) { return (2.0 * history + 5.0) * (2.0 * D * D + D * ks); };
    const double perChunk = 3.0 * D * D // partial sums of K, C_u (kReductionChunks of them)
        + (Dz + 2.0 * D) * kPathBlock // a block of paths' (z, w), G, dG
        + std::min(8.0 * D * D, kChunkLaneSumBytes / 8.0); // the tiled tangents' lane sums
    const double snapshot = 6.0 * D * D * 3.0; // statistics of 4 kernels
    // transient, one per concurrent worker: the normals being whitened at set-up
    // ((D + k* + 1 [+ N + 1]) × P and its covariance), or a fresh-path replica at the end (ξ, S,
    // and r for the laws)
    const double rows = Dz + 1.0 + (increments ? N + 1.0 : 0.0);
    const double transient = std::max(2.0 * rows * P + rows * rows, Dz * P + D * P + S);
    const double workers = std::min<double>(R, threads); // replicas stepped at once
    if (exactMoments) {
        // exact second moments (dmft/linearmoments.h): no paths in the replicas, five
        // (N+1)² moment tables and J̄; paths only in the fresh-path replicas of the laws
        const double moments = 5.0 * (N + 1.0) * (N + 1.0) + D * D;
        return R * (state + moments + mixer(march ? 0 : mixing)) + workers * transient + snapshot;
    }
    if (!march)
        return R * (paths + state + mixer(mixing)) + workers * (kReductionChunks * perChunk + transient)
            + snapshot;
    // dmft.warm_start = march: a marched replica frees its paths (DmftReplica::releasePaths),
    // except the first, which one iteration checks (its mixer has no history yet): at most one
    // replica per worker and the first hold paths. A worker's march needs dG (P × D) and the
    // adjoint's A, y and T (P_J × (N+1)k² each; y and T only for k > 3 since the tiled adjoint,
    // still counted: an upper bound). (A replica whose march falls back to the
    // iteration keeps its paths: that rare case can exceed this.)
    const double holders = std::min<double>(R, workers + 1.0);
    const double marching = D * P + 3.0 * (N + 1.0) * k * k * PJ;
    return holders * paths + R * state + mixer(0)
        + workers * (kReductionChunks * perChunk + std::max(transient, marching)) + snapshot;
}
} // namespace

bool dmftUsesTangentPaths(const RunConfig &c)
{
    return !steinKernelByDefault(c) && !meanKernelByDefault(c);
}

double dmftMemoryBytes(const RunConfig &c, int ranks)
{
    if (ranks > 1) {
        // each process holds its share of the paths, and runs the replicas one at a time
        const auto share = [ranks](int count) { return (count + ranks - 1) / ranks; };
        return 1.15 * 8.0
            * dmftDoubles(c.time.steps, c.problem.width, c.problem.teacherWidth, share(c.dmft.paths),
                share(c.dmft.tangentPaths), c.dmft.replicas, 1, c.dmft.mixingMemory, steinKernelByDefault(c),
                c.dmft.warmStart == "march", closesOnSecondMoments(c),
                drawsIncrements(c.tau(), c.alpha, c.dt()));
    }
    // 15 % for allocator overhead and temporaries (measured: committee-erf N = 100 at the
    // defaults peaked at 0.52 GiB resident against 0.48 GiB of counted arrays)
    return 1.15 * 8.0
        * dmftDoubles(c.time.steps, c.problem.width, c.problem.teacherWidth, c.dmft.paths,
            c.dmft.tangentPaths, c.dmft.replicas, resolvedThreads(c.sim.threads), c.dmft.mixingMemory,
            steinKernelByDefault(c), c.dmft.warmStart == "march", closesOnSecondMoments(c),
            drawsIncrements(c.tau(), c.alpha, c.dt()));
}

std::string checkDmft(const RunConfig &c, int ranks)
{
    const EngineCheck err = checkDmftConfig(c, ranks); // the keys at fault: dmft/dmftcheck.h
    return err ? err->message : std::string();
}

// ---------------------------------------------------------------------------------------
// One replica

DmftReplica::DmftReplica(const RunConfig &config, std::uint64_t seed, int threads, bool momentMatching,
    const std::atomic<bool> *cancel, Reducer *reducer, const NormalsCoupling *coupling,
    const Whitening *fineWhitening)
    : m_N(config.time.steps)
    , m_k(config.problem.width)
    , m_ks(config.problem.teacherWidth)
    , m_P(config.dmft.paths)
    , m_PJ(0)
    , m_D((config.time.steps + 1) * config.problem.width)
    , m_threads(std::max(1, threads))
    , m_globalPJ(config.dmft.tangentPaths)
    , m_dt(config.dt())
    , m_alpha(config.alpha)
    , m_tamingStep(config.tamingStep())
    , m_tau(config.tau())
    , m_mixer(config.dmft.mixingMemory, config.dmft.damping)
    , m_problem(config.problem)
    , m_Q0(config.Q0())
    , m_M0(config.M0())
    , m_rho(config.rho())
    , m_reducer(reducer ? reducer : &singleProcess())
{
    m_rhoInv = m_rho.inverse();
    // This process's paths: the contiguous range [p0, p1) of the global path index
    // (everything in one process). The tangent paths are the P_J global paths ⌊j P / P_J⌋,
    // spread evenly, so every range holds its share of them; they come first in the local
    // rows (forwardChunk stores H̃ for the first m_PJ rows, tangentChunk reads them).
    const auto [p0, p1] = m_reducer->partition().range(m_P);
    const std::int64_t P = m_P, PJ = m_globalPJ;
    const std::int64_t j0 = std::min(PJ, (p0 * PJ + P - 1) / P), j1 = std::min(PJ, (p1 * PJ + P - 1) / P);
    m_PJ = static_cast<int>(j1 - j0);
    m_localP = static_cast<int>(p1 - p0);
    m_globalIndex.clear();
    m_globalIndex.reserve(m_localP);
    for (std::int64_t j = j0; j < j1; ++j)
        m_globalIndex.push_back(j * P / PJ);
    for (std::int64_t g = p0, j = j0; g < p1; ++g) {
        if (j < j1 && g == j * P / PJ) {
            ++j;
            continue;
        }
        m_globalIndex.push_back(g);
    }
    m_steinKernel = steinKernelByDefault(config);
    m_meanKernel = meanKernelByDefault(config);
    m_Hbar = m_problem.hessianAtZero();
    if (closesOnSecondMoments(config)) {
        m_moments = std::make_unique<LinearMoments>(config);
        m_exactMoments = true;
    }
    // The normals are drawn now, or, for the exact second-moment kernels (which need
    // no paths), only when a step needs paths after all (ensurePaths: fresh paths for the laws,
    // kept paths, the exact kernels switched off): 75 % of the linear preset's DMFT time at
    // N = 400 was drawing and whitening normals that were never read.
    m_seed = seed;
    m_momentMatching = momentMatching;
    m_coupling = coupling;
    m_fineWhitening = fineWhitening;
    if (!m_exactMoments)
        ensurePaths(cancel);
    m_trainLoss = Eigen::VectorXd::Zero(m_N + 1);
    setNoLearningState();
}

bool DmftReplica::ensurePaths(const std::atomic<bool> *cancel)
{
    if (m_pathsDrawn)
        return true;
    m_pathsDrawn = drawPaths(m_seed, cancel);
    // the finer solve's coupling and whitening are read during the draw only
    m_coupling = nullptr;
    m_fineWhitening = nullptr;
    return m_pathsDrawn;
}

bool DmftReplica::constantS() const
{
    return !drawsIncrements(m_tau, m_alpha, m_dt);
}

template <class Dst, class Src>
void DmftReplica::timesSOverAlpha(Dst &&dst, const Src &src, int n, Eigen::Index p0) const
{
    if (constantS())
        dst = src.array() * sOverAlpha();
    else
        dst = src.array().colwise() * m_S.col(n).segment(p0, src.rows()).array();
}

bool DmftReplica::drawPaths(std::uint64_t seed, const std::atomic<bool> *cancel)
{
    const int Dz = m_ks + m_D, rows = Dz + 1 + (m_N + 1);
    // All normals of a path: ξ for (z, w_0..w_N), ε, and ΔB_0..ΔB_N / √Δ, from a stream of
    // its own seeded by (replica seed, global path index): the paths, hence the result, do
    // not depend on how they are split across threads or processes.
    // Coupled to a finer solve (dmft/coupling.h): draw and whiten that solve's normals (the same
    // streams), then map each path's to ours by T.
    if (m_coupling && (m_coupling->T.rows() != rows || m_coupling->T.cols() != m_coupling->fineRows))
        throw std::logic_error("DmftReplica: the normals coupling does not fit time.steps");
    // Full-batch GD (τ = 0) never reads the increments, which come last in each path's stream:
    // only the first Dz + 1 normals are drawn (and whitened, and mapped by T, whose rows for
    // (z, w) and ε have no entries in the increments' columns). Whitening is column by column in
    // order (x U⁻¹, U upper triangular), so the leading columns come out as with the increments,
    // to rounding. SPOC workload: 53 normals per path instead of 104 (1.02·10⁶ and 8.2 MB fewer).
    const bool increments = !constantS();
    const int used = increments ? rows : Dz + 1;
    const int fullDrawn = m_coupling ? m_coupling->fineRows : rows;
    const int drawn = increments ? fullDrawn : fullDrawn - (m_coupling ? m_coupling->fineSteps + 1 : m_N + 1);
    // Drawing and whitening take ~0.1-0.5 s at default sizes: check cancel between blocks of
    // paths. A cancelled replica is left unusable; the solver stops before touching it.
    auto cancelled = [cancel] { return cancel && cancel->load(std::memory_order_relaxed); };
    constexpr Eigen::Index kBlock = 512;
    // Path-major from the start (row p = path p, as m_xi and m_S are stored): a path's normals
    // go down its row, whose cache lines the next paths' rows share, and m_xi and m_S are then
    // contiguous column ranges of X. (Drawn column by column and transposed afterwards, the
    // transposes' strided loads and first touches were a third of the set-up's time.)
    // The drawing, the whitening's products and the coupling's map go block by block, the blocks
    // split across the replica's threads: each block's numbers are its own (a path's stream, a
    // product of its rows), the same however the blocks are split. The sums over paths (mean,
    // covariance) stay in one thread, in block order.
    // inBlocks(f): f(first path, paths, scratch) for every block of kBlock paths, the blocks split
    // across the threads, one scratch matrix per thread; false when cancelled.
    const int blocks = static_cast<int>((m_localP + kBlock - 1) / kBlock);
    auto inBlocks = [&](auto &&f) {
        parallelChunks(m_threads, blocks, [&](int, int b0, int b1) {
            Eigen::MatrixXd scratch;
            for (int b = b0; b < b1 && !cancelled(); ++b) {
                const Eigen::Index c = static_cast<Eigen::Index>(b) * kBlock;
                f(c, std::min<Eigen::Index>(kBlock, m_localP - c), scratch);
            }
        });
        return !cancelled();
    };
    Eigen::MatrixXd X;
    resizeWithHugePages(X, m_localP, drawn);
    if (!inBlocks([&](Eigen::Index c, Eigen::Index n, Eigen::MatrixXd &normals) {
            normals.resize(drawn, 1); // one path's, drawn in one call (SimRandom::normals)
            for (Eigen::Index p = c; p < c + n; ++p) {
                SimRandom rng(seed, static_cast<std::uint64_t>(m_globalIndex[p]));
                rng.normals(normals.data(), drawn);
                double *x = X.data() + p;
                for (int i = 0; i < drawn; ++i)
                    x[static_cast<Eigen::Index>(i) * m_localP] = normals(i);
            }
        }))
        return false;
    // Moment matching (theory §5.7): centre and whiten the stored normals so that their
    // sample covariance over the P paths is exactly I. The DMFT's dominant Monte-Carlo
    // error at small P is the sampling error of second moments (e.g. E[y z], E[w_n w_mᵀ]);
    // this removes it at an O(1/P) cost in bias. Needs P well above the dimension. Mean and
    // covariance are over all P paths of every process (two reductions).
    // (The same threshold whether or not the increments are drawn: P against all normals.)
    m_momentMatched = m_momentMatching && 4 * fullDrawn <= m_P;
    // Coupled: the whitening U⁻¹ and the map Tᵀ in one product per block of paths, X (U⁻¹ Tᵀ)
    // (with the two products one after the other the phase-retrieval preset's DMFT took
    // 1.50-1.56 s instead of 1.33-1.37 s)
    Eigen::MatrixXd couplingMap;
    if (m_coupling)
        couplingMap = m_coupling->T.topLeftCorner(used, drawn).transpose();
    if (m_momentMatched && m_coupling && m_fineWhitening && m_fineWhitening->L.rows() == drawn) {
        // the finer solve's replica whitened these very normals: its mean and factor (what the
        // branch below would compute again, bit for bit)
        X.rowwise() -= m_fineWhitening->mean;
        m_fineWhitening->L.transpose().triangularView<Eigen::Upper>().solveInPlace(couplingMap); // U⁻¹ Tᵀ
    } else if (m_momentMatched) {
        Eigen::RowVectorXd mean = X.colwise().sum();
        m_reducer->sumInPlace(mean.data(), mean.size());
        mean /= m_P;
        X.rowwise() -= mean;
        Eigen::MatrixXd cov = Eigen::MatrixXd::Zero(drawn, drawn);
        for (Eigen::Index c = 0; c < m_localP; c += kBlock) {
            if (cancelled())
                return false;
            cov.selfadjointView<Eigen::Lower>().rankUpdate(
                X.middleRows(c, std::min<Eigen::Index>(kBlock, m_localP - c)).transpose(), 1.0 / m_P);
        }
        m_reducer->sumInPlace(cov.data(), cov.size());
        Eigen::LLT<Eigen::MatrixXd> llt(cov.selfadjointView<Eigen::Lower>());
        if (llt.info() == Eigen::Success) {
            // each path's row x becomes x L⁻ᵀ (= (L⁻¹ xᵀ)ᵀ) = x U⁻¹ with U = Lᵀ: U⁻¹ once
            // (rows × rows, upper triangular), then a triangular matrix product per block of
            // paths, which runs at GEMM speed where the substitution (a triangular solve with
            // many right-hand sides) took 6 % of a logistic-regression DMFT's CPU
            auto whitening = std::make_shared<Whitening>();
            whitening->mean = std::move(mean);
            whitening->L = llt.matrixL();
            if (m_coupling)
                whitening->L.transpose().triangularView<Eigen::Upper>().solveInPlace(couplingMap); // U⁻¹ Tᵀ
            else
                m_whitening = std::move(whitening); // for coarser solves coupled to this one
            const Eigen::MatrixXd Uinv = m_coupling
                ? Eigen::MatrixXd()
                : llt.matrixU().solve(Eigen::MatrixXd::Identity(drawn, drawn));
            if (!m_coupling && !inBlocks([&](Eigen::Index c, Eigen::Index n, Eigen::MatrixXd &whitened) {
                    auto block = X.middleRows(c, n);
                    whitened.noalias() = block * Uinv.triangularView<Eigen::Upper>();
                    block = whitened;
                }))
                return false;
        } else {
            m_momentMatched = false;
        }
    }
    if (m_coupling) {
        // T's rows are orthonormal: still independent standard normals, still whitened
        Eigen::MatrixXd mapped;
        resizeWithHugePages(mapped, m_localP, used);
        if (!inBlocks([&](Eigen::Index c, Eigen::Index n, Eigen::MatrixXd &) {
                mapped.middleRows(c, n).noalias() = X.middleRows(c, n) * couplingMap;
            }))
            return false;
        X.swap(mapped);
    }
    // dG = (s / α) g: the quotients once, not at every step of every iteration. With τ = 0 they
    // are all Δ / α (bit for bit what m_S would hold): sOverAlpha().
    if (increments) {
        resizeWithHugePages(m_S, m_localP, m_N + 1);
        m_S = (m_dt - std::sqrt(m_tau * m_alpha * m_dt) * X.rightCols(m_N + 1).array()).matrix();
        m_S /= m_alpha;
    } else {
        m_S.resize(0, 0);
    }
    const Eigen::VectorXd eps = X.col(Dz); // the label noise's normal
    X.conservativeResize(Eigen::NoChange, Dz); // ξ: the leading columns, kept in place
    m_xi.swap(X);
    // z = chol(ρ) ξ_z is the same in every iteration (the factor's leading block).
    const Eigen::MatrixXd Lz = Eigen::LLT<Eigen::MatrixXd>(m_rho).matrixL();
    m_Z = m_xi.leftCols(m_ks) * Lz.transpose();
    m_y.resize(m_localP);
    Eigen::VectorXd z(m_ks);
    for (int p = 0; p < m_localP; ++p) {
        z = m_Z.row(p).transpose();
        m_y[p] = m_problem.label(z.data(), eps[p]);
    }
    return true;
}

void DmftReplica::ensureTangentStorage()
{
    const Eigen::Index cols = static_cast<Eigen::Index>(m_N + 1) * m_k * m_k;
    if (!usesTiledKernels()) {
        m_HsTiles.resize(0, 0);
        if (m_Hs.rows() != m_PJ || m_Hs.cols() != cols) {
            resizeWithHugePages(m_Hs, m_PJ, cols);
            resizeWithHugePages(m_As, m_PJ, cols);
        }
        return;
    }
    m_Hs.resize(0, 0);
    m_As.resize(0, 0);
    if (static_cast<int>(m_tileOffset.size()) == m_PJ && m_HsTiles.rows() == cols * kPathTile)
        return;
    // step()'s tangent chunks (parallelTasks over m_PJ), then tiles of kPathTile paths from a
    // chunk's first path
    const int tasks = tangentTasks(m_PJ);
    m_tileOffset.assign(m_PJ, 0);
    Eigen::Index tiles = 0;
    for (int t = 0; t < tasks; ++t) {
        const int q0 = static_cast<int>(static_cast<long>(m_PJ) * t / tasks),
                  q1 = static_cast<int>(static_cast<long>(m_PJ) * (t + 1) / tasks);
        for (int q = q0; q < q1; ++q)
            m_tileOffset[q] = (tiles + (q - q0) / kPathTile) * cols * kPathTile + (q - q0) % kPathTile;
        tiles += (q1 - q0 + kPathTile - 1) / kPathTile;
    }
    resizeWithHugePages(m_HsTiles, cols * kPathTile, tiles);
    // the lanes past a chunk's last path 0; the first touch of its pages shared by the threads
    parallelChunks(m_threads, static_cast<int>(tiles),
        [&](int, int t0, int t1) { m_HsTiles.middleCols(t0, t1 - t0).setZero(); });
    if (constantS()) {
        m_STiles.resize(0, 0);
        return;
    }
    // s / α of the tangent paths, the same in every iteration, laid out once (lane q at step n)
    resizeWithHugePages(m_STiles, (m_N + 1) * kPathTile, tiles);
    m_STiles.setZero();
    for (int q = 0; q < m_PJ; ++q) {
        const Eigen::Index tile = m_tileOffset[q] / m_HsTiles.rows(), lane = m_tileOffset[q] % kPathTile;
        for (int n = 0; n <= m_N; ++n)
            m_STiles(static_cast<Eigen::Index>(n) * kPathTile + lane, tile) = m_S(q, n);
    }
}

void DmftReplica::setState(const Eigen::MatrixXd &C, const Eigen::MatrixXd &M, const Eigen::MatrixXd &R)
{
    m_C = C;
    m_M = M;
    m_R = R;
    m_factoredNext = false;
}

void DmftReplica::setNoLearningState()
{
    m_C.resize(m_D, m_D);
    m_M.resize(m_D, m_ks);
    m_R = Eigen::MatrixXd::Zero(m_D, m_D);
    const double lambda = m_problem.spec().ridge;
    for (int n = 0; n <= m_N; ++n) {
        m_M.middleRows(n * m_k, m_k) = m_M0;
        for (int m = 0; m <= m_N; ++m) {
            m_C.block(n * m_k, m * m_k, m_k, m_k) = m_Q0;
            if (m < n)
                m_R.block(n * m_k, m * m_k, m_k, m_k)
                    = std::exp(-lambda * (n - m - 1) * m_dt) * Eigen::MatrixXd::Identity(m_k, m_k);
        }
    }
}

bool DmftReplica::factorCovariance(Eigen::MatrixXd &L) const
{
    const int Dz = m_ks + m_D;
    Eigen::MatrixXd Sigma(Dz, Dz);
    Sigma.topLeftCorner(m_ks, m_ks) = m_rho;
    Sigma.bottomLeftCorner(m_D, m_ks) = m_M;
    Sigma.topRightCorner(m_ks, m_D) = m_M.transpose();
    Sigma.bottomRightCorner(m_D, m_D) = m_C;
    // The jitter of w_n's entries scales with the largest Q up to t_n, as march() adds it: at
    // τ = 0 Cov(z, w) is singular to rounding and takes the jitter at its square root, so a
    // jitter on the final largest Q put the iterated fixed point 1e-4 away from the marched one
    // (gradient-flow logistic regression, N = 50).
    Eigen::VectorXd scale(m_D);
    double running = 0.0;
    for (int n = 0; n <= m_N; ++n) {
        running = std::max(running, m_C.diagonal().segment(n * m_k, m_k).cwiseAbs().maxCoeff());
        scale.segment(n * m_k, m_k).setConstant(std::max(1e-300, running));
    }
    for (double jitter = kJitterFirst; jitter <= kJitterLast; jitter *= kJitterGrowth) {
        Eigen::MatrixXd S = Sigma;
        S.diagonal().tail(m_D) += jitter * scale;
        Eigen::LLT<Eigen::MatrixXd> llt(S);
        if (llt.info() == Eigen::Success) {
            L = llt.matrixL();
            return true;
        }
    }
    return false;
}

void DmftReplica::forwardChunk(int p0, int p1, const std::atomic<bool> *cancel, Eigen::VectorXd &loss,
    Eigen::MatrixXd &Hsum, Eigen::MatrixXd &CuSum, Eigen::MatrixXd &gzSum, double *modelSeconds)
{
    // Path-major storage (row p = path p, column n k + a = unit a at time n): the per-step
    // product over a block of paths is a column-major GEMV and every write is contiguous.
    // Blocks of kPathBlock paths go through all time steps at once, so that their history
    // dG (block × D) stays in cache for the memory term of every step.
    // The block's (z, w), G and dG live in buffers of the block's size (kept in the replica's
    // P × D arrays only when keepsPaths(): 4 × 8 P D bytes less per replica, ~65 MB at the
    // presets, whose first touch was a tenth of the committee's DMFT time).
    // Time blocks: the memory term of the steps in [n0, n1) from the steps before n0 is one
    // product, (c × n0 k)·(n0 k × (n1 − n0) k); only the steps inside the block are left to
    // the per-step products (the blocked triangular solve). Measured on committee-erf
    // (k = 2, N = 100) with the tangents' sub-blocks: user time of 8 iterations 2.04 → 1.90 s
    // (median of 3, on a loaded machine). For k ≤ 3 that product runs in register tiles of 16
    // paths (preactivationRows): as a GEMM it packed dG (c × n0 k) again for every time block.
    // Unless w is kept, the tiles also compute w = L ξ row by row, in place of the blocked
    // triangular product. Path kernel, A/B over 5 alternating runs: the memory in tiles gave
    // logistic −2 %, phase retrieval −6 %, committee −7 %; w in them on top of that logistic −6 %
    // at N = 100 and −13 % at N = 50, phase retrieval −8 %, committee −1 to −3 %.
    constexpr int kTimeBlock = 16;
    const int k = m_k, kk = k * k;
    // Tangents need H̃ (E[H̃_n] is K's diagonal); the Stein estimator of K and the fresh-path
    // train loss do not, and the fresh paths need neither C_u nor E[g zᵀ].
    const bool needH = needsTangentInputs();
    const bool keep = keepsPaths(), keepR = keepsPreactivations();
    // For k ≤ 3 the tiles compute the memory term, and w with it (preactivationTiles) unless w is
    // kept.
    const bool tiles = usesTiledKernels(), wTiles = tiles && !keep;
    Eigen::MatrixXd r, H, Rblock, zw, Gb, dGb, lastXi;
    // C_u's Gram matrix in lanes over the chunk (gramLanes), summed over the lanes at its end, where
    // the lanes fit an L2 of 1 MB (D ≤ 128); beyond, Eigen's rankUpdate per block, as without the
    // tiles. kernels bench, path kernels, 2 alternating runs: phase retrieval N = 25 1.2 → 0.9 ms
    // per iteration, N = 50 3.6 → 2.9–3.1, N = 100 10.3–10.8 → 9.7–9.9; logistic N = 120 (D = 121)
    // 6.5–6.8 → 6.4–6.6; the committee at N = 100 (D = 202, 2.6 MB of lanes) 17.3–18.5 → 18.2–18.7.
    constexpr std::size_t kGramLaneBytes = 1u << 20;
    const bool laneGram
        = tiles && !m_pathsOnly && 8 * static_cast<std::size_t>(m_D) * m_D * sizeof(double) <= kGramLaneBytes;
    std::vector<double> gramSums(laneGram ? 8 * static_cast<std::size_t>(m_D) * m_D : 0, 0.0);
    for (int b0 = p0; b0 < p1; b0 += kPathBlock) {
        const int c = std::min(kPathBlock, p1 - b0);
        // (z, w) = L ξ for the block's paths: a triangular matrix product into a temporary
        // (taking .rightCols() of the product expression directly evaluated it coefficient
        // by coefficient, without the blocked kernel); w is its columns from k* on
        if (!wTiles)
            zw.noalias() = m_xi.middleRows(b0, c) * m_L.transpose().triangularView<Eigen::Upper>();
        // dG and the time block's r in whole tiles of kPathTile rows (preactivationRows), the
        // padding 0
        const int cT = (c + kPathTile - 1) / kPathTile * kPathTile;
        const bool lastPadded = cT != c;
        if (wTiles && lastPadded) { // the last tile's normals, padded with zeros
            lastXi.setZero(kPathTile, m_ks + m_D);
            lastXi.topRows(c - (cT - kPathTile))
                = m_xi.block(b0 + cT - kPathTile, 0, c - (cT - kPathTile), m_ks + m_D);
        }
        Gb.resize(c, m_D);
        dGb.resize(cT, m_D);
        dGb.bottomRows(cT - c).setZero();
        const auto y = m_y.segment(b0, c);
        const int cJ = std::clamp(m_PJ - b0, 0, c); // tangent paths in this block
        for (int n = 0; n <= m_N; ++n) {
            if (cancel && cancel->load(std::memory_order_relaxed))
                return;
            const int n0 = n - n % kTimeBlock;
            if (n == n0) {
                const int width = (std::min(n0 + kTimeBlock, m_N + 1) - n0) * k;
                Rblock.resize(cT, width);
                if (!wTiles) {
                    Rblock.topRows(c) = zw.middleCols(m_ks + n0 * k, width);
                    Rblock.bottomRows(cT - c).setZero();
                }
                if (tiles && (wTiles || n0 > 0)) {
                    // w (unless taken from zw above) less the memory, tile by tile
                    withUnits(k, [&](auto units) {
                        preactivationTiles<decltype(units)::value>(cT / kPathTile, width / k, n0, m_ks,
                            wTiles ? m_xi.data() + b0 : nullptr, m_xi.outerStride(), lastXi.data(),
                            lastPadded, m_L.data(), m_L.outerStride(), dGb.data(), dGb.outerStride(),
                            m_R.data(), m_R.outerStride(), Rblock.data(), Rblock.outerStride());
                    });
                } else if (n0 > 0) {
                    Rblock.noalias()
                        -= dGb.leftCols(n0 * k) * m_R.block(n0 * k, 0, width, n0 * k).transpose();
                }
            }
            r = Rblock.topRows(c).middleCols((n - n0) * k, k);
            if (n > n0)
                subtractProductTransposed(r, dGb.topRows(c).middleCols(n0 * k, (n - n0) * k),
                    m_R.block(n * k, n0 * k, k, (n - n0) * k));
            if (keepR)
                m_Rpre.block(b0, n * k, c, k) = r;
            // the model's per-step work, from here to the end of the step (setModelTiming)
            const bool timeModel = m_modelTiming && modelSeconds;
            const Clock::time_point modelStart = timeModel ? Clock::now() : Clock::time_point();
            const auto modelEnd = [&] {
                if (timeModel)
                    *modelSeconds += seconds(modelStart);
            };
            auto G = Gb.middleCols(n * k, k);
            loss[n] += m_problem.evaluateBatch(r, y, G, needH ? &H : nullptr, m_tamingStep);
            // dG_n = s_n g_n / α with s_n = Δ − √(τα) ΔB_n (m_S holds s_n / α)
            timesSOverAlpha(dGb.topRows(c).middleCols(n * k, k), G, n, b0);
            if (!needH) {
                modelEnd();
                continue;
            }
            const Eigen::RowVectorXd hsum = H.colwise().sum();
            for (int bb = 0; bb < k; ++bb)
                for (int a = 0; a < k; ++a)
                    Hsum(n * k + a, bb) += hsum[a + bb * k];
            if (cJ > 0 && tiles) {
                // H̃ into the tangents' tiles (tangentChunk reads them in place and forms A = (s/α) H̃
                // from them and the s / α tiles ensureTangentStorage filled): lane q of its tile.
                // Storing A in every iteration wrote 8 P_J (N+1) k² bytes more: SPOC's paths
                // 9.2 → 7.2 ms per iteration (medians of 8 alternating runs).
                double *hs = m_HsTiles.data();
                for (int e = 0; e < kk; ++e) {
                    const Eigen::Index col = (static_cast<Eigen::Index>(n) * kk + e) * kPathTile;
                    for (int i = 0; i < cJ; ++i)
                        hs[m_tileOffset[b0 + i] + col] = H(i, e);
                }
            } else if (cJ > 0) {
                m_Hs.block(b0, n * kk, cJ, kk) = H.topRows(cJ);
                timesSOverAlpha(m_As.block(b0, n * kk, cJ, kk), H.topRows(cJ), n, b0);
            }
            modelEnd();
        }
        // C_u(n,m) = α E[dG_n dG_mᵀ] as a Gram matrix, so that C_θ = … + R C_u Rᵀ stays
        // positive semidefinite jointly with M (the Gaussian of the next iteration must
        // exist). An Itô conditioned estimator (E[s_n | past] = Δ for the later index) has the
        // same mean but is not PSD; it broke phase retrieval near exact recovery, where (z, w)
        // is nearly singular.
        if (keep) {
            m_W.middleRows(b0, c) = zw.rightCols(m_D);
            m_G.middleRows(b0, c) = Gb;
            m_dG.middleRows(b0, c) = dGb.topRows(c);
        }
        if (m_pathsOnly)
            continue;
        if (laneGram)
            gramLanes(m_D, cT, dGb.data(), dGb.outerStride(), gramSums.data());
        else
            CuSum.selfadjointView<Eigen::Lower>().rankUpdate(dGb.topRows(c).transpose());
        gzSum.noalias() += Gb.transpose() * m_Z.middleRows(b0, c);
    }
    if (laneGram) // the lanes summed once, for the lower triangle
        for (int n = 0; n < m_D; ++n)
            for (int m = 0; m <= n; ++m) {
                const double *lanes = gramSums.data() + 8 * (static_cast<std::size_t>(n) * m_D + m);
                double sum = 0.0;
                for (int l = 0; l < 8; ++l)
                    sum += lanes[l];
                CuSum(n, m) += sum;
            }
}

void DmftReplica::tangentChunk(int q0, int q1, const std::atomic<bool> *cancel, Eigen::MatrixXd &Ksum) const
{
    const int k = m_k, kk = k * k, N = m_N;
    if (q1 <= q0)
        return;
    if (usesTiledKernels()) {
        // register tiles of kPathTile paths (tangentTile), H̃ and s / α read in place from the
        // tiles forwardChunk wrote (the last one's lanes past q1 are 0).
        // Copying H̃ and A out of path rows (P_J × (N+1)k², 102 columns P_J × 8 bytes apart for
        // every tile of 16 paths) was 7 % of the SPOC workload's profile: its tangents
        // 16.5–17.7 → 15.1–15.6 ms per iteration (one thread, 6 alternating runs).
        // The lanes' sums (8 per entry of K) are added up over all the chunk's tiles and summed
        // over the lanes once at its end: summing them for every tile and column was a tenth of
        // the SPOC workload's tangent time (horizontal adds; 15.4 → 15.0 ms per iteration).
        // Past kChunkLaneSumBytes, per tile and slice of columns.
        constexpr int W = kPathTile;
        constexpr int kColumns = 16; // columns per slice, to look at cancel between them
        const std::size_t D = static_cast<std::size_t>(N + 1) * k;
        const bool chunkSums = 8 * D * D * sizeof(double) <= kChunkLaneSumBytes;
        std::vector<double> Y(D * W), Kl(chunkSums ? 8 * D * D : 8 * D * kColumns * k, 0.0);
        const bool constant = constantS();
        for (int t0 = q0; t0 < q1; t0 += W) {
            assert(m_tileOffset[t0] % m_HsTiles.rows() == 0); // t0 is lane 0 of its tile
            const double *H = m_HsTiles.data() + m_tileOffset[t0];
            const TileScale S {
                constant ? nullptr : m_STiles.data() + m_tileOffset[t0] / m_HsTiles.rows() * m_STiles.rows(),
                sOverAlpha()
            };
            for (int m0 = 0; m0 < N; m0 += kColumns) {
                if (cancel && cancel->load(std::memory_order_relaxed))
                    return;
                const int m1 = std::min(m0 + kColumns, N);
                double *lanes = chunkSums ? Kl.data() + 8 * D * m0 * k : Kl.data();
                withUnits(k, [&](auto units) {
                    tangentTile<decltype(units)::value>(
                        N, m0, m1, H, S, m_R.data(), m_R.outerStride(), Y.data(), lanes);
                });
                if (!chunkSums)
                    tangentLaneSums(k, N, m0, m1, lanes, Ksum.data(), Ksum.outerStride(), true);
            }
        }
        if (chunkSums)
            tangentLaneSums(k, N, 0, N, Kl.data(), Ksum.data(), Ksum.outerStride(), false);
        return;
    }
    // Blocks of at most kTangentBlock paths, each through every column m: their Xt and Yt
    // (2 × 8 k c D bytes, 210 KB at k = 1, N = 50) stay in L2 for the whole pass. A chunk of
    // 5000 paths (SPOC: 2·10⁴ tangent paths in 4 chunks) streamed 4 MB per column.
    constexpr int kTangentBlock = 256;
    if (q1 - q0 > kTangentBlock) {
        for (int b0 = q0; b0 < q1; b0 += kTangentBlock)
            tangentChunk(b0, std::min(b0 + kTangentBlock, q1), cancel, Ksum);
        return;
    }
    const int c = q1 - q0;
    constexpr int kBlock = 24; // time steps per GEMM block
    constexpr int kSubBlock = 6; // time steps per GEMM sub-block inside a block
    // Xt: transposed tangents of every path in the chunk for one column m: row j c + q is
    // direction j of path q, column n k + a is unit a at time n, i.e. the block of path q
    // is J_nmᵀ; Yt likewise holds (A_l J_lm)ᵀ with A_l = s_l H̃_l / α. Rows are direction
    // major, so that one direction of all paths is a contiguous column segment.
    Eigen::MatrixXd Xt(c * k, m_D), Yt(c * k, m_D);
    for (int m = 0; m < N; ++m) {
        if (cancel && cancel->load(std::memory_order_relaxed))
            return;
        // (A_m J_mm)ᵀ = A_mᵀ: entry (j, a) is A_m(a, j), column a + j k of m_As
        for (int j = 0; j < k; ++j)
            for (int a = 0; a < k; ++a)
                Yt.col(m * k + a).segment(j * c, c) = m_As.col(m * kk + a + j * k).segment(q0, c);
        for (int n0 = m + 1; n0 <= N; n0 += kBlock) {
            const int n1 = std::min(n0 + kBlock, N + 1);
            Xt.middleCols(n0 * k, (n1 - n0) * k).noalias() = -Yt.middleCols(m * k, (n0 - m) * k)
                * m_R.block(n0 * k, m * k, (n1 - n0) * k, (n0 - m) * k).transpose();
            for (int n = n0; n < n1; ++n) {
                // second level: at the start of each sub-block [s0, s1), the memory of the
                // steps in [n0, s0) is one GEMM; the per-step products cover [s0, n) only
                const int s0 = n - (n - n0) % kSubBlock;
                if (n == s0 && s0 > n0) {
                    const int s1 = std::min(s0 + kSubBlock, n1);
                    Xt.middleCols(s0 * k, (s1 - s0) * k).noalias() -= Yt.middleCols(n0 * k, (s0 - n0) * k)
                        * m_R.block(s0 * k, n0 * k, (s1 - s0) * k, (s0 - n0) * k).transpose();
                }
                if (n > s0)
                    subtractProductTransposed(Xt.middleCols(n * k, k), Yt.middleCols(s0 * k, (n - s0) * k),
                        m_R.block(n * k, s0 * k, k, (n - s0) * k));
                // K_nm += H̃_n J_nm and (A_n J_nm)ᵀ, path by path as columns over the paths:
                // entry (a, j) of both is Σ_b (H̃_n or A_n)(a, b) J_nm(b, j).
                for (int j = 0; j < k; ++j)
                    for (int a = 0; a < k; ++a) {
                        auto Y = Yt.col(n * k + a).segment(j * c, c);
                        double kv = 0.0;
                        for (int b = 0; b < k; ++b) {
                            const auto J = Xt.col(n * k + b).segment(j * c, c);
                            const auto A = m_As.col(n * kk + a + b * k).segment(q0, c);
                            kv += m_Hs.col(n * kk + a + b * k).segment(q0, c).dot(J);
                            if (b == 0)
                                Y = A.cwiseProduct(J);
                            else
                                Y += A.cwiseProduct(J);
                        }
                        Ksum(n * k + a, m * k + j) += kv;
                    }
            }
        }
    }
}

Eigen::MatrixXd DmftReplica::meanKernelRow(int n, const Eigen::MatrixXd &R, Eigen::MatrixXd &Jbar) const
{
    // J̄ is block lower triangular with J̄_nn = I; row block n is
    //   J̄_n,<n = −[R_θ(n,0) Ā … R_θ(n,n−1) Ā] J̄_<n,<n,  Ā = Δ H̄ / α.
    const int k = m_k;
    const Eigen::MatrixXd Abar = (m_dt / m_alpha) * m_Hbar;
    Jbar.block(n * k, n * k, k, k).setIdentity();
    if (n > 0) {
        Eigen::MatrixXd RA(k, n * k);
        for (int l = 0; l < n; ++l)
            RA.middleCols(l * k, k).noalias() = R.block(n * k, l * k, k, k) * Abar;
        Jbar.block(n * k, 0, k, n * k).noalias()
            = -(RA * Jbar.topLeftCorner(n * k, n * k).triangularView<Eigen::Lower>());
    }
    return m_Hbar * Jbar.block(n * k, 0, k, (n + 1) * k);
}

void DmftReplica::exactKernels(Eigen::MatrixXd &Cu, Eigen::MatrixXd &gz, Eigen::MatrixXd &K)
{
    Cu.setZero(m_D, m_D);
    gz.setZero(m_D, m_ks);
    K.setZero(m_D, m_D);
    Eigen::MatrixXd Jbar = Eigen::MatrixXd::Zero(m_D, m_D);
    m_trainLoss.resize(m_N + 1);
    for (int n = 0; n <= m_N; ++n) {
        m_moments->row(n, m_Cdrawn, m_Mdrawn, m_Rdrawn);
        m_trainLoss[n] = m_moments->trainLoss(n);
        exactRow(n, m_Rdrawn, Cu, gz, K, Jbar);
    }
}

void DmftReplica::exactRow(int n, const Eigen::MatrixXd &R, Eigen::MatrixXd &Cu, Eigen::MatrixXd &gz,
    Eigen::MatrixXd &K, Eigen::MatrixXd &Jbar) const
{
    const int k = m_k;
    for (int m = 0; m <= n; ++m) {
        const double c = m_moments->cu(n, m);
        Cu.block(n * k, m * k, k, k).setConstant(c);
        Cu.block(m * k, n * k, k, k).setConstant(c);
    }
    gz.middleRows(n * k, k) = m_moments->gz(n);
    K.block(n * k, 0, k, (n + 1) * k) = meanKernelRow(n, R, Jbar);
}

void DmftReplica::sumAcrossProcesses(std::initializer_list<std::pair<double *, Eigen::Index>> parts) const
{
    // One message for all the sums of a step: pack, reduce, unpack.
    std::size_t n = 0;
    for (const auto &part : parts)
        n += static_cast<std::size_t>(part.second);
    std::vector<double> buffer(n);
    double *at = buffer.data();
    for (const auto &part : parts)
        at = std::copy(part.first, part.first + part.second, at);
    m_reducer->sumInPlace(buffer.data(), n);
    at = buffer.data();
    for (const auto &part : parts) {
        std::copy(at, at + part.second, part.first);
        at += part.second;
    }
}

void DmftReplica::releasePaths()
{
    for (Eigen::MatrixXd *m :
        { &m_xi, &m_S, &m_Z, &m_W, &m_G, &m_dG, &m_Rpre, &m_Hs, &m_As, &m_HsTiles, &m_STiles })
        m->resize(0, 0);
    m_tileOffset.clear();
    m_y.resize(0);
    m_pathsReleased = true;
}

DmftReplica::StepResult DmftReplica::step(const std::atomic<bool> *cancel)
{
    if (m_pathsReleased)
        throw std::logic_error("DmftReplica::step after releasePaths");
    const int k = m_k, D = m_D, N = m_N;
    auto t0 = Clock::now();
    // The state was factored when the previous step published it; a state set from outside
    // (start, fresh paths) is factored here.
    if (m_factoredNext)
        m_L.swap(m_Lnext);
    else if (!factorCovariance(m_L))
        return StepResult::NotPositiveSemidefinite;
    m_factoredNext = false;
    m_previousTrainLoss = m_trainLoss; // of the previous iterate, for the truncation estimate
    m_Cdrawn = m_C;
    m_Mdrawn = m_M;
    m_Rdrawn = m_R;
    m_timings.factor += seconds(t0);
    if (keepsPaths() != holdsAllPaths()) {
        for (Eigen::MatrixXd *m : { &m_W, &m_G, &m_dG }) {
            if (keepsPaths())
                resizeWithHugePages(*m, m_localP, m_D);
            else
                m->resize(0, 0);
        }
    }
    if (keepsPreactivations() != holdsPreactivations()) {
        if (keepsPreactivations())
            resizeWithHugePages(m_Rpre, m_localP, m_D);
        else
            m_Rpre.resize(0, 0);
    }

    // r-process over all paths, split across threads. With exact second moments the kernels
    // come from exactKernels, and the paths run only when they are to be kept.
    const bool exact = m_exactMoments && !m_pathsOnly, runsPaths = !exact || keepsPaths();
    if (runsPaths && !ensurePaths(cancel))
        return StepResult::Cancelled;
    if (runsPaths && needsTangentInputs())
        ensureTangentStorage(); // where forwardChunk (below) writes the tangent paths' H̃
    Eigen::MatrixXd Cu, gz, K, Hsum;
    if (exact) {
        t0 = Clock::now();
        if (keepsPaths()) {
            Eigen::VectorXd loss = Eigen::VectorXd::Zero(N + 1);
            Eigen::MatrixXd h = Eigen::MatrixXd::Zero(D, k), cu = Eigen::MatrixXd::Zero(D, D),
                            g = Eigen::MatrixXd::Zero(D, m_ks);
            parallelTasks(m_threads, 1, m_localP,
                [&](int, int p0, int p1) { forwardChunk(p0, p1, cancel, loss, h, cu, g); });
            if (cancel && cancel->load())
                return StepResult::Cancelled;
        }
        exactKernels(Cu, gz, K);
        m_timings.paths += seconds(t0);
    } else {
        t0 = Clock::now();
        const int chunks = std::max(1, std::min(kReductionChunks, m_localP));
        std::vector<Eigen::VectorXd> loss(chunks, Eigen::VectorXd::Zero(N + 1));
        std::vector<Eigen::MatrixXd> HsumCh(chunks, Eigen::MatrixXd::Zero(D, k));
        std::vector<Eigen::MatrixXd> CuSum(chunks, Eigen::MatrixXd::Zero(D, D));
        std::vector<Eigen::MatrixXd> gzSum(chunks, Eigen::MatrixXd::Zero(D, m_ks));
        std::vector<double> model(chunks, 0.0);
        parallelTasks(m_threads, chunks, m_localP, [&](int ch, int p0, int p1) {
            forwardChunk(p0, p1, cancel, loss[ch], HsumCh[ch], CuSum[ch], gzSum[ch], &model[ch]);
        });
        // wall time, as `paths`: the threads' model seconds shared out over the threads
        m_timings.pathsModel += std::accumulate(model.begin(), model.end(), 0.0) / std::max(1, m_threads);
        if (cancel && cancel->load())
            return StepResult::Cancelled;
        for (int ch = 1; ch < chunks && ch < static_cast<int>(loss.size()); ++ch) {
            loss[0] += loss[ch];
            HsumCh[0] += HsumCh[ch];
            CuSum[0] += CuSum[ch];
            gzSum[0] += gzSum[ch];
        }
        // The threads' sums of this process, then the sums of all processes (the paths-only
        // step of the fresh paths needs the loss alone).
        if (m_reducer->distributed()) {
            if (m_pathsOnly)
                m_reducer->sumInPlace(loss[0].data(), loss[0].size());
            else
                sumAcrossProcesses(
                    { { loss[0].data(), loss[0].size() }, { HsumCh[0].data(), HsumCh[0].size() },
                        { CuSum[0].data(), CuSum[0].size() }, { gzSum[0].data(), gzSum[0].size() } });
        }
        m_trainLoss = loss[0] / m_P;
        if (m_pathsOnly)
            return StepResult::Ok;
        // The step's kernels are published together once K is known (below): a step cancelled
        // in between leaves the previous C_u, E[g zᵀ] and K, never a mix.
        Cu = CuSum[0].selfadjointView<Eigen::Lower>();
        Cu *= m_alpha / m_P;
        gz = gzSum[0] / m_P;
        Hsum = std::move(HsumCh[0]);
        m_timings.paths += seconds(t0);
    }

    if (exact) {
        // train loss, C_u, E[g zᵀ] and K all from exactKernels
    } else if (m_steinKernel) {
        // K from Stein's identity on all P paths (steinKernel()); no tangents
        t0 = Clock::now();
        const double scale = std::max(1e-300, m_Cdrawn.diagonal().maxCoeff());
        m_steinConditioning = std::numeric_limits<double>::infinity();
        for (int j = m_ks + k; j < m_ks + D; ++j)
            m_steinConditioning = std::min(m_steinConditioning, m_L(j, j) * m_L(j, j) / scale);
        if (!(m_steinConditioning >= kSteinMinInnovation))
            return StepResult::IllConditioned;
        K = steinKernel();
        m_timings.tangents += seconds(t0);
    } else if (m_meanKernel) {
        // K as the exact mean of the tangents (setMeanKernel), from the R_θ the paths used
        t0 = Clock::now();
        K = Eigen::MatrixXd::Zero(D, D);
        Eigen::MatrixXd Jbar = Eigen::MatrixXd::Zero(D, D);
        for (int n = 0; n <= N; ++n)
            K.block(n * k, 0, k, (n + 1) * k) = meanKernelRow(n, m_Rdrawn, Jbar);
        m_timings.tangents += seconds(t0);
    } else {
        // tangents on the first P_J paths
        t0 = Clock::now();
        const int tangentChunks = tangentTasks(m_PJ);
        std::vector<Eigen::MatrixXd> Ksum(tangentChunks, Eigen::MatrixXd::Zero(D, D));
        parallelTasks(m_threads, tangentChunks, m_PJ,
            [&](int ch, int q0, int q1) { tangentChunk(q0, q1, cancel, Ksum[ch]); });
        if (cancel && cancel->load())
            return StepResult::Cancelled;
        for (int ch = 1; ch < tangentChunks; ++ch)
            Ksum[0] += Ksum[ch];
        if (m_reducer->distributed())
            m_reducer->sumInPlace(Ksum[0].data(), Ksum[0].size());
        K = Ksum[0] / m_globalPJ;
        for (int n = 0; n <= N; ++n)
            K.block(n * k, n * k, k, k) = Hsum.middleRows(n * k, k) / m_P;
        m_timings.tangents += seconds(t0);
    }
    m_Cu = std::move(Cu);
    m_gz = std::move(gz);
    m_K = std::move(K);

    // μ by Stein's lemma, then the θ-process
    t0 = Clock::now();
    m_mu = (m_gz - m_K * m_M) * m_rhoInv;
    ThetaProcessInput in;
    in.steps = N;
    in.k = k;
    in.kStar = m_ks;
    in.dt = m_dt;
    in.ridge = m_problem.spec().ridge;
    in.K = m_K;
    in.Cu = m_Cu;
    in.mu = m_mu;
    in.Q0 = m_Q0;
    in.M0 = m_M0;
    in.rho = m_rho;
    ThetaProcessOutput out;
    solveThetaProcess(in, out);
    m_timings.theta += seconds(t0);

    // divergence: non-finite or exploding overlaps
    const double bound = 1e8 * (1.0 + m_Q0.cwiseAbs().maxCoeff() + m_rho.cwiseAbs().maxCoeff());
    m_divergenceIndex = -1;
    for (int n = 0; n <= N && m_divergenceIndex < 0; ++n) {
        const auto q = out.C.block(n * k, n * k, k, k);
        if (!std::isfinite(m_trainLoss[n]) || !q.allFinite() || q.cwiseAbs().maxCoeff() > bound
            || !out.M.middleRows(n * k, k).allFinite())
            m_divergenceIndex = n;
    }
    if (m_divergenceIndex >= 0 || !out.R.allFinite())
        return StepResult::Diverged;

    // residual relative to the scales, then damping
    const double cScale = std::max(1e-12, m_C.cwiseAbs().maxCoeff());
    const double mScale = std::max(1e-12,
        std::sqrt(
            std::max(m_C.diagonal().maxCoeff(), out.C.diagonal().maxCoeff()) * m_rho.diagonal().maxCoeff()));
    const double rScale = std::max(1.0, m_R.cwiseAbs().maxCoeff());
    m_residual = std::max({ (out.C - m_C).cwiseAbs().maxCoeff() / cScale,
        (out.M - m_M).cwiseAbs().maxCoeff() / mScale, (out.R - m_R).cwiseAbs().maxCoeff() / rScale });
    m_residualHistory.push_back(m_residual);
    // Mixing: damped, Anderson-accelerated over the last iterates and safeguarded against
    // growth and stalls (FixedPointMixer).
    m_previousQ.resize(m_D, k);
    for (int n = 0; n <= N; ++n)
        m_previousQ.middleRows(n * k, k) = m_C.block(n * k, n * k, k, k);
    m_previousM = m_M;
    const bool accelerated = m_mixer.memory() > 0 && !m_mixer.accelerationOff();
    setStateVector(m_mixer.next(stateVector(m_C, m_M, m_R), stateVector(out.C, out.M, out.R), m_residual));
    // Every published iterate has a factor: an accelerated step may leave the PSD cone (the
    // damped step, a convex combination of two PSD states, does not beyond round-off).
    t0 = Clock::now();
    m_factoredNext = factorCovariance(m_Lnext);
    if (!m_factoredNext && accelerated) {
        ++m_psdFallbacks;
        setStateVector(m_mixer.restartWithDampedStep());
        m_factoredNext = factorCovariance(m_Lnext);
    }
    m_timings.factor += seconds(t0);
    return m_factoredNext ? StepResult::Ok : StepResult::NotPositiveSemidefinite;
}

DmftReplica::StepResult DmftReplica::march(
    const std::atomic<bool> *cancel, const std::function<void(int)> &onStep)
{
    if (m_pathsReleased)
        throw std::logic_error("DmftReplica::march after releasePaths");
    if (!m_exactMoments && !ensurePaths(cancel))
        return StepResult::Cancelled;
    const int k = m_k, ks = m_ks, D = m_D, N = m_N, P = m_localP, PJ = m_PJ;
    const double decay = 1.0 - m_problem.spec().ridge * m_dt;
    auto t0 = Clock::now();
    DmftTimings timings;
    // The state and kernels, filled row block by row block (time-major, like step()'s).
    Eigen::MatrixXd C = Eigen::MatrixXd::Zero(D, D), M = Eigen::MatrixXd::Zero(D, ks);
    Eigen::MatrixXd R = Eigen::MatrixXd::Zero(D, D), K = Eigen::MatrixXd::Zero(D, D);
    Eigen::MatrixXd Cu = Eigen::MatrixXd::Zero(D, D), gz = Eigen::MatrixXd::Zero(D, ks);
    Eigen::MatrixXd mu = Eigen::MatrixXd::Zero(D, ks), ab = Eigen::MatrixXd::Zero(D, k + ks);
    Eigen::MatrixXd S0(k + ks, k + ks);
    S0 << m_Q0, m_M0, m_M0.transpose(), m_rho;
    ab.topLeftCorner(k, k).setIdentity(); // a_0 = I, b_0 = 0
    C.topLeftCorner(k, k) = m_Q0;
    M.topRows(k) = m_M0;
    // The factor of Cov(z, w), a row block per time; z's block is chol(ρ), as in step().
    Eigen::MatrixXd L = Eigen::MatrixXd::Zero(ks + D, ks + D);
    L.topLeftCorner(ks, ks) = Eigen::LLT<Eigen::MatrixXd>(m_rho).matrixL();
    Eigen::MatrixXd dG;
    if (!m_exactMoments)
        resizeWithHugePages(dG, P, D);
    // the tangent paths' A_m = s_m H̃_m / α (step()'s layout) and this step's adjoint y_m
    const int kk = k * k;
    // (As has PJ rounded up to whole tiles of kPathTile rows, the padding 0, for the tiled adjoint)
    const int PJtiles = (PJ + kPathTile - 1) / kPathTile * kPathTile;
    const bool tiledAdjoint = usesTiledKernels();
    // y and T of the adjoint as matrix–vector products (the tiles keep theirs per tile)
    Eigen::MatrixXd As = Eigen::MatrixXd::Zero(PJtiles, (N + 1) * kk), Yadj, T;
    if (!tiledAdjoint) {
        Yadj.resize(PJ, (N + 1) * kk);
        T.resize(PJ, kk);
    }
    std::vector<double> adjY(static_cast<std::size_t>(N + 1) * k * kPathTile),
        adjH(static_cast<std::size_t>(k) * kPathTile), adjK(static_cast<std::size_t>(N + 1) * k * 8);
    // the mean tangents J̄ (setMeanKernel), a row block per step
    const bool exact = m_exactMoments;
    Eigen::MatrixXd Jbar
        = (m_meanKernel && !m_steinKernel) || exact ? Eigen::MatrixXd::Zero(D, D) : Eigen::MatrixXd();
    Eigen::MatrixXd w(P, k), G(P, k), H(PJ, kk), Hb, Sd(k, k); // H̃ of the tangent paths
    Eigen::VectorXd loss = Eigen::VectorXd::Zero(N + 1);
    const bool distributed = m_reducer->distributed();
    double scale = 0.0;
    const double bound = 1e8 * (1.0 + m_Q0.cwiseAbs().maxCoeff() + m_rho.cwiseAbs().maxCoeff());
    m_divergenceIndex = -1;
    m_steinConditioning = std::numeric_limits<double>::infinity();
    timings.theta += seconds(t0);
    for (int n = 0; n <= N; ++n) {
        if (onStep)
            onStep(n);
        if (cancel && cancel->load(std::memory_order_relaxed))
            return StepResult::Cancelled;
        const int i0 = ks + n * k, rows = (n + 1) * k; // L's rows of w_n; blocks 0..n
        // 1. The factor's rows of w_n: L_n,<i0 = Σ_n,<i0 L_<i0⁻ᵀ, then the Cholesky factor of the
        // innovation covariance, with step()'s jitter (kJitterFirst on the running largest Q).
        t0 = Clock::now();
        scale = std::max(scale, C.block(n * k, n * k, k, k).diagonal().cwiseAbs().maxCoeff());
        Eigen::MatrixXd sigma(k, i0);
        sigma << M.middleRows(n * k, k), C.block(n * k, 0, k, n * k);
        L.block(i0, 0, k, i0)
            = L.topLeftCorner(i0, i0).triangularView<Eigen::Lower>().solve(sigma.transpose()).transpose();
        bool factored = false;
        for (double jitter = kJitterFirst; jitter <= kJitterLast && !factored; jitter *= kJitterGrowth) {
            Sd = C.block(n * k, n * k, k, k);
            Sd.diagonal().array() += jitter * std::max(1e-300, scale);
            Sd.noalias() -= L.block(i0, 0, k, i0) * L.block(i0, 0, k, i0).transpose();
            Eigen::LLT<Eigen::MatrixXd> llt(Sd);
            if (llt.info() == Eigen::Success) {
                L.block(i0, i0, k, k) = llt.matrixL();
                factored = true;
            }
        }
        if (!factored)
            return StepResult::NotPositiveSemidefinite;
        timings.factor += seconds(t0);

        if (exact) {
            // exact second moments: row n of the kernels from them
            // (LinearMoments) and the mean tangents, the same on every process
            t0 = Clock::now();
            m_moments->row(n, C, M, R);
            loss[n] = m_P * m_moments->trainLoss(n); // divided by P below, as the paths' sum
            exactRow(n, R, Cu, gz, K, Jbar);
            timings.paths += seconds(t0);
        } else {
            // 2. The paths at t_n: w_n = (L ξ)_n, r_n = w_n − Σ_{m<n} R_θ(n,m) dG_m, g, H̃, dG_n, and
            // the sums of row n: C_u = α E[dG dGᵀ] (m ≤ n), E[g_n zᵀ], K(n,n) = E[H̃_n]. In blocks of
            // paths, so that a block's ξ and dG are read from memory once for all of them
            // (matrix–vector products per unit: a GEMM would pack them first).
            t0 = Clock::now();
            const bool needH = !m_steinKernel && !m_meanKernel;
            const Eigen::MatrixXd lRows = L.block(i0, 0, k, i0 + k).transpose();
            const Eigen::MatrixXd rRows = R.block(n * k, 0, k, n * k).transpose();
            Eigen::MatrixXd cuRow = Eigen::MatrixXd::Zero(rows, k); // Σ_p dG_m dG_nᵀ for m ≤ n
            Eigen::MatrixXd gzRow = Eigen::MatrixXd::Zero(k, ks);
            Eigen::RowVectorXd hsum = Eigen::RowVectorXd::Zero(kk);
            // Stein's identity instead of tangents (steinKernel()): [μ_n, K_n,≤n] = E[g_n ξ_≤ᵀ] L_≤⁻¹
            Eigen::MatrixXd gxi = Eigen::MatrixXd::Zero(k, m_steinKernel ? i0 + k : 0);
            loss[n] = 0.0;
            for (int b0 = 0; b0 < P; b0 += kPathBlock) {
                const int c = std::min(kPathBlock, P - b0);
                const auto xi = m_xi.block(b0, 0, c, i0 + k);
                auto wb = w.middleRows(b0, c);
                auto Gb = G.middleRows(b0, c);
                // w = ξ L_nᵀ − dG_<n R_θ(n, <n)ᵀ, each block read once for all k columns
                productColumns(k, c, i0 + k, xi.data(), m_xi.outerStride(), lRows.data(), lRows.outerStride(),
                    wb.data(), w.outerStride(), 1.0, false);
                if (n > 0)
                    productColumns(k, c, n * k, dG.data() + b0, dG.outerStride(), rRows.data(),
                        rRows.outerStride(), wb.data(), w.outerStride(), -1.0, true);
                loss[n] += m_problem.evaluateBatch(
                    wb, m_y.segment(b0, c), Gb, needH ? &Hb : nullptr, m_tamingStep);
                timesSOverAlpha(dG.block(b0, n * k, c, k), Gb, n, b0);
                transposedProductColumns(k, c, rows, dG.data() + b0, dG.outerStride(),
                    dG.data() + static_cast<Eigen::Index>(n) * k * dG.outerStride() + b0, dG.outerStride(),
                    cuRow.data(), cuRow.outerStride());
                if (m_steinKernel)
                    for (int a = 0; a < k; ++a)
                        gxi.row(a).noalias() += (xi.transpose() * Gb.col(a)).transpose();
                gzRow.noalias() += Gb.transpose() * m_Z.middleRows(b0, c);
                if (needH) {
                    hsum += Hb.colwise().sum();
                    if (b0 < PJ)
                        H.middleRows(b0, std::min(c, PJ - b0)) = Hb.topRows(std::min(c, PJ - b0));
                }
            }
            timings.paths += seconds(t0);

            // 3. Tangents, by the adjoint of their recursion. With 𝐉 the block lower triangular
            // matrix of J_nm (J_mm = I) and (𝐑𝐀)(p,m) = R_θ(p,m) A_m (p > m), the forward recursion
            // J_nm = −Σ_{l=m}^{n−1} R_θ(n,l) A_l J_lm says 𝐉 = (I + 𝐑𝐀)⁻¹; so does row n of
            // 𝐉 (I + 𝐑𝐀) = I, backwards in m: with y_m = H̃_n J_nm (what K(n,m) = E[H̃_n J_nm] needs),
            //   y_n = H̃_n,  y_m = −(Σ_{p=m+1}^{n} y_p R_θ(p,m)) A_m   (m = n−1, …, 0).
            // The same flops as the forward recursion, but on this step's y (P_J × (n+1)k², in cache)
            // instead of every earlier step's tangents (P_J × N²k²/2, streamed from memory every step).
            // For k ≤ 3 in register tiles of 16 paths (adjointTile; march's tangents on the logistic
            // preset 13 → 6 ms, committee 36 → 27 ms), else as matrix–vector products.
            t0 = Clock::now();
            Eigen::MatrixXd kRow = Eigen::MatrixXd::Zero(k, m_steinKernel || m_meanKernel ? 0 : n * k);
            if (m_meanKernel && !m_steinKernel) {
                // the exact mean of the tangents (setMeanKernel): row block n of K, H̄ on its diagonal
                K.block(n * k, 0, k, rows) = meanKernelRow(n, R, Jbar);
            } else if (!m_steinKernel && PJ > 0) {
                // column m k² + a + c k of A and y: entry (a, c) of A_m, y_m of each tangent path
                for (int c = 0; c < kk; ++c) {
                    timesSOverAlpha(As.col(n * kk + c).head(PJ), H.col(c).head(PJ), n, 0);
                    if (!tiledAdjoint)
                        Yadj.col(n * kk + c) = H.col(c).head(PJ);
                }
                if (tiledAdjoint) {
                    // tiles of kPathTile paths (adjointTile), one row a of H̃_n at a time
                    for (int a = 0; a < k; ++a) {
                        std::fill(adjK.begin(), adjK.begin() + static_cast<std::ptrdiff_t>(n) * k * 8, 0.0);
                        for (int q0 = 0; q0 < PJ; q0 += kPathTile) {
                            const int width = std::min(kPathTile, PJ - q0);
                            std::fill(adjH.begin(), adjH.end(), 0.0);
                            for (int c = 0; c < k; ++c)
                                std::memcpy(adjH.data() + static_cast<std::size_t>(c) * kPathTile,
                                    &H(q0, a + c * k), sizeof(double) * width);
                            const auto A = [&](int q, int col) { return &As(q0, q * kk + col); };
                            withUnits(k, [&](auto units) {
                                adjointTile<decltype(units)::value>(
                                    n, adjH.data(), A, R.data(), R.outerStride(), adjY.data(), adjK.data());
                            });
                        }
                        const Eigen::Map<const Eigen::Matrix<double, 8, Eigen::Dynamic>> lanes(
                            adjK.data(), 8, n * k);
                        kRow.row(a) = lanes.colwise().sum();
                    }
                }
                for (int m = n - 1; m >= 0 && !tiledAdjoint; --m) {
                    // T(a, b) = −Σ_{p>m, c} y_p(a, c) R_θ(p k + c, m k + b): the columns a + (p k + c) k
                    // (y_p(a, ·) for p > m: PJ × (n − m)k columns of stride k PJ, read once for all b)
                    for (int a = 0; a < k; ++a)
                        productColumns(k, PJ, (n - m) * k,
                            Yadj.data() + (static_cast<Eigen::Index>(m + 1) * kk + a) * PJ,
                            static_cast<Eigen::Index>(k) * PJ, &R((m + 1) * k, m * k), R.outerStride(),
                            T.data() + static_cast<Eigen::Index>(a) * PJ, static_cast<Eigen::Index>(k) * PJ,
                            -1.0, false);
                    // y_m(a, b) = Σ_d T(a, d) A_m(d, b); K(n, m)(a, b) is its mean
                    for (int a = 0; a < k; ++a)
                        for (int b = 0; b < k; ++b) {
                            auto y = Yadj.col(m * kk + a + b * k);
                            y = T.col(a).cwiseProduct(As.col(m * kk + b * k).head(PJ));
                            for (int d = 1; d < k; ++d)
                                y += T.col(a + d * k).cwiseProduct(As.col(m * kk + d + b * k).head(PJ));
                            kRow(a, m * k + b) = y.sum();
                        }
                }
            }
            timings.tangents += seconds(t0);

            // the sums over paths, across processes
            t0 = Clock::now();
            if (distributed)
                sumAcrossProcesses({ { &loss[n], 1 }, { cuRow.data(), cuRow.size() },
                    { gzRow.data(), gzRow.size() }, { hsum.data(), hsum.size() },
                    { kRow.data(), kRow.size() }, { gxi.data(), gxi.size() } });
            cuRow *= m_alpha / m_P;
            Cu.block(0, n * k, rows, k) = cuRow;
            Cu.block(n * k, 0, k, rows) = cuRow.transpose(); // (not from Cu: the blocks overlap)
            gz.middleRows(n * k, k) = gzRow / m_P;
            if (!m_meanKernel || m_steinKernel)
                for (int bb = 0; bb < k; ++bb)
                    for (int a = 0; a < k; ++a)
                        K(n * k + a, n * k + bb) = hsum[a + bb * k] / m_P;
            if (m_steinKernel) {
                // as in step(): each K_nm divides by the innovation sd of w_m (L's diagonal)
                for (int j = i0; j < i0 + k && n >= 1; ++j) // w_n given (z, w_<n), n ≥ 1
                    m_steinConditioning
                        = std::min(m_steinConditioning, L(j, j) * L(j, j) / std::max(1e-300, scale));
                if (!(m_steinConditioning >= kSteinMinInnovation))
                    return StepResult::IllConditioned;
                gxi /= m_P;
                L.topLeftCorner(i0 + k, i0 + k)
                    .triangularView<Eigen::Lower>()
                    .solveInPlace<Eigen::OnTheRight>(gxi);
                K.block(n * k, 0, k, rows) = gxi.rightCols(rows);
            } else if (!m_meanKernel) {
                K.block(n * k, 0, k, n * k) = kRow / m_globalPJ;
            }
        }
        mu.middleRows(n * k, k)
            = (gz.middleRows(n * k, k) - K.block(n * k, 0, k, rows) * M.topRows(rows)) * m_rhoInv;

        // 4. The θ-process to t_{n+1} (solveThetaProcess, one row block)
        if (n < N) {
            const int n1 = n + 1;
            const auto Kn = K.block(n * k, 0, k, rows);
            R.block(n1 * k, 0, k, rows).noalias()
                = decay * R.block(n * k, 0, k, rows) - m_dt * Kn * R.topLeftCorner(rows, rows);
            R.block(n1 * k, n * k, k, k).setIdentity();
            ab.block(n1 * k, 0, k, k).noalias()
                = decay * ab.block(n * k, 0, k, k) - m_dt * Kn * ab.topLeftCorner(rows, k);
            ab.block(n1 * k, k, k, ks).noalias() = decay * ab.block(n * k, k, k, ks)
                - m_dt * (Kn * ab.block(0, k, rows, ks)) - m_dt * mu.middleRows(n * k, k);
            M.middleRows(n1 * k, k).noalias()
                = ab.block(n1 * k, 0, k, k) * m_M0 + ab.block(n1 * k, k, k, ks) * m_rho;
            // C_θ(n+1, m ≤ n+1) = [a b]_{n+1} S0 [a b]_mᵀ + R_θ(n+1,·) C_u R_θ(m,·)ᵀ
            const Eigen::MatrixXd rcu = R.block(n1 * k, 0, k, rows) * Cu.topLeftCorner(rows, rows);
            Eigen::MatrixXd row = (ab.middleRows(n1 * k, k) * S0) * ab.topRows(rows + k).transpose();
            row.noalias() += rcu * R.topLeftCorner(rows + k, rows).transpose();
            C.block(n1 * k, 0, k, rows + k) = row;
            C.block(0, n1 * k, rows, k) = row.leftCols(rows).transpose();
            const Eigen::MatrixXd q = C.block(n1 * k, n1 * k, k, k);
            C.block(n1 * k, n1 * k, k, k) = 0.5 * (q + q.transpose());
            if (!std::isfinite(loss[n]) || !q.allFinite() || q.cwiseAbs().maxCoeff() > bound
                || !M.middleRows(n1 * k, k).allFinite() || !R.block(n1 * k, 0, k, rows).allFinite()) {
                m_divergenceIndex = std::isfinite(loss[n]) ? n1 : n;
                return StepResult::Diverged;
            }
        } else if (!std::isfinite(loss[n])) {
            m_divergenceIndex = n;
            return StepResult::Diverged;
        }
        timings.theta += seconds(t0);
    }
    m_C = std::move(C);
    m_M = std::move(M);
    m_R = std::move(R);
    m_K = std::move(K);
    m_Cu = std::move(Cu);
    m_gz = std::move(gz);
    m_mu = std::move(mu);
    m_trainLoss = loss / m_P;
    m_factoredNext = false;
    m_residual = 0.0; // a fixed point by construction (DmftSolver checks one replica by a step)
    m_timings += timings;
    return StepResult::Ok;
}

void DmftReplica::adoptMarch(const DmftReplica &marched)
{
    m_C = marched.m_C;
    m_M = marched.m_M;
    m_R = marched.m_R;
    m_K = marched.m_K;
    m_Cu = marched.m_Cu;
    m_gz = marched.m_gz;
    m_mu = marched.m_mu;
    m_trainLoss = marched.m_trainLoss;
    m_factoredNext = false;
    m_residual = marched.m_residual;
    m_divergenceIndex = marched.m_divergenceIndex;
    m_steinConditioning = marched.m_steinConditioning;
}

double DmftReplica::contraction() const
{
    constexpr double kMax = 0.95; // error ≤ 19 steps: the estimate stays finite when κ ≥ 1
    const int h = static_cast<int>(m_residualHistory.size());
    const int ratios = std::min(5, h - 1);
    if (ratios < 1)
        return kMax;
    const double first = m_residualHistory[h - 1 - ratios], last = m_residualHistory[h - 1];
    if (!(first > 0.0) || !(last >= 0.0))
        return kMax;
    const double kappa = std::pow(last / first, 1.0 / ratios);
    // At least 0.5, i.e. an error of at least the last step: near their fixed points the
    // replicas contract by about 0.5 per iteration, and a rate from the first few residuals
    // understated that: stopped after 2–4 iterations, the actual distance to the fixed point
    // was 2–5 times the estimate (test_dmft_status::noiseStopCostsLittleAgainstTheMonteCarloError).
    constexpr double kMin = 0.5;
    return std::isfinite(kappa) ? std::clamp(kappa, kMin, kMax) : kMax;
}

Eigen::VectorXd DmftReplica::stateVector(
    const Eigen::MatrixXd &C, const Eigen::MatrixXd &M, const Eigen::MatrixXd &R)
{
    Eigen::VectorXd v(C.size() + M.size() + R.size());
    v << Eigen::Map<const Eigen::VectorXd>(C.data(), C.size()),
        Eigen::Map<const Eigen::VectorXd>(M.data(), M.size()),
        Eigen::Map<const Eigen::VectorXd>(R.data(), R.size());
    return v;
}

void DmftReplica::setStateVector(const Eigen::VectorXd &v)
{
    // the layout of stateVector: C, then M, then R, each column-major
    const Eigen::Index nc = m_C.size(), nm = m_M.size();
    m_C = Eigen::Map<const Eigen::MatrixXd>(v.data(), m_C.rows(), m_C.cols());
    m_M = Eigen::Map<const Eigen::MatrixXd>(v.data() + nc, m_M.rows(), m_M.cols());
    m_R = Eigen::Map<const Eigen::MatrixXd>(v.data() + nc + nm, m_R.rows(), m_R.cols());
}

std::unique_ptr<DmftReplica> DmftReplica::freshPaths(const RunConfig &config, std::uint64_t seed,
    const std::atomic<bool> *cancel, bool keepPaths, const NormalsCoupling *coupling,
    const Whitening *fineWhitening) const
{
    RunConfig c = config;
    c.dmft.tangentPaths = 1;
    // Moment matching lowers the variance of the fresh paths' train loss. With exact second
    // moments the train loss is exact and the paths only show the laws, whose histograms do
    // not need it. Whitening their (k* + D + N + 2)-dimensional normals (P × 804 at the linear
    // preset's N = 400: a Gram matrix and a triangular product per replica) took the CLI's run
    // with laws from 0.48 s (no laws) to 2.55 s; without it 1.04 s.
    const bool momentMatching = !m_exactMoments;
    auto fresh = std::make_unique<DmftReplica>(
        c, seed, m_threads, momentMatching, cancel, m_reducer, coupling, fineWhitening);
    if (cancel && cancel->load())
        return nullptr;
    fresh->setState(m_C, m_M, m_R);
    fresh->m_pathsOnly = true;
    fresh->m_keepPreactivations = keepPaths; // r only (not w, g, dG): all the laws read
    if (fresh->step(cancel) != StepResult::Ok)
        return nullptr;
    return fresh;
}

Eigen::MatrixXd DmftReplica::pathPreactivations(int n) const
{
    if (!holdsPreactivations())
        return {};
    return m_Rpre.middleCols(n * m_k, m_k); // as the step computed them
}

Eigen::MatrixXd DmftReplica::steinMismatch() const
{
    if (!holdsAllPaths() || m_K.size() == 0)
        return {};
    Eigen::MatrixXd gw = m_G.transpose() * m_W;
    m_reducer->sumInPlace(gw.data(), gw.size());
    gw /= m_P;
    return gw - m_K * m_Cdrawn - m_mu * m_Mdrawn.transpose();
}

Eigen::MatrixXd DmftReplica::steinKernel() const
{
    const int k = m_k, ks = m_ks, D = m_D;
    if (!holdsAllPaths())
        return {};
    // E[g_n ξᵀ] over all P paths; row block n keeps the columns of (z, w_0..w_n) only
    Eigen::MatrixXd A = m_G.transpose() * m_xi; // D × (k* + D)
    m_reducer->sumInPlace(A.data(), A.size());
    A /= m_P;
    for (int n = 0; n < m_N; ++n)
        A.block(n * k, ks + (n + 1) * k, k, D - (n + 1) * k).setZero();
    // A L⁻¹: L⁻¹ is lower triangular, so the truncation (causality) survives the solve
    m_L.triangularView<Eigen::Lower>().solveInPlace<Eigen::OnTheRight>(A);
    return A.rightCols(D);
}

// ---------------------------------------------------------------------------------------
// Replicas in lock step

DmftSolver::DmftSolver(const RunConfig &config)
    : m_config(config)
    , m_population(config.problem)
    , m_reducer(&singleProcess())
{
}

DmftTimings DmftSolver::timings() const
{
    DmftTimings t = m_pilotTimings;
    for (const DmftReplica *r : current())
        t += r->timings();
    return t;
}

Status DmftSolver::init(const std::atomic<bool> *cancel)
{
    m_replicas.clear();
    m_residuals.clear();
    m_noiseRatios.clear();
    m_iterations = 0;
    if (auto err = validate(m_config); !err.empty()) {
        m_status = Status::InvalidInput;
        m_message = err;
        return m_status;
    }
    if (auto err = checkDmft(m_config, m_reducer->ranks()); !err.empty()) {
        m_status = Status::InvalidInput;
        m_message = err;
        return m_status;
    }
    const int R = m_config.dmft.replicas;
    const int threads = resolvedThreads(m_config.sim.threads);
    m_workers = std::min(R, threads);
    m_threadsPerReplica = std::max(1, threads / R);
    if (m_reducer->distributed()) {
        // a replica's reductions must come from one thread, in the same order on every process
        m_workers = 1;
        m_threadsPerReplica = threads;
    }
    m_pilot.reset();
    m_pilotIterations = 0;
    m_pilotOutcome.clear();
    m_pilotTimings = {};
    m_startC.resize(0, 0);

    m_marched = false;
    m_marchFallbacks = 0;
    if (m_config.dmft.warmStart == "march") {
        // no starting state: every replica marches to its own fixed point (createReplicas)
        m_warmStartUsed = "march";
        marchFirstPicture(cancel);
        if (cancel && cancel->load()) {
            m_status = Status::Cancelled;
            m_message = "cancelled while marching forward in time";
            return m_status;
        }
        return createReplicas(cancel);
    }

    // Starting state, shared by all replicas.
    ThetaProcessOutput warm;
    bool haveWarm = false;
    m_warmStartUsed = "none";
    const std::string &mode = m_config.dmft.warmStart;
    if (mode == "ode" || mode == "pilot") {
        const OnlineOdeTrajectory traj = integrateOnlineOde(m_config, cancel);
        if (traj.status == Status::Cancelled) {
            m_status = Status::Cancelled;
            m_message = "cancelled during the ODE warm start";
            return m_status;
        }
        haveWarm = traj.status == Status::Completed && onlineWarmStart(m_config, traj, warm, cancel);
        if (cancel && cancel->load()) {
            m_status = Status::Cancelled;
            m_message = "cancelled during the ODE warm start";
            return m_status;
        }
        m_warmStartUsed = haveWarm ? "ode" : "none (the online ODE diverged; no-learning guess used)";
    }
    if (haveWarm) {
        m_startC = std::move(warm.C);
        m_startM = std::move(warm.M);
        m_startR = std::move(warm.R);
    }
    if (mode == "pilot") {
        RunConfig pc = m_config;
        pc.dmft.paths = pilotPaths();
        pc.dmft.tangentPaths = std::max(1, std::min(pc.dmft.paths, m_config.dmft.tangentPaths / 4));
        if (pc.dmft.paths >= kMinPilotPaths) {
            m_pilot = std::make_unique<DmftReplica>(
                pc, splitmix(replicaSeed(0) ^ 0x9107ULL), threads, m_momentMatching, cancel, m_reducer);
            if (cancel && cancel->load()) {
                m_pilot.reset();
                m_status = Status::Cancelled;
                m_message = "cancelled";
                return m_status;
            }
            if (m_startC.size() > 0)
                m_pilot->setState(m_startC, m_startM, m_startR);
            applyEstimators(*m_pilot);
            m_warmStartUsed += ", then a pilot solve with " + std::to_string(pc.dmft.paths) + " paths";
            m_status = Status::Running;
            m_message = "initialised (pilot solve with " + std::to_string(pc.dmft.paths) + " paths first)";
            return m_status;
        }
        m_pilotOutcome = "skipped (P/4 < " + std::to_string(kMinPilotPaths) + " paths)";
    }
    return createReplicas(cancel);
}

Status DmftSolver::createReplicas(const std::atomic<bool> *cancel)
{
    const int R = m_config.dmft.replicas;
    m_replicas.clear();
    m_replicas.resize(R);
    m_converged.assign(R, 0);
    // dmft.warm_start = march: each replica's own fixed point by forward substitution in time
    // (DmftReplica::march); the iteration that follows checks it.
    const bool march = m_config.dmft.warmStart == "march";
    // With exact second moments (no paths, nothing random) every replica's march is the same
    // computation: replica 0 marches and the others take its result (adoptMarch). The linear
    // preset's 8 marches at N = 400 were about a quarter of its DMFT's CPU time. oneMarch, from
    // the configuration, sizes the progress; whether a replica takes replica 0's result is its
    // own usesExactMoments(), so that a replica that reads paths always marches itself.
    const bool oneMarch = march && R > 1 && closesOnSecondMoments(m_config) && m_exactMoments.value_or(true);
    const auto adopts = [&](int r) { return oneMarch && r > 0 && m_replicas[r]->usesExactMoments(); };
    std::vector<DmftReplica::StepResult> marched(R, DmftReplica::StepResult::Ok);
    std::atomic<int> marchedSteps { 0 };
    const int totalSteps = (oneMarch ? 1 : R) * (m_config.time.steps + 1);
    parallelChunks(m_workers, R, [&](int chunk, int r0, int r1) {
        // progress from the calling thread (chunk 0) only: the total over all replicas
        std::function<void(int)> onStep = [&, chunk](int) {
            const int done = ++marchedSteps;
            if (chunk == 0 && m_marchProgress)
                m_marchProgress(static_cast<double>(done) / totalSteps, nullptr);
        };
        for (int r = r0; r < r1; ++r) {
            const std::uint64_t seed = replicaSeed(r);
            m_replicas[r]
                = std::make_unique<DmftReplica>(m_config, seed, m_threadsPerReplica, m_momentMatching, cancel,
                    m_reducer, m_coupling.get(), m_coupling ? m_coupling->fineWhitening(false, r) : nullptr);
            if (cancel && cancel->load())
                return;
            if (m_startC.size() > 0)
                m_replicas[r]->setState(m_startC, m_startM, m_startR);
            applyEstimators(*m_replicas[r]);
            m_replicas[r]->setKeepPaths(m_keepPaths);
            if (march && !adopts(r)) {
                marched[r] = m_replicas[r]->march(cancel, onStep);
                // every replica but the first (which the iteration checks) is done: its paths
                // make room for the next replica on this worker
                if (r > 0 && marched[r] == DmftReplica::StepResult::Ok && !m_keepPaths)
                    m_replicas[r]->releasePaths();
            }
        }
    });
    if (cancel && cancel->load()) {
        m_replicas.clear();
        m_status = Status::Cancelled;
        m_message = march ? "cancelled while marching forward in time" : "cancelled";
        return m_status;
    }
    m_status = Status::Running;
    for (int r = 1; r < R; ++r) {
        if (!adopts(r))
            continue;
        marched[r] = marched[0];
        if (marched[0] == DmftReplica::StepResult::Ok) {
            m_replicas[r]->adoptMarch(*m_replicas[0]);
            if (!m_keepPaths)
                m_replicas[r]->releasePaths();
        }
    }
    for (int r = 0; r < R && march; ++r) {
        if (marched[r] == DmftReplica::StepResult::NotPositiveSemidefinite) {
            // no factor at some t_n (a nearly singular (z, w)): this replica iterates instead,
            // from the no-learning guess, where step()'s escalation of the jitter (all of w's
            // diagonal at once) may get through
            m_replicas[r]->setNoLearningState();
            ++m_marchFallbacks;
        } else if (auto st = failure(marched[r], *m_replicas[r], r)) {
            return *st;
        }
    }
    // The first marched replica is checked by one iteration (residual 1e-16–1e-13 at the
    // presets: rounding, test_dmft_march); the others are marched like it and stop at once (each
    // march gives its replica's fixed point by construction; a first replica that fell back to
    // the iteration does not change that). (Checking all 8 was 15 % of the committee preset's
    // DMFT time.)
    for (int r = 1; r < R && march; ++r)
        if (marched[r] == DmftReplica::StepResult::Ok)
            m_converged[r] = 1;
    m_marched = march;
    m_message = march ? "marched forward in time" : "initialised";
    return m_status;
}

void DmftSolver::marchFirstPicture(const std::atomic<bool> *cancel)
{
    if (!m_marchProgress || !m_firstPicture || pilotPaths() < kMinPilotPaths || m_reducer->distributed())
        return;
    RunConfig pc = m_config;
    pc.dmft.paths = pilotPaths();
    pc.dmft.tangentPaths = std::max(1, std::min(pc.dmft.paths, m_config.dmft.tangentPaths / 4));
    m_pilot = std::make_unique<DmftReplica>(
        pc, splitmix(replicaSeed(0) ^ 0x9107ULL), 1, m_momentMatching, cancel, m_reducer);
    if (!(cancel && cancel->load())) {
        applyEstimators(*m_pilot);
        // snapshot() shows the pilot alone while it is set (current())
        if (m_pilot->march(cancel) == DmftReplica::StepResult::Ok && !(cancel && cancel->load()))
            m_marchProgress(0.0, snapshot());
    }
    m_pilot.reset();
}

std::string DmftSolver::stage() const
{
    if (m_iterations == 0 && m_config.dmft.warmStart == "march")
        return "while marching forward in time";
    return "at iteration " + std::to_string(m_iterations);
}

std::optional<Status> DmftSolver::failure(
    DmftReplica::StepResult result, const DmftReplica &replica, int index)
{
    switch (result) {
    case DmftReplica::StepResult::Ok:
    case DmftReplica::StepResult::Cancelled:
        return std::nullopt;
    case DmftReplica::StepResult::IllConditioned:
        m_status = Status::NumericalFailure;
        m_message = "dmft stopped " + stage()
            + ": the Stein estimate of the memory kernel (relu) needs w_t not almost determined by "
              "its past, but its innovation variance fell to "
            + fmt(replica.steinConditioning(), 2) + " of Q; raise optimizer.tau or lower time.steps";
        break;
    case DmftReplica::StepResult::NotPositiveSemidefinite:
        m_status = Status::NumericalFailure;
        m_message = "dmft stopped " + stage() + ": the covariance of (z, w) of replica "
            + std::to_string(index + 1)
            + " is not positive semidefinite beyond round-off, even after the damped step "
              "(a numerical failure, not bad input); raise dmft.paths or lower time.steps";
        break;
    case DmftReplica::StepResult::Diverged: {
        const int n = std::max(0, replica.divergenceIndex());
        m_status = Status::Diverged;
        m_message = "dmft diverged " + stage() + " (non-finite or exploding values from t = "
            + fmt(m_config.grid()[n]) + "): lower optimizer.tau or the step dt = T/N (raise time.steps)";
        break;
    }
    }
    m_residuals.push_back(std::numeric_limits<double>::infinity());
    return m_status;
}

Status DmftSolver::stepPilot(const std::atomic<bool> *cancel)
{
    const DmftReplica::StepResult result = m_pilot->step(cancel);
    ++m_pilotIterations;
    if (cancel && cancel->load()) {
        m_status = Status::Cancelled;
        m_message = "cancelled in the pilot solve at iteration " + std::to_string(m_pilotIterations);
        return m_status;
    }
    const bool failed = result != DmftReplica::StepResult::Ok;
    const bool converged = !failed && m_pilot->residual() < m_config.dmft.tolerance;
    const bool capped = m_pilotIterations >= m_config.dmft.maxIterations;
    if (!failed && !converged && !capped) {
        m_message = "pilot solve (" + std::to_string(pilotPaths()) + " paths, no error bars yet): iteration "
            + std::to_string(m_pilotIterations) + ", residual " + fmt(m_pilot->residual(), 2);
        return m_status;
    }
    if (failed) {
        // A smaller path set is less stable near the PSD boundary: start from the warm start
        // as without a pilot, and let the replicas report their own failure if they fail too.
        m_pilotOutcome = "failed at iteration " + std::to_string(m_pilotIterations)
            + "; replicas started from " + "the warm start";
    } else {
        m_pilotOutcome = converged ? "converged" : "stopped at the iteration cap";
        m_startC = m_pilot->C();
        m_startM = m_pilot->M();
        m_startR = m_pilot->R();
    }
    m_pilotTimings += m_pilot->timings();
    m_pilot.reset();
    if (createReplicas(cancel) != Status::Running)
        return m_status;
    // The replicas' first iteration follows at once: until then they hold only their starting
    // state (no train loss, no kernels), which a progress snapshot must never show.
    return step(cancel);
}

std::vector<const DmftReplica *> DmftSolver::current() const
{
    std::vector<const DmftReplica *> out;
    if (m_pilot)
        out.push_back(m_pilot.get());
    for (const auto &r : m_replicas)
        out.push_back(r.get());
    return out;
}

Status DmftSolver::step(const std::atomic<bool> *cancel)
{
    if (m_status != Status::Running)
        return m_status;
    if (m_pilot)
        return stepPilot(cancel);
    std::vector<int> active;
    for (int r = 0; r < replicaCount(); ++r)
        if (!m_converged[r])
            active.push_back(r);
    std::vector<DmftReplica::StepResult> results(replicaCount(), DmftReplica::StepResult::Ok);
    parallelChunks(m_workers, static_cast<int>(active.size()), [&](int, int i0, int i1) {
        for (int i = i0; i < i1; ++i)
            results[active[i]] = m_replicas[active[i]]->step(cancel);
    });
    ++m_iterations;
    if (cancel && cancel->load()) {
        m_status = Status::Cancelled;
        m_message = "cancelled at iteration " + std::to_string(m_iterations);
        return m_status;
    }
    double res = 0.0;
    for (int r : active)
        if (auto st = failure(results[r], *m_replicas[r], r))
            return *st;
    for (int r = 0; r < replicaCount(); ++r) {
        res = std::max(res, m_replicas[r]->residual());
        if (m_replicas[r]->residual() < m_config.dmft.tolerance)
            m_converged[r] = 1;
    }
    m_residuals.push_back(res);
    const double noiseRatio = noiseStopRatio();
    if (noiseStopApplies())
        m_noiseRatios.push_back(noiseRatio);
    const bool all = std::all_of(m_converged.begin(), m_converged.end(), [](char c) { return c != 0; });
    if (all) {
        m_status = Status::Converged;
        m_stoppedAtNoise = false;
        m_message = "converged in " + std::to_string(m_iterations) + " iterations (residual " + fmt(res, 2)
            + " < tolerance " + fmt(m_config.dmft.tolerance, 2) + "; " + std::to_string(replicaCount())
            + " replicas x " + std::to_string(m_config.dmft.paths) + " paths)" + pilotNote() + mixingNote();
    } else if (noiseRatio <= 1.0) {
        m_status = Status::Converged;
        m_stoppedAtNoise = true;
        m_message = "converged in " + std::to_string(m_iterations) + " iterations (truncation error below "
            + fmt(m_config.dmft.noiseFraction, 2) + " of the Monte-Carlo SE everywhere, residual "
            + fmt(res, 2) + "; " + std::to_string(replicaCount()) + " replicas x "
            + std::to_string(m_config.dmft.paths) + " paths)" + pilotNote() + mixingNote();
    } else if (m_iterations >= m_config.dmft.maxIterations) {
        m_status = Status::MaxIterations;
        m_message = "not converged after " + std::to_string(m_iterations) + " iterations: residual "
            + fmt(res, 2) + " > tolerance " + fmt(m_config.dmft.tolerance, 2)
            + " (raise dmft.max_iterations; if dmft_residuals.csv oscillates, lower dmft.damping)"
            + pilotNote() + mixingNote() + "; the curves are the last iterate";
    } else {
        m_message = "iteration " + std::to_string(m_iterations) + ", residual " + fmt(res, 2);
    }
    return m_status;
}

double DmftSolver::noiseStopRatio() const
{
    constexpr double kNotApplicable = std::numeric_limits<double>::infinity();
    if (!noiseStopApplies())
        return kNotApplicable;
    const double f = m_config.dmft.noiseFraction;
    const int R = replicaCount();
    std::vector<Eigen::ArrayXd> states(R);
    Eigen::ArrayXd truncation;
    for (int r = 0; r < R; ++r) {
        const DmftReplica &rep = *m_replicas[r];
        if (rep.Cdrawn().size() != rep.C().size())
            return kNotApplicable; // not stepped yet
        states[r] = rep.state().array();
        const double kappa = rep.contraction();
        const Eigen::ArrayXd t = (kappa / (1.0 - kappa)) * (states[r] - rep.drawnState().array()).abs();
        truncation = r == 0 ? t : Eigen::ArrayXd(truncation + t);
    }
    truncation /= R;
    Eigen::ArrayXd mean = states[0];
    for (int r = 1; r < R; ++r)
        mean += states[r];
    mean /= R;
    Eigen::ArrayXd var = Eigen::ArrayXd::Zero(mean.size());
    for (int r = 0; r < R; ++r)
        var += (states[r] - mean).square();
    const Eigen::ArrayXd se = (var / (static_cast<double>(R) * (R - 1))).sqrt();
    // the residual's scales (DmftReplica::step), of the mean state: C_θ, M, R_θ in the layout
    // of DmftReplica::state()
    const DmftReplica &first = *m_replicas[0];
    const Eigen::Index nc = first.C().size(), nm = first.M().size(), D = first.C().rows();
    const Eigen::Map<const Eigen::MatrixXd> C(mean.data(), D, D);
    const double cScale = std::max(1e-12, mean.head(nc).abs().maxCoeff());
    const double mScale = std::max(
        1e-12, std::sqrt(std::max(0.0, C.diagonal().maxCoeff()) * m_config.rho().diagonal().maxCoeff()));
    const double rScale = std::max(1.0, mean.tail(mean.size() - nc - nm).abs().maxCoeff());
    const double tol = m_config.dmft.tolerance;
    Eigen::ArrayXd slack(mean.size());
    slack.head(nc).setConstant(tol * cScale);
    slack.segment(nc, nm).setConstant(tol * mScale);
    slack.tail(mean.size() - nc - nm).setConstant(tol * rScale);
    const Eigen::ArrayXd allowed = f * se + slack;
    double worst = 0.0;
    for (Eigen::Index i = 0; i < allowed.size(); ++i)
        if (allowed[i] > 0.0)
            worst = std::max(worst, truncation[i] / allowed[i]);
        else if (truncation[i] > 0.0)
            return kNotApplicable;
    return worst;
}

namespace
{
// (N+1)k × (N+1)k time-major matrix → Kernel blocks (a, b) of (N+1)×(N+1).
void toKernel(const ReplicaStatistics &stats, int N, int k, Kernel &out)
{
    const int D = (N + 1) * k;
    const Eigen::ArrayXd mean = stats.mean(), se = stats.se();
    out.rowsPerBlock = out.colsPerBlock = k;
    out.mean.assign(k * k, Eigen::MatrixXd(N + 1, N + 1));
    out.se.assign(k * k, Eigen::MatrixXd(N + 1, N + 1));
    for (int a = 0; a < k; ++a)
        for (int b = 0; b < k; ++b)
            for (int m = 0; m <= N; ++m)
                for (int n = 0; n <= N; ++n) {
                    const Eigen::Index idx = (n * k + a) + static_cast<Eigen::Index>(m * k + b) * D;
                    out.mean[a * k + b](n, m) = mean[idx];
                    out.se[a * k + b](n, m) = se[idx];
                }
}

Eigen::Map<const Eigen::ArrayXd> flat(const Eigen::MatrixXd &m)
{
    return { m.data(), m.size() };
}

/// The k × k diagonal blocks C(n, n) of a time-major D × D matrix, stacked ((N+1)k × k).
Eigen::MatrixXd diagonalBlocks(const Eigen::MatrixXd &C, int N, int k)
{
    Eigen::MatrixXd out(N * k + k, k);
    for (int n = 0; n <= N; ++n)
        out.middleRows(n * k, k) = C.block(n * k, n * k, k, k);
    return out;
}
} // namespace

void DmftSolver::overlaps(const Eigen::MatrixXd &Qblocks, const Eigen::MatrixXd &Mrows, Eigen::ArrayXd &q,
    Eigen::ArrayXd &mm, Eigen::ArrayXd &tr, Eigen::ArrayXd &te) const
{
    const int N = m_config.time.steps, k = m_config.problem.width, ks = m_config.problem.teacherWidth;
    const Eigen::MatrixXd rho = m_config.rho();
    q.resize((N + 1) * k * k);
    mm.resize((N + 1) * k * ks);
    tr.resize(N + 1);
    te.resize(N + 1);
    for (int n = 0; n <= N; ++n) {
        const Eigen::MatrixXd Qn = Qblocks.middleRows(n * k, k);
        const Eigen::MatrixXd Mn = Mrows.middleRows(n * k, k);
        const PopulationMetrics pm = m_population.evaluate(Qn, Mn, rho);
        tr[n] = pm.loss;
        te[n] = pm.error;
        for (int a = 0; a < k; ++a) {
            for (int b = 0; b < k; ++b)
                q[(a * k + b) * (N + 1) + n] = Qn(a, b);
            for (int m = 0; m < ks; ++m)
                mm[(a * ks + m) * (N + 1) + n] = Mn(a, m);
        }
    }
}

const Eigen::VectorXd &DmftSolver::trainLossOf(std::size_t index, const DmftReplica &rep) const
{
    return index < m_freshTrainLoss.size() ? m_freshTrainLoss[index] : rep.trainLoss();
}

std::vector<Curves> DmftSolver::replicaCurves() const
{
    const int N = m_config.time.steps, k = m_config.problem.width, ks = m_config.problem.teacherWidth;
    const std::vector<const DmftReplica *> reps = current();
    std::vector<Curves> out(reps.size());
    for (std::size_t ri = 0; ri < reps.size(); ++ri) {
        Curves &c = out[ri];
        c.engine = engineInfo(EngineId::Dmft).name;
        c.allocate(k, ks, m_config.grid());
        c.validPoints = N + 1;
        Eigen::ArrayXd te, tr, q, mm;
        overlaps(diagonalBlocks(reps[ri]->C(), N, k), reps[ri]->M(), q, mm, tr, te);
        const Eigen::VectorXd &train = trainLossOf(ri, *reps[ri]);
        for (int n = 0; n <= N; ++n) {
            c.trainLoss.mean[n] = train[n];
            c.testLoss.mean[n] = tr[n];
            c.testError.mean[n] = te[n];
            for (int i = 0; i < k * k; ++i)
                c.Q[i].mean[n] = q[i * (N + 1) + n];
            for (int i = 0; i < k * ks; ++i)
                c.M[i].mean[n] = mm[i * (N + 1) + n];
        }
    }
    return out;
}

FineWhitenings DmftSolver::whitenings() const
{
    FineWhitenings out;
    for (const auto &rep : m_replicas)
        out.replicas.push_back(rep->whitening());
    out.fresh = m_freshWhitening;
    return out;
}

std::shared_ptr<const Curves> DmftSolver::snapshot() const
{
    auto c = std::make_shared<Curves>();
    const int N = m_config.time.steps, k = m_config.problem.width, ks = m_config.problem.teacherWidth;
    c->engine = engineInfo(EngineId::Dmft).name;
    c->allocate(k, ks, m_config.grid());
    const std::vector<const DmftReplica *> reps = current();
    c->validPoints = reps.empty() ? 0 : N + 1;
    c->residuals = m_residuals;
    c->noiseStopRatios = m_noiseRatios;
    c->iterations = m_iterations;
    if (reps.empty())
        return c;
    ReplicaStatistics train, test, err, Q, M, Ct, Rt, Cu, K;
    // truncation error estimates (theory §8): per replica |last step| κ/(1 − κ), averaged
    // over replicas (a bias of each replica's fixed point, not reduced by averaging)
    Eigen::ArrayXd truncTrain = Eigen::ArrayXd::Zero(N + 1), truncTest = truncTrain, truncErr = truncTrain;
    Eigen::ArrayXd truncQ = Eigen::ArrayXd::Zero((N + 1) * k * k),
                   truncM = Eigen::ArrayXd::Zero((N + 1) * k * ks);
    const Eigen::MatrixXd I = Eigen::MatrixXd::Identity(k, k);
    const double replicas = static_cast<double>(reps.size());
    for (std::size_t ri = 0; ri < reps.size(); ++ri) {
        const DmftReplica *rep = reps[ri];
        Eigen::ArrayXd te, tr, q, mm;
        const Eigen::MatrixXd Qblocks = diagonalBlocks(rep->C(), N, k);
        overlaps(Qblocks, rep->M(), q, mm, tr, te);
        if (rep->previousQ().rows() == Qblocks.rows()) {
            const double factor = rep->contraction() / (1.0 - rep->contraction()) / replicas;
            Eigen::ArrayXd tePrev, trPrev, qPrev, mmPrev;
            overlaps(rep->previousQ(), rep->previousM(), qPrev, mmPrev, trPrev, tePrev);
            truncQ += factor * (q - qPrev).abs();
            truncM += factor * (mm - mmPrev).abs();
            truncTest += factor * (tr - trPrev).abs();
            truncErr += factor * (te - tePrev).abs();
            if (rep->previousTrainLoss().size() == N + 1)
                truncTrain += factor * (rep->trainLoss() - rep->previousTrainLoss()).array().abs();
        }
        train.add(trainLossOf(ri, *rep).array());
        test.add(tr);
        err.add(te);
        Q.add(q);
        M.add(mm);
        Ct.add(flat(rep->C()));
        Eigen::MatrixXd R = rep->R();
        for (int n = 0; n <= N; ++n)
            R.block(n * k, n * k, k, k) = I; // R_θ(t⁺, t) = I on the diagonal for display
        Rt.add(flat(R));
        // A replica publishes C_u and K together (step()); one cancelled inside its first
        // step has neither yet.
        if (rep->K().size() > 0) {
            Cu.add(flat(rep->Cu()));
            K.add(flat(rep->K()));
        }
    }
    // se = √(Monte-Carlo SE² + truncation²), both kept as columns
    auto fill = [&](const ReplicaStatistics &s, const Eigen::ArrayXd &trunc, Estimate &e, int offset) {
        const Eigen::ArrayXd mu = s.mean(), se = s.se();
        e.seMonteCarlo.resize(N + 1);
        e.truncation.resize(N + 1);
        for (int n = 0; n <= N; ++n) {
            e.mean[n] = mu[offset + n];
            e.seMonteCarlo[n] = se[offset + n];
            e.truncation[n] = trunc[offset + n];
            e.se[n] = std::hypot(se[offset + n], trunc[offset + n]);
        }
    };
    fill(train, truncTrain, c->trainLoss, 0);
    fill(test, truncTest, c->testLoss, 0);
    fill(err, truncErr, c->testError, 0);
    for (int i = 0; i < k * k; ++i)
        fill(Q, truncQ, c->Q[i], i * (N + 1));
    for (int i = 0; i < k * ks; ++i)
        fill(M, truncM, c->M[i], i * (N + 1));
    c->seDegreesOfFreedom = static_cast<int>(reps.size()) - 1;
    toKernel(Ct, N, k, c->Ctheta);
    toKernel(Rt, N, k, c->Rtheta);
    if (Cu.count() > 0) {
        toKernel(Cu, N, k, c->Cu);
        toKernel(K, N, k, c->K);
    }
    return c;
}

void DmftSolver::evaluateFreshTrainLoss(const std::atomic<bool> *cancel)
{
    std::vector<Eigen::VectorXd> out(replicaCount());
    std::vector<std::shared_ptr<const Whitening>> whitenings(replicaCount());
    parallelChunks(m_workers, replicaCount(), [&](int, int r0, int r1) {
        for (int r = r0; r < r1; ++r) {
            // with exact second moments the train loss is exact (no self-interaction of paths):
            // fresh paths only for the observer (the laws)
            if (m_replicas[r]->usesExactMoments()) {
                out[r] = m_replicas[r]->trainLoss();
                if (!m_freshObserver)
                    continue;
            }
            const auto fresh = m_replicas[r]->freshPaths(m_config, splitmix(replicaSeed(r) ^ 0x5DEECE66DULL),
                cancel, static_cast<bool>(m_freshObserver), m_coupling.get(),
                m_coupling ? m_coupling->fineWhitening(true, r) : nullptr);
            if (!fresh) {
                out[r] = Eigen::VectorXd::Constant(
                    m_config.time.steps + 1, std::numeric_limits<double>::quiet_NaN());
                continue;
            }
            if (!m_replicas[r]->usesExactMoments())
                out[r] = fresh->trainLoss();
            whitenings[r] = fresh->whitening();
            if (m_freshObserver)
                m_freshObserver(r, *fresh);
        }
    });
    if (cancel && cancel->load())
        return;
    m_freshTrainLoss = std::move(out);
    m_freshWhitening = std::move(whitenings);
}

std::string DmftSolver::pilotNote() const
{
    if (m_marched) {
        std::string note = "; each replica marched forward in time to its fixed point first (replica 1 "
                           "checked by the iteration)";
        if (m_marchFallbacks > 0)
            note += " (" + std::to_string(m_marchFallbacks) + " of " + std::to_string(replicaCount())
                + " found no factor of Cov(z, w) at some t and iterated from the no-learning guess)";
        return note;
    }
    if (m_pilotIterations == 0)
        return {};
    return "; started from a pilot solve with " + std::to_string(pilotPaths()) + " paths (" + m_pilotOutcome
        + " in " + std::to_string(m_pilotIterations) + " iterations)";
}

std::string DmftSolver::mixingNote() const
{
    // The safeguards of the mixing (FixedPointMixer) are part of the story of a run.
    int stalled = 0, first = -1;
    for (const auto &rep : m_replicas)
        if (rep->mixer().accelerationOff()) {
            ++stalled;
            const int at = rep->mixer().stallIteration();
            first = first < 0 ? at : std::min(first, at);
        }
    if (stalled == 0)
        return {};
    return "; Anderson mixing stalled in " + std::to_string(stalled) + " of " + std::to_string(replicaCount())
        + " replicas (first at iteration " + std::to_string(first) + ") and continued as plain damping";
}

void DmftSolver::applyEstimators(DmftReplica &replica) const
{
    if (m_steinKernel)
        replica.setSteinKernel(*m_steinKernel);
    if (m_meanKernel)
        replica.setMeanKernel(*m_meanKernel);
    if (m_exactMoments)
        replica.setExactMoments(*m_exactMoments);
    if (m_tiledKernels)
        replica.setTiledKernels(*m_tiledKernels);
    replica.setModelTiming(m_modelTiming);
}

std::uint64_t DmftSolver::replicaSeed(int r) const
{
    return splitmix(m_config.dmft.seed * 0x100000001B3ULL + static_cast<std::uint64_t>(r));
}

json DmftSolver::extra() const
{
    json j;
    j["iterations"] = m_iterations;
    j["final_residual"] = m_residuals.empty() ? json(nullptr) : json(m_residuals.back());
    j["paths"] = m_config.dmft.paths;
    j["tangent_paths"] = m_config.dmft.tangentPaths;
    // how the kernels were estimated: all from exact second moments (a linear student on the square loss,
    // no paths), or K from the tangents of P_J paths, Stein's identity on P paths, or the
    // tangents' exact mean (a constant H̃: no tangent paths)
    if (!m_replicas.empty())
        j["kernel_estimator"] = m_replicas[0]->usesExactMoments() ? "exact second moments"
            : m_replicas[0]->usesSteinKernel()                    ? "stein"
            : m_replicas[0]->usesMeanKernel()                     ? "exact mean"
                                                                  : "tangent paths";
    j["replicas"] = m_config.dmft.replicas;
    j["damping"] = m_config.dmft.damping;
    j["tolerance"] = m_config.dmft.tolerance;
    j["noise_fraction"] = m_config.dmft.noiseFraction;
    if (m_status == Status::Converged)
        j["stopped_by"] = m_stoppedAtNoise ? "noise_fraction" : "tolerance";
    j["warm_start"] = m_warmStartUsed;
    if (m_config.dmft.warmStart == "march")
        j["march_fallbacks"] = m_marchFallbacks;
    if (m_config.dmft.warmStart == "pilot") {
        j["pilot_iterations"] = m_pilotIterations;
        j["pilot_paths"] = pilotPaths();
        j["pilot"] = m_pilotOutcome;
    }
    int fallbacks = 0, growth = 0, stalled = 0;
    for (const auto &rep : m_replicas) {
        fallbacks += rep->psdFallbacks();
        growth += rep->mixer().growthRestarts();
        stalled += rep->mixer().accelerationOff() ? 1 : 0;
    }
    // safeguards of the mixing, summed over replicas (FixedPointMixer, issue 8)
    j["mixing_psd_fallbacks"] = fallbacks;
    j["mixing_growth_restarts"] = growth;
    j["mixing_stalled_replicas"] = stalled;
    j["taming"] = m_config.tamingEnabled();
    j["memory_bytes"] = dmftMemoryBytes(m_config, m_reducer->ranks());
    if (m_reducer->distributed())
        j["processes"] = m_reducer->ranks(); // paths split over MPI ranks; memory_bytes per process
    // relative SE of tr Q at the final time, across replicas
    if (!m_replicas.empty()) {
        const int N = m_config.time.steps, k = m_config.problem.width;
        ReplicaStatistics trQ;
        for (const auto &rep : m_replicas) {
            Eigen::ArrayXd v(1);
            v[0] = rep->C().block(N * k, N * k, k, k).trace();
            trQ.add(v);
        }
        const double rel = trQ.se()[0] / std::fabs(trQ.mean()[0]);
        j["rel_se_Q_final"] = std::isfinite(rel) ? json(rel) : json(nullptr);
    }
    const DmftTimings t = timings();
    j["seconds_factor"] = t.factor;
    j["seconds_paths"] = t.paths;
    j["seconds_tangents"] = t.tangents;
    j["seconds_theta"] = t.theta;
    return j;
}

EngineResult DmftSolver::run(const ProgressCallback &progress, const std::atomic<bool> *cancel)
{
    EngineResult result;
    result.curves.engine = engineInfo(EngineId::Dmft).name;
    // marching reports the share of time steps done (over all replicas), without a snapshot;
    // the iterations after it fill the last tenth of the bar
    const bool march = m_config.dmft.warmStart == "march";
    constexpr double kMarchShare = 0.9;
    if (progress && march) {
        const double horizon = m_config.time.horizon;
        const int R = m_config.dmft.replicas;
        const int pilot = pilotPaths();
        m_marchProgress = [&progress, horizon, R, pilot, last = -1](
                              double done, std::shared_ptr<const Curves> picture) mutable {
            ProgressReport r;
            r.engine = engineInfo(EngineId::Dmft).name;
            r.fraction = kMarchShare * done;
            if (picture) {
                // the first picture: one replica with P/4 paths, marched (marchFirstPicture)
                r.snapshot = std::move(picture);
                r.text = "DMFT first picture from one replica with " + std::to_string(pilot)
                    + " paths (no error bars yet); marching the " + std::to_string(R) + " replicas";
                progress(r);
                return;
            }
            const int percent = static_cast<int>(100.0 * done);
            if (percent == last)
                return;
            last = percent;
            r.text = "DMFT marching forward in time to the fixed point (" + std::to_string(R) + " replicas, "
                + std::to_string(percent) + " % of the steps to t = " + fmt(horizon) + ")";
            progress(r);
        };
    }
    const Status started = init(cancel);
    m_marchProgress = nullptr;
    if (started != Status::Running) {
        result.status = m_status;
        result.message = m_message;
        return result;
    }
    while (step(cancel) == Status::Running) {
        if (progress) {
            ProgressReport r;
            r.engine = engineInfo(EngineId::Dmft).name;
            r.fraction = static_cast<double>(m_iterations) / m_config.dmft.maxIterations;
            if (march)
                r.fraction = kMarchShare + (1.0 - kMarchShare) * r.fraction;
            r.text = "DMFT " + m_message;
            r.snapshot = snapshot();
            progress(r);
        }
    }
    if (m_status == Status::Converged || m_status == Status::MaxIterations)
        evaluateFreshTrainLoss(cancel);
    auto snap = snapshot();
    // A non-finite value is never reported as converged (issue 8).
    if (m_status == Status::Converged || m_status == Status::MaxIterations) {
        if (auto where = firstNonFinite(*snap); !where.empty()) {
            m_status = Status::NumericalFailure;
            m_message = "dmft failed after " + std::to_string(m_iterations) + " iterations: non-finite "
                + where + " (a numerical failure of the fixed point, not bad input)";
        }
    }
    if (progress && m_status != Status::Cancelled) {
        ProgressReport r;
        r.engine = engineInfo(EngineId::Dmft).name;
        r.fraction = 1.0;
        r.text = "DMFT " + m_message;
        r.snapshot = snap;
        progress(r);
    }
    result.status = m_status;
    result.message = m_message;
    result.curves = *snap;
    result.extra = extra();
    return result;
}

EngineResult runDmftEngine(const RunConfig &config, const ProgressCallback &progress,
    const std::atomic<bool> *cancel, const DmftSolveOptions &options)
{
    DmftSolver solver(config);
    solver.setFirstPicture(options.firstPicture);
    solver.setCoupling(options.coupling);
    solver.setReducer(engineReducer());
    DmftLawCollector laws(config);
    if (laws.wanted())
        solver.setFreshPathObserver([&laws](int r, const DmftReplica &fresh) { laws.observe(r, fresh); });
    EngineResult result = solver.run(progress, cancel);
    const bool finished = result.status == Status::Converged || result.status == Status::MaxIterations;
    if (laws.wanted() && finished)
        result.distributions = laws.finish(solver);
    if (options.replicaCurves && finished)
        *options.replicaCurves = solver.replicaCurves();
    if (options.whitenings && finished)
        *options.whitenings = solver.whitenings();
    return result;
}

} // namespace dmftlab
