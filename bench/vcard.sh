#!/usr/bin/env bash
# Reads, imports (one transaction) and exports N sample vCards on a fresh SQLite file and prints
# cards per second. Usage:
#   bench/vcard.sh N [--debug]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000}
configuration=release
[ "${2:-}" = "--debug" ] && configuration=debug
if [ "$configuration" = release ]; then
  make --no-print-directory release >/dev/null 2>&1
else
  swift build -c debug --product switchboard >/dev/null 2>&1
fi
bin=$(swift build -c "$configuration" --show-bin-path)/switchboard
export SWITCHBOARD_ADMIN_PASSWORD=bench-password-1 LOG_LEVEL=warning SWITCHBOARD_BCRYPT_COST=4
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export DATABASE_URL="sqlite://$dir/bench.sqlite"
echo "== $configuration build"
"$bin" dev bench-vcard --cards "$count"
