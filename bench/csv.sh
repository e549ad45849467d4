#!/usr/bin/env bash
# Writes N sample contacts as a CSV file in Switchboard's own format, then on a fresh SQLite file:
# imports it (parse + duplicate check + inserts, one transaction), compares with `sqlite3 .import` of the
# same file into a bare table, and exports every contact again. Prints rows/s and peak RSS.
# With --export-db FILE, also exports every contact of a COPY of that SQLite file (e.g. a database seeded with
# `dev seed --contacts 1000000`; the file itself is never opened). Usage:
#   bench/csv.sh N [--debug] [--export-db FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
shift || true
configuration=release
export_db=
while [ $# -gt 0 ]; do
    case "$1" in
    --debug) configuration=debug ;;
    --export-db)
        export_db=$2
        shift
        ;;
    *)
        echo "unknown option $1" >&2
        exit 2
        ;;
    esac
    shift
done
if [ "$configuration" = release ]; then
  nice -n 10 make --no-print-directory release >/dev/null 2>&1
else
  nice -n 10 swift build -c debug --product switchboard >/dev/null 2>&1
fi
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
if [ -n "$export_db" ]; then
    cp "$export_db" "$dir/large.sqlite"
    rows=$(sqlite3 "$dir/large.sqlite" "select count(*) from contacts" 2>/dev/null || echo "?")
    echo "== export of a copy of $export_db ($rows contacts)"
    DATABASE_URL="sqlite://$dir/large.sqlite" "$bin" dev bench-csv export --file "$dir/large.csv"
    echo "file: $(($(stat -c %s "$dir/large.csv") / 1048576)) MB, $(($(grep -c $'\r$' "$dir/large.csv") - 1)) records after the header"
fi
