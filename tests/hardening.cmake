# Hardening (issue 15). Fuzzing: a deterministic generator over the config and session-curves parsers,
# bounded in wall time (label "fuzz"; also in the sanitizer stage of scripts/test.sh).
dmftlab_core_test(test_fuzz_parsers SANITIZE)
set_tests_properties(test_fuzz_parsers PROPERTIES LABELS "core;sanitize;fuzz" ENVIRONMENT "DMFTLAB_FUZZ_SECONDS=8")

# The ode engine's memory check and cancel (issue 15).
dmftlab_core_test(test_ode_limits SANITIZE)
