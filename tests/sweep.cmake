# Parameter sweeps: families and phase diagrams (issue 11).
dmftlab_core_test(test_sweep SANITIZE)

dmftlab_core_test(test_sweep_cli SANITIZE)
target_compile_definitions(test_sweep_cli PRIVATE DMFTLAB_CLI_PATH="$<TARGET_FILE:dmftlab-cli>")
add_dependencies(test_sweep_cli dmftlab-cli)
math(EXPR test_sweep_cli_timeout "240 * ${DMFTLAB_TIMEOUT_SCALE}")
set_tests_properties(test_sweep_cli PROPERTIES TIMEOUT ${test_sweep_cli_timeout})

dmftlab_ui_test(test_gui_sweep)
set_tests_properties(test_gui_sweep PROPERTIES TIMEOUT 240)
