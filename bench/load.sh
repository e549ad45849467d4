#!/usr/bin/env bash
# Load: simulated people through nginx (TLS) and the PBX at a steady rate, on a release build; errors, p50/p99 per
# page, memory of each instance at start and end, PostgreSQL connections (bench/load.py).
#   bench/load.sh [SECONDS] [PEOPLE] [CONTACTS]             two instances on PostgreSQL behind nginx (600 s, 200, 100000)
#   bench/load.sh --sqlite [SECONDS] [PEOPLE] [CONTACTS]    one instance on SQLite behind nginx
set -euo pipefail
cd "$(dirname "$0")/.."
mode=()
if [ "${1:-}" = --sqlite ]; then mode=(--sqlite); shift; fi
seconds=${1:-600}
people=${2:-200}
contacts=${3:-100000}
scripts/install-deps.sh test >/dev/null
bin=${SWITCHBOARD_BIN:-}
if [ -z "$bin" ]; then
  nice -n 10 make --no-print-directory release >/dev/null
  bin=$(swift build -c release --show-bin-path)/switchboard
fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
SWITCHBOARD_BIN=$bin .venv/bin/python bench/load.py "${mode[@]}" --seconds "$seconds" --users "$people" \
  --contacts "$contacts" --pbx-rate "${PBX_RATE:-500}"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
