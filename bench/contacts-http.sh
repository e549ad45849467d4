#!/usr/bin/env bash
# Times the contacts pages over HTTP, as a browser asks for them, on a release server and an
# already seeded database (see contacts.sh). Prints p50/p95/max per page and the server's memory.
#   bench/contacts-http.sh DATABASE_URL [RUNS]
# Server time = curl's time_total on 127.0.0.1 over a kept-alive connection (request sent →
# last byte of the page received), so it includes routing, sessions, rights, the query and Leaf.
set -euo pipefail
cd "$(dirname "$0")/.."
db=${1:?usage: bench/contacts-http.sh DATABASE_URL [RUNS]}
runs=${2:-100}
bin=${SWITCHBOARD_BIN:-}
if [ -z "$bin" ]; then
  make --no-print-directory release >/dev/null
  bin=$(swift build -c release --show-bin-path)/switchboard
fi
export DATABASE_URL=$db SWITCHBOARD_ADMIN_PASSWORD=${SWITCHBOARD_ADMIN_PASSWORD:-bench-password-1} LOG_LEVEL=warning
work=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

# A subscriber who may read two of the sample groups, as in the rights scenario.
"$bin" user create bench-subscriber --password bench-subscriber-1 >/dev/null 2>&1 || true
"$bin" contact-groups grant bench-subscriber "Sample group 1" --right read >/dev/null
"$bin" contact-groups grant bench-subscriber "Sample group 2" --right write >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
HOST=127.0.0.1 PORT=$port "$bin" serve >"$work/server.log" 2>&1 &
server=$!
base=http://127.0.0.1:$port
for _ in $(seq 1 300); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done

sign_in() { # jar username password
  local csrf
  csrf=$(curl -s -c "$1" -b "$1" "$base/sign-in" | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  curl -s -c "$1" -b "$1" -o /dev/null --data-urlencode "_csrf=$csrf" --data-urlencode "username=$2" \
    --data-urlencode "password=$3" "$base/sign-in"
}
sign_in "$work/admin" admin "$SWITCHBOARD_ADMIN_PASSWORD"
sign_in "$work/subscriber" bench-subscriber bench-subscriber-1

group=$(curl -s -b "$work/admin" "$base/contacts" | grep -o 'href="/contacts?group=[^"]*" *data-group-name="Sample group 3"' | head -1 | sed 's/href="//; s/".*//')
next=$(curl -s -b "$work/admin" "$base/contacts" | grep -o 'href="[^"]*" data-testid="next-page"' | head -1 | sed 's/href="//; s/".*//; s/&amp;/\&/g')

measure() { # label jar path
  local config=$work/curl.cfg rows
  : >"$config"
  for _ in $(seq 1 "$runs"); do printf 'url = "%s%s"\noutput = /dev/null\n' "$base" "$2" >>"$config"; done
  rows=$(curl -s -b "$1" "$base$2" | grep -c 'data-contact-row' || true)
  curl -s -b "$1" -K "$config" -w '%{http_code} %{time_total}\n' | python3 -c '
import sys
label, rows = sys.argv[1], sys.argv[2]
lines = [l.split() for l in sys.stdin if l.strip()]
bad = [c for c, _ in lines if c != "200"]
t = sorted(float(s) * 1000 for _, s in lines)
q = lambda p: t[min(len(t) - 1, int(len(t) * p))]
print(f"{label:<52} {q(0.5):7.2f} {q(0.95):7.2f} {t[-1]:7.2f}  {rows:>4}" + (f"  ({len(bad)} not 200!)" if bad else ""))
' "$3" "$rows"
}

total=$("$bin" contact-groups list | awk -F'\t' '{ s += $3 } END { print s }')
echo "contacts pages over HTTP, $runs requests each, times in ms (memberships in sample groups: $total)"
echo "page                                                     p50     p95     max  rows"
measure "$work/admin" "/contacts" "All contacts, first page (admin)"
measure "$work/subscriber" "/contacts" "All contacts, first page (subscriber, 2 groups)"
measure "$work/admin" "$next" "All contacts, page 2 (cursor)"
measure "$work/admin" "/contacts?tab=M" "Letter tab M"
measure "$work/admin" "$group" "One group, first page"
measure "$work/admin" "/contacts?name=an" "Name filter \"an\" (2 chars)"
measure "$work/admin" "/contacts?number=12" "Number filter \"12\" (2 digits)"
measure "$work/admin" "/contacts?number=0478" "Number filter \"0478\" (rare beginning)"
measure "$work/subscriber" "/contacts?name=an" "Name filter \"an\", subscriber"
measure "$work/admin" "/contacts?name=zq" "Name filter \"zq\" (2 chars, no match)"
measure "$work/admin" "/contacts?name=xav" "Name filter \"xav\" (rare)"
measure "$work/admin" "/contacts?tab=E&name=mi" "Tab E + name \"mi\""
grep -E '^(VmRSS|VmHWM|RssAnon|RssFile)' "/proc/$server/status" | sed 's/^/server /'
