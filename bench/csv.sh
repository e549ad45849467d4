#!/usr/bin/env bash
# Writes N sample contacts as a CSV file in Switchboard's own format, then on a fresh SQLite file:
# imports it (parse + duplicate check + inserts, one transaction), compares with `sqlite3 .import` of the
# same file into a bare table, and exports every contact again. Prints rows/s and peak RSS. Usage:
#   bench/csv.sh N [--debug]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
configuration=release
[ "${2:-}" = "--debug" ] && configuration=debug
nice -n 10 swift build -c "$configuration" --product switchboard >/dev/null 2>&1
bin=$(swift build -c "$configuration" --show-bin-path)/switchboard
export SWITCHBOARD_ADMIN_PASSWORD=bench-password-1 LOG_LEVEL=warning SWITCHBOARD_BCRYPT_COST=4
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export DATABASE_URL="sqlite://$dir/bench.sqlite"
echo "== $configuration build, $count rows"
"$bin" dev bench-csv write --rows "$count" --file "$dir/contacts.csv"
echo "file: $(($(stat -c %s "$dir/contacts.csv") / 1024)) KB"
"$bin" dev bench-csv import --file "$dir/contacts.csv"
if command -v sqlite3 >/dev/null; then
    tail -c +4 "$dir/contacts.csv" >"$dir/plain.csv" # without the BOM, which .import would keep in the first name
    start=$(date +%s.%N)
    sqlite3 "$dir/plain.sqlite" ".mode csv" ".separator ;" ".import $dir/plain.csv contacts"
    end=$(date +%s.%N)
    rows=$(sqlite3 "$dir/plain.sqlite" "select count(*) from contacts")
    awk -v r="$rows" -v s="$start" -v e="$end" \
        'BEGIN { printf "sqlite3 .import (bare table)    %8.0f rows/s  (%d rows in %.3f s)\n", r / (e - s), r, e - s }'
else
    echo "sqlite3 not installed: no comparison (apt-get install sqlite3)"
fi
"$bin" dev bench-csv export --file "$dir/export.csv"
