#!/usr/bin/env bash
# Times desk-phone directories on a fresh SQLite database: N sample contacts in one group (about
# 8 in 9 of them are members), published for phones with user "phone" and the admin's password,
# then the full Yealink download and a few remote searches over HTTP. Usage:
#   bench/directories.sh [N]          (default 100000; SWITCHBOARD_BIN=… to use a given build)
# Prints seconds, MB and the server's peak RSS (VmHWM).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-100000}
bin=${SWITCHBOARD_BIN:-}
if [ -z "$bin" ]; then
  make --no-print-directory release >/dev/null
  bin=$(swift build -c release --show-bin-path)/switchboard
fi
password=bench-password-1
export SWITCHBOARD_ADMIN_PASSWORD=$password LOG_LEVEL=warning
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
# BENCH_DB=path keeps the seeded database for another run (seeded only when absent).
db=${BENCH_DB:-$work/bench.sqlite}
export DATABASE_URL=sqlite://$db
[ -s "$db" ] || "$bin" dev seed --contacts "$count" --groups 1 | tail -1

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
HOST=127.0.0.1 PORT=$port "$bin" serve >"$work/server.log" 2>&1 &
server=$!
base=http://127.0.0.1:$port
for _ in $(seq 1 300); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
# Published (ids are text in SQLite) once the server made the admin, with the admin's bcrypt hash: the same password,
# no hashing tool needed.
sqlite3 "$db" "INSERT INTO group_directories (id, group_id, is_enabled, username, password_hash)
  SELECT '$(python3 -c 'import uuid; print(str(uuid.uuid4()).upper())')', id, 1, 'phone', (SELECT password_hash FROM users WHERE username = 'admin')
  FROM contact_groups WHERE name = 'Sample group 1'
  AND NOT EXISTS (SELECT 1 FROM group_directories);"
group=$(sqlite3 "$db" "SELECT id FROM contact_groups WHERE name = 'Sample group 1';")
members=$(sqlite3 "$db" "SELECT count(*) FROM contact_group_members")
echo "group of $members contacts out of $count"
for round in 1 2; do
  curl -s -u "phone:$password" -o "$work/yealink.xml" -w "yealink.xml (round $round): %{http_code} %{time_total} s, %{size_download} bytes\n" \
    "$base/directory/$group/yealink.xml"
done
echo "entries: $(grep -c '<DirectoryEntry>' "$work/yealink.xml")"
for q in martin mil zz 0612 4567 'xq'; do
  curl -s -u "phone:$password" -o "$work/search.xml" -w "search q=$q: %{http_code} %{time_total} s" \
    "$base/directory/$group/search?q=$q&format=yealink"
  echo ", $(grep -c '<DirectoryEntry>' "$work/search.xml" || true) entries"
done
echo "server peak RSS: $(awk '/VmHWM/ { print $2, $3 }' /proc/$server/status)"
