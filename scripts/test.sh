#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test (unit, fuzz
# corpus replay, black-box against the real binary, formatting). CI runs exactly this.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
build="${ENTENTE_BUILD_DIR:-$root/build}"
cd "$build"
ctest --output-on-failure -j "${ENTENTE_JOBS:-$(nproc)}" --timeout 600
