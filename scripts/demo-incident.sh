#!/usr/bin/env bash
# Incident coordination across three nodes (issue 15): installs what is missing, builds the
# entente binary only, then starts three nodes on free 127.0.0.1 ports (cert-fr, cert-de,
# cert-nl). A company reports an incident to cert-fr over HTTP; cert-fr opens a case from
# the ticket (RSIT-classified, NIS2 clocks running), invites cert-de and cert-nl and sends
# each a hotline request; cert-de acknowledges in time, cert-nl's request escalates to its
# 24/7 desk; every node then shows the three states and each organisation reads what TLP
# allows. One checked line per step; the nodes live in a temporary folder removed at the
# end, every server is stopped on exit or Ctrl-C. Exit status 0 when every step happened
# as expected. Options go to demo/incident_coordination.py: --keep (keep the folder),
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
exec python3 "$root/demo/incident_coordination.py" --bin "${ENTENTE_BUILD_DIR:-$root/build}/entente" "$@"
