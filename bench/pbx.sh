#!/usr/bin/env bash
# Requests per second and latency of what the PBX asks at call time — caller-ID lookup and routing
# decision — next to the same server's /livez (a trivial route: the framework's own ceiling here)
# and /healthz (one `SELECT 1`: the ceiling of any route that asks the database),
# with wrk on 127.0.0.1, a release build (nice'd) and N seeded contacts in a fresh SQLite file.
#   bench/pbx.sh [CONTACTS] [SECONDS]        (defaults: 100000 contacts, 10 s per endpoint)
# wrk and the server share the machine: wrk runs 1 thread, 16 connections, then 4 (a PBX's handful
# of workers asking at once; BENCH_CONNECTIONS="16 4" changes the list). Besides req/s and
# latency it prints the server's CPU time per request (user + system, from /proc), which does not
# depend on what else runs on the machine. BENCH_DB=FILE starts from a copy of an already seeded
# SQLite file instead of seeding.
set -euo pipefail
cd "$(dirname "$0")/.."
contacts=${1:-100000}
seconds=${2:-10}
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
export SWITCHBOARD_OUTSIDE_LINE_PREFIX=0

if [ -n "${BENCH_DB:-}" ]; then
  cp "$BENCH_DB" "$work/bench.sqlite"
  contacts=$(sqlite3 "$work/bench.sqlite" "SELECT count(*) FROM contacts")
else
  "$bin" dev seed --contacts "$contacts" >/dev/null
fi
"$bin" user create ada --password bench-password-2 --extension 201 >/dev/null
"$bin" user create bea --password bench-password-2 --extension 202 >/dev/null
token=$("$bin" pbx-token create bench --quiet)
# A number on file (exact match) and one that is not (the whole search, then 404).
hit=$(sqlite3 "$work/bench.sqlite" "SELECT number FROM contact_number_keys ORDER BY key LIMIT 1 OFFSET $((contacts / 2))")
hit=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$hit")

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
HOST=127.0.0.1 PORT=$port nice -n 10 "$bin" serve >"$work/server.log" 2>&1 &
server=$!
base=http://127.0.0.1:$port
for _ in $(seq 1 300); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done

# Ada forwards colleagues to Bea after 2 rings and outside callers to voicemail after 3, set the way
# users do it (her settings page), so the decision reads real rules.
jar=$work/jar
csrf() { curl -s -c "$jar" -b "$jar" "$base$1" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "_csrf=$(csrf /sign-in)" --data-urlencode username=ada \
  --data-urlencode password=bench-password-2 "$base/sign-in"
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "_csrf=$(csrf /settings)" \
  -d unconditional.target=extension -d internal.enabled=on -d internal.target=extension -d internal.extension=202 \
  -d internal.rings=2 -d external.enabled=on -d external.target=voicemail -d external.rings=3 \
  "$base/settings/forwarding"

check() { curl -s -H "Authorization: Bearer $token" "$base$1" | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)))'; }
echo "lookup hit:  $(check "/api/v1/pbx/lookup?number=$hit")"
echo "route:       $(check "/api/v1/pbx/route?callee=201&caller=202")"

ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
run() { # label path [auth]
  local out before after
  before=$(ticks)
  if [ "${3:-}" = auth ]; then
    out=$(wrk -t1 -c"$connections" -d"${seconds}s" --latency -H "Authorization: Bearer $token" "$base$2")
  else
    out=$(wrk -t1 -c"$connections" -d"${seconds}s" --latency "$base$2")
  fi
  after=$(ticks)
  echo "$out" | python3 -c '
import re, sys
label, text = sys.argv[1], sys.stdin.read()
cpu_ticks, tick_hz = int(sys.argv[2]), int(sys.argv[3])
requests = int(re.search(r"(\d+) requests in", text).group(1))
rps = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
def ms(tag):
    m = re.search(tag + r"%\s+([\d.]+)(us|ms|s)\b", text)
    v = float(m.group(1)); return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
p50, p99 = ms("50"), ms("99")
note = f"   ({bad.group(1)} non-2xx: expected only for the miss)" if bad else ""
cpu_us = cpu_ticks / tick_hz * 1e6 / max(requests, 1)
print(f"{label:<40} {float(rps):>9.0f} {p50:>8.2f} {p99:>8.2f} {cpu_us:>10.0f}{note}")
' "$1" "$((after - before))" "$(getconf CLK_TCK)"
}

for connections in ${BENCH_CONNECTIONS:-16 4}; do
  echo
  echo "$contacts contacts, SQLite, wrk 1 thread $connections connections ${seconds}s each; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  printf '%-40s %9s %8s %8s %10s\n' endpoint "req/s" "p50 ms" "p99 ms" "CPU us/req"
  run "GET /livez (trivial route, no database)" /livez
  run "GET /healthz (SELECT 1)" /healthz
  run "GET /api/v1/pbx/lookup (hit)" "/api/v1/pbx/lookup?number=$hit" auth
  run "GET /api/v1/pbx/lookup (miss, 404)" "/api/v1/pbx/lookup?number=0399999999" auth
  run "GET /api/v1/pbx/route (colleague)" "/api/v1/pbx/route?callee=201&caller=202" auth
  run "GET /api/v1/pbx/route (outside caller)" "/api/v1/pbx/route?callee=201&caller=00612345678" auth
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); server RSS: $(ps -o rss= -p "$server" | awk '{printf "%.0f MB", $1/1024}')"
