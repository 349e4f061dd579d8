#!/usr/bin/env bash
# Runs the dashboard's browser tests (dashboard.test.mjs, admin.test.mjs) the way CTest does: the npm
# packages (playwright-core only, as package-lock.json pins it) are installed with
# `npm ci` into WORK (default: a folder beside the build), never into the source tree,
# and again only when the lock file changed. The browser is Debian's chromium
# (scripts/install-deps.sh installs it); nothing is downloaded by playwright.
#   usage: run.sh WORK_DIR      (ENTENTE_BIN names the entente binary)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="${1:?usage: run.sh WORK_DIR}"
chromium="${ENTENTE_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ]; then
  echo "browser tests: $chromium is missing (scripts/install-deps.sh installs chromium)" >&2
  exit 1
fi
mkdir -p "$work"
cp "$here/package.json" "$here/package-lock.json" "$here"/*.mjs "$work/"
stamp="$work/node_modules/.entente-lock-sha256"
want="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
fi
cd "$work"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
exec node --test --test-concurrency=1 dashboard.test.mjs views.test.mjs admin.test.mjs
