# Config area (issue 7): schema, resolution, parsing. test_config is core-only; the paths
# test compares dmftlab-cli, sessions and the window on the same file.
dmftlab_ui_test(test_config_paths)
target_compile_definitions(test_config_paths PRIVATE DMFTLAB_CLI_PATH="$<TARGET_FILE:dmftlab-cli>")
add_dependencies(test_config_paths dmftlab-cli)
