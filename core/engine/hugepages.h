// Transparent huge pages for the large per-path arrays (issue 9).
//
// A DMFT replica holds ~100 MB of path arrays (normals, w, g, dG); touching them the first
// time costs one page fault per 4 KiB page. On the 2-core development VM a fault costs about
// 11 µs: phase-retrieval's replica set-up spent 0.8 s of system time in 73 000 faults against
// 1.7 s of computation. Linux's default THP mode is "madvise": asking for huge pages on an
// array before its first touch makes it 2 MiB pages, 512 times fewer faults.
#pragma once

#include <Eigen/Core>
#include <cstddef>
#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif
#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace dmftlab
{

/// Advises the kernel to back [data, data + bytes) with huge pages (a no-op elsewhere, and
/// for arrays under 4 MiB, which would not fill a huge page after alignment). Call before the
/// first write; the contents and the allocation are unchanged.
inline void adviseHugePages(void *data, std::size_t bytes)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::size_t kHuge = std::size_t(2) << 20;
    if (bytes < 2 * kHuge)
        return;
    const auto begin = reinterpret_cast<std::uintptr_t>(data);
    const std::uintptr_t first = (begin + kHuge - 1) & ~(kHuge - 1);
    const std::uintptr_t last = (begin + bytes) & ~(kHuge - 1);
    if (last > first)
        madvise(reinterpret_cast<void *>(first), last - first, MADV_HUGEPAGE);
#else
    (void)data;
    (void)bytes;
#endif
}

/// Keeps freed path arrays in the process's heap for the next solve (glibc; a no-op
/// elsewhere): arrays up to 32 MiB come from the heap instead of fresh mmaps, and up to
/// 256 MiB of free heap is kept instead of going back to the kernel at every free. Without it
/// every pilot, replica, fresh-path set and sweep point faulted its arrays in anew (glibc's
/// default trims at 128 KiB): the first 16 points of the logistic phase diagram
/// (dmftlab-bench-sweep) took 26.9 s at idle, 10.2 s of it system time; with these settings
/// 14.8 s, 2.1 s of it system time, and the same peak memory (246 MB). Call once at the
/// start of a program (the CLI, the window, the benchmarks); the Python module leaves its
/// host process's allocator alone.
inline void keepFreedPathArrays()
{
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

/// Resizes `m` to rows × cols (uninitialised) with huge pages advised.
template <typename Scalar>
inline void resizeWithHugePages(
    Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> &m, Eigen::Index rows, Eigen::Index cols)
{
    m.resize(rows, cols);
    adviseHugePages(m.data(), static_cast<std::size_t>(m.size()) * sizeof(Scalar));
}

} // namespace dmftlab
