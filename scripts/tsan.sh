#!/usr/bin/env bash
# ThreadSanitizer run of the GUI run test (issue 15; docs/testing.md classifies its reports).
# Builds test_gui_run with -fsanitize=thread into build-tsan/ and runs it offscreen; with
# tests/tsan/qt.supp when present, which may silence only reports docs/testing.md classifies as
# false positives (Qt itself is not instrumented, so TSan cannot see its mutexes and
# queued-signal hand-offs).
# Not part of CI: the build alone takes ~30 CPU-minutes. The test's timing checks (Stop
# latency, event-loop lateness) fail under TSan's slowdown and are not what this run checks;
# it exits non-zero only when TSan reports a race (exit code 66).
# Known (docs/testing.md): with qt.supp ~3 classified false positives inside unsymbolized
# libQt6Core remain, so it still exits 66; read any report whose accessing frame is project code.
# Usage: bash scripts/tsan.sh [test function ...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
JOBS="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
T="-fsanitize=thread -fno-omit-frame-pointer"
GEN=()
[ -f build-tsan/CMakeCache.txt ] || GEN=(-G Ninja)
cmake -S . -B build-tsan "${GEN[@]}" -DCMAKE_BUILD_TYPE=Tsan -DDMFTLAB_NATIVE=OFF -DDMFTLAB_BUILD_PYTHON=OFF \
  -DCMAKE_CXX_FLAGS_TSAN="-O1 -g1 $T" -DCMAKE_EXE_LINKER_FLAGS_TSAN="$T" -DCMAKE_SHARED_LINKER_FLAGS_TSAN="$T"
cmake --build build-tsan --parallel "$JOBS" --target test_gui_run
SUPP=""
[ -f tests/tsan/qt.supp ] && SUPP="suppressions=$PWD/tests/tsan/qt.supp"
QT_QPA_PLATFORM=offscreen \
  TSAN_OPTIONS="$SUPP exitcode=66 second_deadlock_stack=1 ${TSAN_OPTIONS:-}" \
  build-tsan/tests/test_gui_run "$@" || {
    rc=$?
    [ "$rc" = 66 ] && { echo "tsan.sh: ThreadSanitizer reported a race" >&2; exit 66; }
    echo "tsan.sh: test_gui_run exited $rc (timing checks fail under TSan's slowdown; no race reported)" >&2
  }
