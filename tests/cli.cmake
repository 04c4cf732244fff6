# CLI area: data writers (core), and the dmftlab-cli binary driven through QProcess.
dmftlab_core_test(test_cli_writers)
