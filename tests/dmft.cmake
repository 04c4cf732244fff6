# DMFT solver and online ODE (issue 3).
dmftlab_core_test(test_dmft_kernels)
dmftlab_core_test(test_dmft_status)
dmftlab_core_test(test_ode)
dmftlab_core_test(test_dmft_simulation)
dmftlab_core_test(test_dmft_mixing)
dmftlab_core_test(test_dmft_relu)
dmftlab_core_test(test_distributions)
