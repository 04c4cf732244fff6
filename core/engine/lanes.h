// Eight lanes of doubles for hand-written streaming kernels (issue 9): the SGF's pass over its
// single-precision data (core/sim/seedsimulation.cpp) and the DMFT march's products of a block
// of paths with a few columns (core/dmft/dmftsolver.cpp).
//
// GCC/Clang vector extensions: one AVX-512 register of doubles, two with AVX2, four with SSE2
// (the sanitizer build). Loads and stores are unaligned, through memcpy.
// __builtin_convertvector turns eight floats into eight doubles in one instruction (Eigen 3.4
// has no vectorised float → double cast). Plain arrays of lanes were vectorised too, but GCC 12
// kept their accumulators in memory; the loops over accumulators carry `#pragma GCC unroll`
// for the same reason.
#pragma once

#include <Eigen/Core>
#include <cstring>
#include <type_traits>

namespace dmftlab
{

constexpr int kLanes = 8;
using Lanes = double __attribute__((vector_size(kLanes * sizeof(double))));
using LanesSingle = float __attribute__((vector_size(kLanes * sizeof(float))));

inline Lanes loadLanes(const double *p)
{
    Lanes v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

inline Lanes loadLanes(const float *p)
{
    LanesSingle v;
    std::memcpy(&v, p, sizeof v);
    return __builtin_convertvector(v, Lanes);
}

inline void storeLanes(double *p, Lanes v)
{
    std::memcpy(p, &v, sizeof v);
}

/// The sum of the lanes, in a fixed order.
inline double sumLanes(Lanes c)
{
    return ((c[0] + c[4]) + (c[1] + c[5])) + ((c[2] + c[6]) + (c[3] + c[7]));
}

/// out(:, b) = [out(:, b) +] s · Σ_j A(:, j) B(j, b) for b < K, over `rows` rows: a tall block
/// times a matrix with a few columns, the block read once for all K columns (Eigen's
/// matrix–vector product reads it once per column; its matrix product would first copy it).
/// Column j of A starts at A + j · aStride (rows contiguous), B(j, b) = B[j + b · ldb], column b of
/// out at out + b · ldo. Eight columns of A at a time run down all rows, each column read
/// contiguously, with out's K columns (in cache) updated once per group: walking 32 rows across
/// all columns instead (accumulators in registers) jumped by aStride at every load and was 1.6×
/// slower in the DMFT march.
template <int K>
void productColumns(Eigen::Index rows, Eigen::Index J, const double *A, Eigen::Index aStride, const double *B,
    Eigen::Index ldb, double *out, Eigen::Index ldo, double s, bool accumulate)
{
    constexpr int G = 8;
    if (!accumulate)
        for (int b = 0; b < K; ++b)
            std::memset(out + b * ldo, 0, static_cast<std::size_t>(rows) * sizeof(double));
    Eigen::Index j0 = 0;
    auto group = [&](auto width) {
        constexpr int W = decltype(width)::value;
        double w[W][K];
        const double *a[W];
        for (int q = 0; q < W; ++q) {
            a[q] = A + (j0 + q) * aStride;
            for (int b = 0; b < K; ++b)
                w[q][b] = s * B[j0 + q + b * ldb];
        }
        Eigen::Index p = 0;
        for (; p + kLanes <= rows; p += kLanes) {
            Lanes x[W];
#pragma GCC unroll 8
            for (int q = 0; q < W; ++q)
                x[q] = loadLanes(a[q] + p);
#pragma GCC unroll 4
            for (int b = 0; b < K; ++b) {
                Lanes y = loadLanes(out + b * ldo + p);
#pragma GCC unroll 8
                for (int q = 0; q < W; ++q)
                    y += x[q] * w[q][b];
                storeLanes(out + b * ldo + p, y);
            }
        }
        for (; p < rows; ++p)
            for (int b = 0; b < K; ++b) {
                double y = out[b * ldo + p];
                for (int q = 0; q < W; ++q)
                    y += a[q][p] * w[q][b];
                out[b * ldo + p] = y;
            }
        j0 += W;
    };
    while (j0 + G <= J)
        group(std::integral_constant<int, G> {});
    while (j0 < J)
        group(std::integral_constant<int, 1> {});
}

/// out(j, b) += Σ_p A(p, j) V(p, b) for j < J, b < K, p < rows: K dot products per column of a
/// tall block, the block read once for all of them, with U independent accumulators per column
/// (one made the sums wait on the FMA latency). Column j of A starts at A + j · aStride, column
/// b of V at V + b · ldv (rows contiguous), out(j, b) = out[j + b · ldo]. A may be single
/// precision (converted exactly; products and sums in double): the SGF's dot products x_i·θ_a
/// are this with J = 1.
template <int K, typename Scalar>
void transposedProductColumns(Eigen::Index rows, Eigen::Index J, const Scalar *A, Eigen::Index aStride,
    const double *V, Eigen::Index ldv, double *out, Eigen::Index ldo)
{
    constexpr int U = K <= 2 ? 2 : 1;
    for (Eigen::Index j = 0; j < J; ++j) {
        const Scalar *a = A + j * aStride;
        Lanes acc[U][K];
#pragma GCC unroll 4
        for (int u = 0; u < U; ++u)
#pragma GCC unroll 4
            for (int b = 0; b < K; ++b)
                acc[u][b] = Lanes {};
        Eigen::Index p = 0;
        for (; p + U * kLanes <= rows; p += U * kLanes)
#pragma GCC unroll 4
            for (int u = 0; u < U; ++u) {
                const Lanes x = loadLanes(a + p + u * kLanes);
#pragma GCC unroll 4
                for (int b = 0; b < K; ++b)
                    acc[u][b] += x * loadLanes(V + b * ldv + p + u * kLanes);
            }
        for (int b = 0; b < K; ++b) {
            Lanes c = acc[0][b];
            for (int u = 1; u < U; ++u)
                c += acc[u][b];
            double sum = sumLanes(c);
            for (Eigen::Index q = p; q < rows; ++q)
                sum += static_cast<double>(a[q]) * V[b * ldv + q];
            out[j + b * ldo] += sum;
        }
    }
}

/// Calls f(std::integral_constant<int, k>{}) when 1 ≤ k ≤ 4 (the widths with kernels of their
/// own) and returns true; returns false for any other k.
template <typename F> bool withFixedWidth(int k, F &&f)
{
    switch (k) {
    case 1:
        f(std::integral_constant<int, 1> {});
        return true;
    case 2:
        f(std::integral_constant<int, 2> {});
        return true;
    case 3:
        f(std::integral_constant<int, 3> {});
        return true;
    case 4:
        f(std::integral_constant<int, 4> {});
        return true;
    default:
        return false;
    }
}

/// productColumns for any number of columns: kernels for 1–4, one column at a time beyond.
inline void productColumns(int K, Eigen::Index rows, Eigen::Index J, const double *A, Eigen::Index aStride,
    const double *B, Eigen::Index ldb, double *out, Eigen::Index ldo, double s, bool accumulate)
{
    if (withFixedWidth(K, [&](auto width) {
            productColumns<decltype(width)::value>(rows, J, A, aStride, B, ldb, out, ldo, s, accumulate);
        }))
        return;
    for (int b = 0; b < K; ++b)
        productColumns<1>(rows, J, A, aStride, B + b * ldb, ldb, out + b * ldo, ldo, s, accumulate);
}

/// transposedProductColumns for any number of columns: kernels for 1–4, one at a time beyond.
inline void transposedProductColumns(int K, Eigen::Index rows, Eigen::Index J, const double *A,
    Eigen::Index aStride, const double *V, Eigen::Index ldv, double *out, Eigen::Index ldo)
{
    if (withFixedWidth(K, [&](auto width) {
            transposedProductColumns<decltype(width)::value, double>(rows, J, A, aStride, V, ldv, out, ldo);
        }))
        return;
    for (int b = 0; b < K; ++b)
        transposedProductColumns<1, double>(rows, J, A, aStride, V + b * ldv, ldv, out + b * ldo, ldo);
}

} // namespace dmftlab
