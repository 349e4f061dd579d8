#!/usr/bin/env bash
# Installs the Debian 12 packages entente builds and tests with. Idempotent: does nothing
# when everything is already there. Needs root (or sudo) only when something is missing.
#   install-deps.sh          what building and running a node needs
#   install-deps.sh --tests  that and what the test suite needs besides (the browser
#                            tests' Chromium and Node.js)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache git python3 curl ca-certificates
  clang-format
  libboost1.81-dev libboost-json1.81-dev
  libsqlite3-dev libssl-dev libsodium-dev
  libhyperscan-dev libre2-dev libicu-dev
  libcli11-dev libspdlog-dev libfmt-dev
  libsimdjson-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
tests=0
if [ "${1:-}" = "--tests" ]; then
  tests=1
  packages+=(nodejs chromium)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The browser tests (tests/browser) need npm, which Debian packages apart from nodejs
# (NodeSource's nodejs carries its own): asked for only when no npm is found.
if [ "$tests" = 1 ]; then command -v npm >/dev/null 2>&1 || missing+=(npm); fi
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "entente: installing ${missing[*]}" >&2
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
