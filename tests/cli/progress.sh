#!/bin/bash
# A run longer than about 2 s of wall time draws a progress bar on stderr when stderr is
# a terminal; not with --quiet, not into a pipe or file, and the trace is the same.
# Usage: progress.sh BROKERSIM SCENARIOS_DIR
set -u
bin=$1; scenarios=$2
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# Lesson 1 stretched to 400,000 messages: several seconds of wall time.
# A sanitizer build is about ten times slower: a tenth of the messages still runs for seconds.
count=400000; [ -n "${BROKERSIM_SANITIZE:-}" ] && count=40000
python3 - "$scenarios/01-load-balancing-prefetch-10.json" "$tmp/long.json" "$count" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for n in d["nodes"]:
    if n.get("role") == "producer":
        n["count"], n["interval_ms"] = int(sys.argv[3]), 1
d["duration_s"] = 800
d.pop("expect", None); d.pop("try_this", None)
json.dump(d, open(sys.argv[2], "w"))
PY
fail() { echo "FAIL: $*"; exit 1; }
# `script` gives the run a terminal (a pty) as stdout and stderr.
script -qec "$bin run $tmp/long.json --trace $tmp/tty.jsonl" /dev/null > "$tmp/tty.out" 2>&1 || fail "run on a terminal"
grep -q "simulated s" "$tmp/tty.out" || fail "no progress bar on a terminal"
grep -q $'\033\[K' "$tmp/tty.out" || fail "the bar is not erased at the end"
script -qec "$bin run $tmp/long.json --quiet" /dev/null > "$tmp/quiet.out" 2>&1 || fail "quiet run"
! grep -q "simulated s" "$tmp/quiet.out" || fail "--quiet drew a progress bar"
"$bin" run "$tmp/long.json" --trace "$tmp/pipe.jsonl" > /dev/null 2> "$tmp/pipe.err" || fail "piped run"
[ ! -s "$tmp/pipe.err" ] || fail "a progress bar went into a file: $(head -c 200 "$tmp/pipe.err")"
cmp -s "$tmp/tty.jsonl" "$tmp/pipe.jsonl" || fail "the trace differs with the progress bar"
echo "ok: progress bar on a terminal only, erased at the end; trace unchanged"
