#!/usr/bin/env bash
# Times the initial synchronisation of a linked group with a real Radicale (Debian `radicale`) on
# 127.0.0.1, for each card count given (default 1000 and 10000), on a fresh SQLite file each time,
# then a second sync with nothing changed and one after 1 % of the cards changed. Usage:
#   bench/carddav.sh [--debug] [N ...]
# The time printed is the sync itself (`switchboard contact-groups sync`, measured in process):
# discovery of the changes, addressbook-multiget in batches of 100, parsing, one transaction.
set -euo pipefail
cd "$(dirname "$0")/.."
configuration=release
if [ "${1:-}" = "--debug" ]; then configuration=debug; shift; fi
counts=("$@")
[ ${#counts[@]} -eq 0 ] && counts=(1000 10000)
if [ "$configuration" = release ]; then
  nice -n 10 make --no-print-directory release >/dev/null 2>&1
else
  nice -n 10 swift build -c debug --product switchboard >/dev/null 2>&1
fi
bin=$(swift build -c "$configuration" --show-bin-path)/switchboard
export SWITCHBOARD_ADMIN_PASSWORD=bench-password-1 LOG_LEVEL=warning SWITCHBOARD_BCRYPT_COST=4
export SWITCHBOARD_SECRET_KEY=bench-secret-key-0123456789 SWITCHBOARD_SCHEDULED_SYNC=off
export SWITCHBOARD_LINK_SECRET=bench-secret-1
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
printf 'bench:%s\n' "$SWITCHBOARD_LINK_SECRET" >"$dir/users"
cat >"$dir/radicale.conf" <<CONF
[server]
hosts = 127.0.0.1:$port
max_content_length = 1000000000
[auth]
type = htpasswd
htpasswd_filename = $dir/users
htpasswd_encryption = plain
[storage]
filesystem_folder = $dir/collections
[rights]
type = owner_only
[logging]
level = warning
CONF
nice -n 10 /usr/bin/python3 /usr/bin/radicale --config "$dir/radicale.conf" >"$dir/radicale.log" 2>&1 &
radicale=$!
trap 'kill "$radicale" 2>/dev/null || true; rm -rf "$dir"' EXIT
base=http://127.0.0.1:$port
for _ in $(seq 1 100); do curl -s -o /dev/null "$base/.web/" && break; sleep 0.1; done

cards() { # count first-changed-index: sample cards, the first ones renamed when asked
  python3 - "$1" "${2:-0}" <<'PY'
import sys
count, changed = int(sys.argv[1]), int(sys.argv[2])
first = ["Émile", "Anne", "Jürgen", "Oliver", "Zoé", "Marc", "Ines", "Paul"]
last = ["Durand", "Müller", "Smith", "Lefèvre", "Nguyen", "Rossi", "García", "Brown"]
out = []
for i in range(count):
    f, l = first[i % 8], last[(i // 8) % 8]
    fn = f"{f} {l} {i}" + (" (changed)" if i < changed else "")
    out.append("BEGIN:VCARD\r\nVERSION:3.0\r\n"
               f"UID:bench-{i}\r\nFN:{fn}\r\nN:{l};{f};;;\r\nORG:Company {i % 97}\r\n"
               f"TEL;TYPE=WORK:+33 1 {i % 100:02d} {i // 100 % 100:02d} {i % 7:02d} {i % 89:02d}\r\n"
               f"TEL;TYPE=CELL:+33 6 {i % 91:02d} {i % 83:02d} {i % 79:02d} {i % 73:02d}\r\n"
               f"EMAIL;TYPE=WORK:person{i}@example.com\r\n"
               f"ADR;TYPE=WORK:;;{i} rue de la Paix;Paris;;75002;France\r\nEND:VCARD\r\n")
sys.stdout.write("".join(out))
PY
}

echo "Initial synchronisation against Radicale 3 on 127.0.0.1, $configuration build, SQLite file"
for count in "${counts[@]}"; do
  book="$base/bench/book$count/"
  cards "$count" >"$dir/book.vcf"
  curl -sf -u "bench:$SWITCHBOARD_LINK_SECRET" -X PUT -H 'Content-Type: text/vcard' --data-binary "@$dir/book.vcf" "$book" >/dev/null
  # Radicale indexes uploaded cards on first access (minutes for 10 000 on a loaded machine); a
  # server in use has done it long before, so it is not part of the figure.
  curl -s -o /dev/null --max-time 900 -u "bench:$SWITCHBOARD_LINK_SECRET" -X PROPFIND -H 'Depth: 1' "$book"
  export DATABASE_URL="sqlite://$dir/bench$count.sqlite"
  "$bin" migrate --yes >/dev/null
  "$bin" contact-groups create "Linked $count" --kind linked >/dev/null
  "$bin" contact-groups link "Linked $count" --url "$book" --username bench >/dev/null
  echo "-- $count cards"
  echo "initial:   $(nice -n 10 "$bin" contact-groups sync "Linked $count")"
  echo "unchanged: $(nice -n 10 "$bin" contact-groups sync "Linked $count")"
  changed=$((count / 100))
  cards "$count" "$changed" >"$dir/book.vcf"
  curl -sf -u "bench:$SWITCHBOARD_LINK_SECRET" -X PUT -H 'Content-Type: text/vcard' --data-binary "@$dir/book.vcf" "$book" >/dev/null
  echo "1 % of the cards changed at the source (the book uploaded again; unchanged cards keep their etag):"
  echo "           $(nice -n 10 "$bin" contact-groups sync "Linked $count")"
done
