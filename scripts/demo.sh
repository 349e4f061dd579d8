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
bin="$("$root/scripts/build-binary.sh")"
exec python3 "$root/demo/three_nations.py" --bin "$bin" "$@"
