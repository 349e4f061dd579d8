#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test (unit, fuzz
# corpus replay, black-box against the real binary, formatting). CI runs exactly this.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh" --tests
"$root/scripts/build.sh"
build="${ENTENTE_BUILD_DIR:-$root/build}"
cd "$build"
rm -f Testing/Temporary/LastTestsFailed.log
status=0
ctest --output-on-failure -j "${ENTENTE_JOBS:-$(nproc)}" --timeout 600 || status=$?
if [ "$status" -ne 0 ]; then
  # The output of a failed test is printed where it finished, among a thousand others;
  # its end is repeated here, last, where a reader of the log's tail sees it.
  python3 "$root/scripts/failed_output.py" Testing/Temporary/LastTest.log \
    Testing/Temporary/LastTestsFailed.log || true
fi
exit "$status"
