# Finite-dimensional simulations (core/sim): one executable per capability so CTest can
# run them in parallel. Together they take well under 90 s in Release.
dmftlab_core_test(test_simulation_exact)
dmftlab_core_test(test_simulation_control SANITIZE)
dmftlab_core_test(test_simulation_sgd_sgf)
dmftlab_core_test(test_simulation_online)
dmftlab_core_test(test_simulation_timestep)
