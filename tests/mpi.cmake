# dmftlab-cli under mpirun -n 2 (issue 14): only in builds with DMFTLAB_MPI.
if(DMFTLAB_MPI)
  dmftlab_core_test(test_cli_mpi)
  target_compile_definitions(test_cli_mpi PRIVATE DMFTLAB_CLI_PATH="$<TARGET_FILE:dmftlab-cli>"
    DMFTLAB_MPIEXEC="${MPIEXEC_EXECUTABLE}")
  add_dependencies(test_cli_mpi dmftlab-cli)
  # not "core": scripts/test.sh's sanitizer build runs no mpirun
  set_tests_properties(test_cli_mpi PROPERTIES TIMEOUT 300 LABELS mpi)
endif()
