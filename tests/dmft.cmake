# DMFT solver and online ODE (issue 3).
dmftlab_core_test(test_dmft_kernels)
# Not in the sanitizer stage: 145 s under ASan (5.4 s in Release) and cancel-latency bounds
# that a sanitizer's slowdown breaks (docs/testing.md); test_cli runs its engines there.
dmftlab_core_test(test_dmft_status)
dmftlab_core_test(test_ode)
dmftlab_core_test(test_dmft_simulation)
dmftlab_core_test(test_dmft_mixing)
dmftlab_core_test(test_dmft_relu)
dmftlab_core_test(test_dmft_numerics)
dmftlab_core_test(test_dmft_timestep)
dmftlab_core_test(test_distributions)
# Not in the sanitizer stage either (ASan + UBSan-clean when last run there, docs/testing.md):
# numerics, not input, and 69 s and 36 s under ASan against 1 s and 0.3 s in Release.
dmftlab_core_test(test_effective_paths)
dmftlab_core_test(test_dmft_iterates)
dmftlab_core_test(test_dmft_march SANITIZE)
