#!/usr/bin/env bash
# Seeds N contacts into a fresh database, then prints the contacts-list figures twice: the
# queries in process (`switchboard dev bench-contacts`) and the pages over HTTP on a running
# release server (bench/contacts-http.sh). Usage:
#   bench/contacts.sh N [--postgres]         (SWITCHBOARD_BIN=PATH: that build instead of building one)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
bin=${SWITCHBOARD_BIN:-}
if [ -z "$bin" ]; then
  make --no-print-directory release >/dev/null
  bin=$(swift build -c release --show-bin-path)/switchboard
fi
export SWITCHBOARD_ADMIN_PASSWORD=bench-password-1 LOG_LEVEL=warning

run() {
  "$bin" dev seed --contacts "$count"
  "$bin" dev bench-contacts --runs 100
  SWITCHBOARD_BIN=$bin bench/contacts-http.sh "$DATABASE_URL" 100
}

if [ "${2:-}" = "--postgres" ]; then
  scripts/with-postgres.sh bash -c "$(declare -f run); bin=$bin count=$count; run"
else
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
  DATABASE_URL="sqlite://$dir/bench.sqlite" run
fi
