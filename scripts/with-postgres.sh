#!/usr/bin/env bash
# Starts a private, throw-away PostgreSQL cluster on 127.0.0.1, runs the given command with
# DATABASE_URL pointing at it, then stops and removes the cluster whatever happened.
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] || { echo "PostgreSQL is not installed (scripts/install-deps.sh test)"; exit 1; }
# Below Linux's ephemeral range (32768+), so no client socket in TIME_WAIT holds it.
port=${PG_TEST_PORT:-25432}
while (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
dir=$(mktemp -d /tmp/switchboard-pg.XXXXXX)
chmod 755 "$dir"

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    chown -R postgres:postgres "$dir"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

cleanup() {
  as_postgres "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  [ -n "${KEEP_PG:-}" ] || rm -rf "$dir"
}
trap cleanup EXIT

as_postgres "$bindir/initdb" -D "$dir/data" -U postgres -A trust --no-sync >/dev/null
as_postgres "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-h 127.0.0.1 -p $port -k $dir -F" -w start >/dev/null
psql -h 127.0.0.1 -p "$port" -U postgres -q -c "CREATE USER switchboard PASSWORD 'switchboard';" -c "CREATE DATABASE switchboard OWNER switchboard;"

export DATABASE_URL="postgres://switchboard:switchboard@127.0.0.1:$port/switchboard?sslmode=disable"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
"$@"
