#include "processgroup.h"

#include "clicommon.h"

#include <cstdio>
#include <cstdlib>

#ifdef DMFTLAB_WITH_MPI
#include <mpi.h>
#endif

namespace dmftlab::cli
{

namespace
{
/// Whether a launcher (mpirun, mpiexec, srun) started this process: then MPI_Init can find
/// its peers. A plain start never initialises MPI (OpenMPI's singleton start would spawn a
/// helper daemon and may print network warnings).
bool launchedByMpi()
{
    for (const char *v : { "OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK" })
        if (std::getenv(v))
            return true;
    return false;
}
} // namespace

ProcessGroup &ProcessGroup::instance()
{
    static ProcessGroup group;
    return group;
}

#ifdef DMFTLAB_WITH_MPI

ProcessGroupSession::ProcessGroupSession(int &argc, char **&argv)
{
    if (!launchedByMpi())
        return;
    // Only the main thread calls MPI (engine threads never do): FUNNELED.
    int provided = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    ProcessGroup &g = ProcessGroup::instance();
    g.m_mpi = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &g.m_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g.m_ranks);
}

ProcessGroupSession::~ProcessGroupSession()
{
    if (ProcessGroup::instance().m_mpi)
        MPI_Finalize();
}

void ProcessGroup::sumInPlace(double *data, std::size_t n)
{
    if (!m_mpi || m_ranks == 1)
        return;
    // Reduce then broadcast rather than MPI_Allreduce: the standard does not promise that
    // every rank of an allreduce gets the same bits, and the DMFT's ranks must take the same
    // decisions (convergence, mixing) from these sums.
    constexpr std::size_t kChunk = 1 << 27; // counts are int
    for (std::size_t at = 0; at < n; at += kChunk) {
        const int count = static_cast<int>(std::min(kChunk, n - at));
        if (m_rank == 0)
            MPI_Reduce(MPI_IN_PLACE, data + at, count, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
        else
            MPI_Reduce(data + at, nullptr, count, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
        MPI_Bcast(data + at, count, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    }
}

std::vector<std::vector<double>> ProcessGroup::gatherToRoot(const std::vector<double> &data)
{
    if (!m_mpi || m_ranks == 1)
        return { data };
    int size = static_cast<int>(data.size());
    std::vector<int> sizes(m_rank == 0 ? m_ranks : 0);
    MPI_Gather(&size, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    std::vector<int> offsets;
    std::vector<double> all;
    if (m_rank == 0) {
        offsets.resize(m_ranks);
        long total = 0;
        for (int r = 0; r < m_ranks; ++r) {
            offsets[r] = static_cast<int>(total);
            total += sizes[r];
        }
        all.resize(total);
    }
    MPI_Gatherv(data.data(), size, MPI_DOUBLE, all.data(), sizes.data(), offsets.data(), MPI_DOUBLE, 0,
        MPI_COMM_WORLD);
    std::vector<std::vector<double>> out;
    if (m_rank == 0)
        for (int r = 0; r < m_ranks; ++r)
            out.emplace_back(all.begin() + offsets[r], all.begin() + offsets[r] + sizes[r]);
    return out;
}

void ProcessGroup::send(int to, int tag, const std::string &bytes)
{
    MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_CHAR, to, tag, MPI_COMM_WORLD);
}

std::string ProcessGroup::receive(int from, int tag, int *source, int *receivedTag)
{
    MPI_Status st;
    MPI_Probe(from < 0 ? MPI_ANY_SOURCE : from, tag < 0 ? MPI_ANY_TAG : tag, MPI_COMM_WORLD, &st);
    int count = 0;
    MPI_Get_count(&st, MPI_CHAR, &count);
    std::string bytes(static_cast<std::size_t>(count), '\0');
    MPI_Recv(bytes.data(), count, MPI_CHAR, st.MPI_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    if (source)
        *source = st.MPI_SOURCE;
    if (receivedTag)
        *receivedTag = st.MPI_TAG;
    return bytes;
}

bool ProcessGroup::messageWaiting()
{
    int flag = 0;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE);
    return flag != 0;
}

int ProcessGroup::agreeOrStop(const std::string &error, int code)
{
    if (!m_mpi || m_ranks == 1)
        return error.empty() ? 0 : fail(error, code);
    int mine = error.empty() ? 0 : code;
    std::vector<int> codes(m_ranks);
    MPI_Allgather(&mine, 1, MPI_INT, codes.data(), 1, MPI_INT, MPI_COMM_WORLD);
    int failed = 0, firstCode = 0;
    std::string which;
    for (int r = 0; r < m_ranks; ++r)
        if (codes[r] != 0) {
            ++failed;
            firstCode = firstCode ? firstCode : codes[r];
            which += (which.empty() ? "" : ", ") + std::to_string(r);
        }
    if (failed == 0)
        return 0;
    if (failed == m_ranks) { // the same bad input everywhere: one message, a normal exit
        if (m_rank == 0)
            fail(error, code);
        return code;
    }
    if (mine != 0)
        fail("rank " + std::to_string(m_rank) + " of " + std::to_string(m_ranks) + ": " + error, code);
    std::fflush(stderr);
    // Let the failing ranks' messages out before the job goes down.
    MPI_Barrier(MPI_COMM_WORLD);
    if (m_rank == 0) {
        std::fprintf(stderr,
            "dmftlab-cli: error: rank(s) %s of %d failed their checks; stopping all processes (nothing was "
            "computed or written)\n",
            which.c_str(), m_ranks);
        std::fflush(stderr);
        MPI_Abort(MPI_COMM_WORLD, firstCode);
    }
    // The other ranks wait to be stopped by the abort.
    MPI_Barrier(MPI_COMM_WORLD);
    return code;
}

int ProcessGroup::stopAll(const std::string &message, int code)
{
    fail(m_ranks > 1 ? "rank " + std::to_string(m_rank) + " of " + std::to_string(m_ranks) + ": " + message
                     : message,
        code);
    if (m_mpi && m_ranks > 1) {
        std::fprintf(stderr, "dmftlab-cli: error: stopping all %d processes\n", m_ranks);
        std::fflush(stderr);
        MPI_Abort(MPI_COMM_WORLD, code);
    }
    return code;
}

#else // one process: nothing here touches MPI

ProcessGroupSession::ProcessGroupSession(int &, char **&)
{
    if (launchedByMpi())
        std::fprintf(stderr,
            "dmftlab-cli: warning: started by an MPI launcher, but this build has no MPI (DMFTLAB_MPI=OFF): "
            "every process runs the whole computation\n");
}

ProcessGroupSession::~ProcessGroupSession() = default;

void ProcessGroup::sumInPlace(double *, std::size_t)
{
}

std::vector<std::vector<double>> ProcessGroup::gatherToRoot(const std::vector<double> &data)
{
    return { data };
}

void ProcessGroup::send(int, int, const std::string &)
{
}

std::string ProcessGroup::receive(int, int, int *, int *)
{
    return {};
}

bool ProcessGroup::messageWaiting()
{
    return false;
}

int ProcessGroup::agreeOrStop(const std::string &error, int code)
{
    return error.empty() ? 0 : fail(error, code);
}

int ProcessGroup::stopAll(const std::string &message, int code)
{
    return fail(message, code);
}

#endif

} // namespace dmftlab::cli
