#!/bin/sh
# Times `entente ingest` end to end on a generated corpus: read the bundle, parse it,
# validate every object against the STIX 2.1 MUST rules (patterns included), label it
# through the policy gate and store it in a fresh SQLite node. Prints the wall and CPU
# seconds and the rate.
#
#   bench/store/ingest_cli.sh [COUNT] [BUILD_DIR]     (defaults: 1000000, ./build)
#
# The corpus is built from $ENTENTE_BENCH_DATA/iocs/maltrail-static.tsv.gz
# (docs/benchmarks.md, "Data", says how to get it).
set -eu
count=${1:-1000000}
build=${2:-./build}
work=$(mktemp -d "${TMPDIR:-/tmp}/entente-ingest-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

"$build/bench/store/bench_store_ingest" --count "$count" --write-bundle "$work/corpus.json"
export ENTENTE_DATA="$work/node"
"$build/entente" init --name bench --jurisdiction FR >/dev/null
coll=$("$build/entente" collection add --title bench --tlp green --read admin --write admin)

start=$(date +%s.%N)
/usr/bin/time -f '%U %S %M' -o "$work/time" \
  "$build/entente" ingest --no-progress --collection "$coll" "$work/corpus.json"
end=$(date +%s.%N)
read -r user sys maxrss_kb <"$work/time"
echo "$count $start $end $user $sys $maxrss_kb" | awk '{
  wall = $3 - $2; cpu = $4 + $5;
  printf "{\"bench\":\"ingest_cli\",\"objects\":%d,\"wall_seconds\":%.2f,\"cpu_seconds\":%.2f,", $1, wall, cpu;
  printf "\"objects_per_s\":%.0f,\"objects_per_cpu_s\":%.0f,\"max_rss_mb\":%.0f}\n", $1 / wall, $1 / cpu, $6 / 1024 }'
