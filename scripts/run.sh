#!/usr/bin/env bash
# One command on a fresh Debian 12 machine: install the dependencies, build DMFT Lab
# (Release, into build/) and start the GUI on the default preset. Arguments are passed
# to the GUI (default: --preset linear-regression). With no display, says how to run
# headless instead.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/install-deps.sh

JOBS="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
if [ -f build/CMakeCache.txt ]; then
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
else
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build --parallel "$JOBS" --target dmftlab dmftlab-cli

if [ $# -eq 0 ]; then
  set -- --preset linear-regression
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  cat <<MSG

Built build/app/dmftlab and build/app/dmftlab-cli, but there is no display
(\$DISPLAY and \$WAYLAND_DISPLAY are empty), so the GUI was not started. Headless:

  # the GUI in a virtual X server: run a preset to the end and save a screenshot
  xvfb-run -a -s "-screen 0 1600x1000x24" build/app/dmftlab --preset linear-regression --run --screenshot shot.png

  # the command-line program: data files and figures
  build/app/dmftlab-cli run --preset linear-regression --engine sgf,dmft --out out/linreg --plots png,pdf
  build/app/dmftlab-cli --help
MSG
  exit 0
fi

exec build/app/dmftlab "$@"
