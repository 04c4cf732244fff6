# CLI area: data writers (core), and the dmftlab-cli binary driven through QProcess.
dmftlab_core_test(test_cli_writers SANITIZE)

dmftlab_core_test(test_cli SANITIZE)
target_compile_definitions(test_cli PRIVATE DMFTLAB_CLI_PATH="$<TARGET_FILE:dmftlab-cli>")
add_dependencies(test_cli dmftlab-cli)
math(EXPR test_cli_timeout "240 * ${DMFTLAB_TIMEOUT_SCALE}")
set_tests_properties(test_cli PROPERTIES TIMEOUT ${test_cli_timeout})
