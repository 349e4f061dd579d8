#!/usr/bin/env bash
# Configures and builds entente into ./build (or $ENTENTE_BUILD_DIR): everything, or only
# the targets named in $ENTENTE_TARGETS (space-separated, e.g. "entente").
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ENTENTE_BUILD_DIR:-$root/build}"
jobs="${ENTENTE_JOBS:-$(nproc)}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${ENTENTE_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
targets=()
for t in ${ENTENTE_TARGETS:-}; do targets+=(--target "$t"); done
cmake --build "$build" -j "$jobs" "${targets[@]}"
