#!/usr/bin/env bash
# One command on a fresh Debian 12 machine: install the dependencies, build DMFT Lab
# (Release, into build/) and run the whole CTest suite. Then, in CI (CI=true) or with
# DMFTLAB_SANITIZE=1, it builds the CLI and the tests labelled "sanitize" again with
# AddressSanitizer + UndefinedBehaviorSanitizer (into build-asan/, one unity build) and runs
# them (DMFTLAB_SANITIZE=0 skips that stage); its cost against CI's ~20 min budget is measured
# in docs/testing.md. Exits non-zero if either run fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh

# CI checks the formatting first (seconds, before a build of many minutes), once the tree has
# been formatted: the commit that applies scripts/format.sh to the whole tree also adds
# .clang-format-enforced. Until then the check stays off so that unformatted files pass.
if [ "${CI:-}" = "true" ] && [ -f .clang-format-enforced ]; then
  bash scripts/format.sh --check
fi

JOBS="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
# CI builds with warnings as errors; a local build only shows them.
WERROR=OFF
if [ "${CI:-}" = "true" ]; then
  WERROR=ON
fi
if [ -f build/CMakeCache.txt ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DDMFTLAB_WERROR="$WERROR"
else
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DDMFTLAB_WERROR="$WERROR"
fi
cmake --build build --parallel "$JOBS"

status=0
# GUI tests set QT_QPA_PLATFORM=offscreen themselves; no display is needed.
(cd build && ctest --output-on-failure -j2 --timeout 600) || status=$?

# The sanitizer stage: on in CI, opt-in elsewhere (measured on a clean clone at idle: ~6.7 min
# on top of the Release stage's ~13.6, docs/testing.md "Cost"); DMFTLAB_SANITIZE=0 opts out.
SANITIZE="${DMFTLAB_SANITIZE:-}"
if [ -z "$SANITIZE" ]; then
  if [ "${CI:-}" = "true" ]; then SANITIZE=1; else SANITIZE=0; fi
fi
if [ "$SANITIZE" = 1 ]; then
  # -O1 with assertions on (no NDEBUG): Eigen's own index checks join ASan's. -g1 (line tables)
  # is all a report's stack needs and compiles faster than -g. Only dmftlab-cli and the tests
  # labelled "sanitize" (tests/CMakeLists.txt says which and why) are built, to stay within
  # CI's time budget, as a unity build (8 files a translation unit: the core's files all parse
  # Eigen and JSON; batched they cost about half the CPU). -g0 would save nothing (measured).
  SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
  GEN=()
  [ -f build-asan/CMakeCache.txt ] || GEN=(-G Ninja)
  cmake -S . -B build-asan "${GEN[@]}" -DCMAKE_BUILD_TYPE=Sanitize -DDMFTLAB_NATIVE=OFF \
    -DDMFTLAB_BUILD_PYTHON=OFF -DCMAKE_CXX_FLAGS_SANITIZE="-O1 -g1 $SAN" \
    -DCMAKE_EXE_LINKER_FLAGS_SANITIZE="$SAN" -DCMAKE_SHARED_LINKER_FLAGS_SANITIZE="$SAN" \
    -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=8
  cmake --build build-asan --parallel "$JOBS" --target dmftlab_sanitize_tests dmftlab-cli
  (cd build-asan \
    && ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1" \
       UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
       ctest -L sanitize --output-on-failure -j2 --timeout 900) || status=$?
fi
exit "$status"
