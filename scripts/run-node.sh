#!/usr/bin/env bash
# The main job: installs what is missing, builds, initialises a data folder on first run
# (./entente-data, or $ENTENTE_DATA) and serves TAXII 2.1 on $ENTENTE_LISTEN
# (default 127.0.0.1:9440). Prints where it listens and an admin token.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh"
ENTENTE_TARGETS=entente "$root/scripts/build.sh"  # the node binary only, not the tests
bin="${ENTENTE_BUILD_DIR:-$root/build}/entente"
export ENTENTE_DATA="${ENTENTE_DATA:-$PWD/entente-data}"
listen="${ENTENTE_LISTEN:-127.0.0.1:9440}"

if [ ! -e "$ENTENTE_DATA/entente.db" ]; then
  "$bin" init --data "$ENTENTE_DATA" --name "${ENTENTE_NODE_NAME:-my-node}" \
    --jurisdiction "${ENTENTE_JURISDICTION:-FR}"
else
  # A fresh admin token for this run; earlier ones stay valid until revoked.
  token="$("$bin" token create --data "$ENTENTE_DATA" --org admin --label "run-node $(date -u +%FT%TZ)")"
  echo "admin token: $token"
fi
echo "data folder: $ENTENTE_DATA"
exec "$bin" serve --data "$ENTENTE_DATA" --listen "$listen"
