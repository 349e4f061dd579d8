#!/bin/bash
# The record's cost on ingest (issue 16, docs/benchmarks.md "Record: cost on ingest"):
# `entente ingest` of one corpus into a fresh data folder, alternating a binary built
# without the record's work on the ingest path and one built with it, ROUNDS times
# each, printing wall and CPU seconds, peak memory and the size of the record per run,
# then the medians, and the median of each round's on/off ratio (rounds alternate, so the
# ratio of one round is the least affected by the machine's load drifting between rounds).
#
#   bench/audit/record_cost.sh OFF_BINARY ON_BINARY CORPUS [ROUNDS]
#
# ON_BINARY is build/entente. OFF_BINARY is the same commit with
# bench/audit/record-off.patch applied: no StoreRecorder on the store (nothing written to
# the record by ingest), no digest or item prepared by admission, and Boost.JSON's
# serializer instead of the canonical writer (objects stored as before the record):
#
#   git worktree add /tmp/record-off HEAD && cd /tmp/record-off &&
#     git apply bench/audit/record-off.patch &&
#     ENTENTE_TARGETS=entente ./scripts/build.sh   # then /tmp/record-off/build/entente
#
# CORPUS: build/bench/store/bench_store_ingest --count 1000000 --write-bundle FILE (with
# ENTENTE_BENCH_DATA set, docs/benchmarks.md "Data").
set -euo pipefail
if [[ $# -lt 3 ]]; then
  sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
fi
off=$1 on=$2 corpus=$3 rounds=${4:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() {  # LABEL BINARY: prints "LABEL wall user sys maxrss_kb record_bytes"
  local label=$1 bin=$2 data="$work/data"
  rm -rf "$data"
  "$bin" init --data "$data" --name bench --jurisdiction FR >/dev/null
  local coll
  coll=$("$bin" collection add --data "$data" --title bench --tlp green --read admin --write admin)
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" \
    "$bin" ingest --data "$data" --no-progress --collection "$coll" "$corpus" >/dev/null
  local bytes
  bytes=$(cat "$data"/audit.db* 2>/dev/null | wc -c)
  echo "$label $(cat "$work/time") $bytes"
}

echo "binary wall_s user_s sys_s maxrss_kb record_bytes"
for ((i = 0; i < rounds; i++)); do
  run off "$off" | tee -a "$work/runs"
  run on "$on" | tee -a "$work/runs"
done
awk '
  { wall[$1] = wall[$1] " " $2; cpu[$1] = cpu[$1] " " ($3 + $4) }
  $1 == "off" { last_wall = $2; last_cpu = $3 + $4 }
  $1 == "on" { rwall = rwall " " ($2 / last_wall); rcpu = rcpu " " (($3 + $4) / last_cpu) }
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    mw_off = median(wall["off"]); mw_on = median(wall["on"])
    mc_off = median(cpu["off"]); mc_on = median(cpu["on"])
    printf "median wall: off %.2f s, on %.2f s (%+.1f %%)\n", mw_off, mw_on, 100 * (mw_on / mw_off - 1)
    printf "median CPU (user+sys): off %.2f s, on %.2f s (%+.1f %%)\n", mc_off, mc_on, 100 * (mc_on / mc_off - 1)
    printf "median of the rounds'"'"' on/off ratios: wall %+.1f %%, CPU %+.1f %%\n", 100 * (median(rwall) - 1), 100 * (median(rcpu) - 1)
  }' "$work/runs"
