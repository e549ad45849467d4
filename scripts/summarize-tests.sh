#!/usr/bin/env bash
# Runs a `swift test` command line; when it fails, ends with what stopped it: the runtime's
# fatal-error lines, the failed tests, and the tests that had started and never finished (the
# ones running when a crash took the process down). CI shows the end of the output first.
set -uo pipefail
log=$(mktemp /tmp/switchboard-tests.XXXXXX)
trap 'rm -f "$log"' EXIT
"$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
[ "$status" -eq 0 ] && exit 0
echo
echo "== The tests failed (exit $status). What stopped them:"
grep -aE "Fatal error|Assertion failed|Precondition failed|Program crashed|signal code" "$log" | head -n 10
grep -a "✘ Test" "$log" | head -n 20
python3 - "$log" <<'PY'
import re, sys
started, ended = [], set()
for line in open(sys.argv[1], encoding="utf-8", errors="replace"):
    m = re.search(r'◇ Test (.+?) started\.', line)
    if m:
        started.append(m.group(1))
    m = re.search(r'[✔✘] Test (".*?"|\S+)', line)
    if m:
        ended.add(m.group(1))
running = [name for name in started if name not in ended]
for name in running:
    print(f"started, never finished: {name}")
PY
exit "$status"
