#!/usr/bin/env bash
# The node binary for the demos: installs what is missing, builds the entente binary only
# (its build output shown only when the build fails) and prints the binary's path.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh" >&2
echo "demo: building the entente binary (the first time takes a few minutes)" >&2
log="$(mktemp)"
if ! ENTENTE_TARGETS=entente "$root/scripts/build.sh" >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
echo "${ENTENTE_BUILD_DIR:-$root/build}/entente"
