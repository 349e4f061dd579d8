#!/usr/bin/env bash
# The three-nation demo: installs what is missing, builds the entente binary only, then
# starts three nodes on free 127.0.0.1 ports (CERT-FR, CERT-DE and an energy ISAC in the
# Netherlands), publishes CLEAR, GREEN, AMBER, AMBER+STRICT and RED objects and personal
# data, waits for sync and prints on one screen what each node received, what was
# withheld and why. The nodes live in a temporary folder removed at the end; every server
# is stopped on exit or Ctrl-C. Exit status 0 when every node holds exactly what the
# rules allow. Options go to demo/three_nations.py: --keep (keep the folder),
# --json FILE (the observed outcome as JSON), --timeout S.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
# The node binary only; its output is shown only when the build fails.
echo "demo: building the entente binary (the first time takes a few minutes)" >&2
log="$(mktemp)"
if ! ENTENTE_TARGETS=entente "$root/scripts/build.sh" >"$log" 2>&1; then
  cat "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"
exec python3 "$root/demo/three_nations.py" --bin "${ENTENTE_BUILD_DIR:-$root/build}/entente" "$@"
