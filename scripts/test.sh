#!/usr/bin/env bash
# One command on a fresh Debian 12 machine: install the dependencies, build DMFT Lab
# (Release, into build/) and run the whole CTest suite. Exits with ctest's status.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh

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

cd build
# GUI tests set QT_QPA_PLATFORM=offscreen themselves; no display is needed.
ctest --output-on-failure -j2 --timeout 600
