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
bin="$("$root/scripts/build-binary.sh")"
exec python3 "$root/demo/incident_coordination.py" --bin "$bin" "$@"
