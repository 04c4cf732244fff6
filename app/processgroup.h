// The processes one dmftlab-cli run is split over (issue 14). A build with DMFTLAB_MPI
// started by mpirun or srun (a launcher's environment: OMPI_COMM_WORLD_SIZE, PMI_SIZE or
// PMIX_RANK) runs in MPI_COMM_WORLD; otherwise, and in a build without MPI, it is one
// process and nothing here touches MPI, so dmftlab-cli behaves exactly as without it.
//
// Who does what under MPI (README "On a cluster"):
//  * dmft: every rank holds a contiguous share of each replica's paths; path sums are added
//    by sumInPlace (MPI_Reduce to rank 0 in a fixed algorithm, then MPI_Bcast, so that every
//    rank gets the same bits and runs the same θ-process and mixing);
//  * simulations: rank r runs a contiguous range of the seeds, and the per-seed results are
//    gathered to rank 0 in seed order (gatherToRoot);
//  * sweep: rank 0 hands out points as ranks ask for them (send/receive);
//  * rank 0 alone prints and writes files.
// Failure: agreeOrStop() is called by every rank after its checks; when some ranks fail and
// others do not, each failing rank prints its message and rank 0 stops the job with
// MPI_Abort (no engine has run, no file is written). A rank that dies later (killed, out of
// memory) makes the launcher stop the job.
#pragma once

#include "engine/reducer.h"

#include <string>
#include <vector>

namespace dmftlab::cli
{

class ProcessGroup final : public Reducer
{
public:
    int rank() const override { return m_rank; }
    int ranks() const override { return m_ranks; }
    /// MPI_Reduce (sum) to rank 0, then MPI_Bcast: the same bits on every rank.
    void sumInPlace(double *data, std::size_t n) override;
    bool root() const { return m_rank == 0; }

    /// Collective. `error` empty: this rank's checks passed. Returns 0 when every rank passed,
    /// else the exit code to return: when all ranks failed, rank 0 has printed its message
    /// (`code`); when only some failed, they print theirs and the job is stopped with
    /// MPI_Abort (this call does not return on any rank).
    int agreeOrStop(const std::string &error, int code);
    /// Prints `message` and stops every process of the job (MPI_Abort); in one process,
    /// prints it and returns `code`.
    int stopAll(const std::string &message, int code);

    std::vector<std::vector<double>> gatherToRoot(const std::vector<double> &data) override;

    /// Byte messages between rank 0 and the others (the sweep's work queue): blocking send
    /// and receive; `from`/`tag` −1 receive from any rank / with any tag.
    void send(int to, int tag, const std::string &bytes);
    std::string receive(int from, int tag, int *source, int *receivedTag);
    /// Whether a message is waiting (from any rank, any tag) — without receiving it.
    bool messageWaiting();

    /// The group of this process (set up by ProcessGroupSession; one process before that).
    static ProcessGroup &instance();

private:
    friend class ProcessGroupSession;
    int m_rank = 0;
    int m_ranks = 1;
    bool m_mpi = false;
};

/// Initialises MPI in main() when a launcher started this process and finalises it at the
/// end of main(); does nothing otherwise.
class ProcessGroupSession
{
public:
    ProcessGroupSession(int &argc, char **&argv);
    ~ProcessGroupSession();
    ProcessGroupSession(const ProcessGroupSession &) = delete;
    ProcessGroupSession &operator=(const ProcessGroupSession &) = delete;
};

} // namespace dmftlab::cli
