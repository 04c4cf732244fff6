# Parameter sweeps: families and phase diagrams (issue 11).
dmftlab_core_test(test_sweep)
