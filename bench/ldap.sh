#!/usr/bin/env bash
# LDAP directory searches per second and latency (switchboard dev bench-ldap: N connections, each bound once, searching
# back to back as desk phones do), next to the HTTP caller-ID lookup's figures in the same run (wrk), on a release
# build and N seeded contacts in a fresh SQLite file; the LDAP figures with every search run, then with answers kept.
#   bench/ldap.sh [CONTACTS] [SECONDS]        (defaults: 100000 contacts, 10 s per measure; 16 connections)
set -euo pipefail
cd "$(dirname "$0")/.."
contacts=${1:-100000}
seconds=${2:-10}
connections=${BENCH_CONNECTIONS:-16}
command -v wrk >/dev/null || { sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd=sudo
  $sudo_cmd apt-get install -y -qq --no-install-recommends wrk >/dev/null; }
bin=${SWITCHBOARD_BIN:-}
if [ -z "$bin" ]; then
  nice -n 10 make --no-print-directory release >/dev/null
  bin=$(swift build -c release --show-bin-path)/switchboard
fi
work=$(mktemp -d)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT
export DATABASE_URL=sqlite://$work/bench.sqlite SWITCHBOARD_ADMIN_PASSWORD=bench-password-1 LOG_LEVEL=warning
"$bin" dev seed --contacts "$contacts" >/dev/null
token=$("$bin" pbx-token create bench --quiet)
# What phones ask: the beginnings of names on file, and numbers on file (the caller-ID lookup's too).
sqlite3 "$work/bench.sqlite" "SELECT substr(sort_key, 1, 3) FROM contacts WHERE sort_key NOT LIKE '~%' ORDER BY random() LIMIT 500" >"$work/names"
sqlite3 "$work/bench.sqlite" "SELECT number FROM contact_number_keys ORDER BY random() LIMIT 500" >"$work/numbers"
hit=$(head -1 "$work/numbers" | python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.stdin.read().strip()))')

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ldap_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
# Twice: with every search run (no answers kept), then as served by default (answers kept until a contact changes:
# the names and numbers repeat, as phones' searches do).
for cache in 0 ""; do
  [ -n "$server" ] && { kill "$server"; wait "$server" 2>/dev/null || true; }
  env HOST=127.0.0.1 PORT="$port" SWITCHBOARD_LDAP_PORT="$ldap_port" ${cache:+SWITCHBOARD_LDAP_CACHE_MB=$cache} \
    nice -n 10 "$bin" serve >>"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 300); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
  if [ "$cache" = 0 ]; then kept="every search run (SWITCHBOARD_LDAP_CACHE_MB=0)"; else kept="answers kept (default)"; fi
  echo "$contacts contacts, SQLite, $connections connections, ${seconds}s each, $kept; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$bin" dev bench-ldap --port "$ldap_port" --password bench-password-1 --connections "$connections" \
    --seconds "$seconds" --names "$work/names" --numbers "$work/numbers"
done
wrk -t1 -c"$connections" -d"${seconds}s" --latency -H "Authorization: Bearer $token" \
  "$base/api/v1/pbx/lookup?number=$hit" | python3 -c '
import re, sys
text = sys.stdin.read()
def ms(tag):
    m = re.search(tag + r"%\s+([\d.]+)(us|ms|s)\b", text)
    v = float(m.group(1)); return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
p50, p99 = ms("50"), ms("99")
print(f"HTTP caller-ID lookup (GET /api/v1/pbx/lookup, hit), wrk: {rps:.0f} req/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms")
'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); server RSS: $(ps -o rss= -p "$server" | awk '{printf "%.0f MB", $1/1024}')"
