#include "cli.h"
#include "processgroup.h"

int main(int argc, char **argv)
{
    // MPI_Init when mpirun/srun started this process (processgroup.h), MPI_Finalize at the end.
    dmftlab::cli::ProcessGroupSession processes(argc, argv);
    return dmftlab::runCli(argc, argv);
}
