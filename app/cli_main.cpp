#include "cli.h"
#include "engine/hugepages.h"
#include "processgroup.h"

int main(int argc, char **argv)
{
    dmftlab::keepFreedPathArrays();
    // MPI_Init when mpirun/srun started this process (processgroup.h), MPI_Finalize at the end.
    dmftlab::cli::ProcessGroupSession processes(argc, argv);
    return dmftlab::runCli(argc, argv);
}
