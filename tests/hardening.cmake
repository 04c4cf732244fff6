# Hardening (issue 15). Fuzzing: a deterministic generator over the config and session-curves parsers,
# bounded in wall time (labels "core;fuzz": DMFTLAB_SANITIZE=1 scripts/test.sh runs it under ASan+UBSan).
add_executable(test_fuzz_parsers fuzz/test_fuzz_parsers.cpp testutil.h)
target_link_libraries(test_fuzz_parsers PRIVATE dmftlab_core Qt6::Test)
add_test(NAME test_fuzz_parsers COMMAND test_fuzz_parsers)
set_tests_properties(test_fuzz_parsers PROPERTIES LABELS "core;fuzz" ENVIRONMENT "DMFTLAB_FUZZ_SECONDS=8")
add_dependencies(dmftlab_core_tests test_fuzz_parsers)

# The ode engine's memory check and cancel (issue 15).
dmftlab_core_test(test_ode_limits)
