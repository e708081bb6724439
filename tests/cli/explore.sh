#!/usr/bin/env bash
# brokersim explore as a student uses it: on the auto-ack lesson it finds a schedule that
# loses messages, shrinks it to one consumer crash, and writes a scenario that `check`
# fails on and the GUI opens at that crash; the same search with one or two jobs writes
# the same file; on the safe lesson no schedule loses a job; bad promises and options are
# bad input (exit 2). Usage: explore.sh BROKERSIM SCENARIOS_DIR [BROKERSIM_GUI]
set -u
bin="$1"; dir="$2"; gui="${3:-}"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
fail=0
say() { echo "FAIL: $*"; fail=1; }

# 1. Auto-ack: found, shrunk, written.
"$bin" explore "$dir/52-explore-auto-ack.json" --runs 40 --jobs 2 --quiet --out "$tmp/j2.json" > "$tmp/j2.txt"; code=$?
[ "$code" -eq 1 ] || say "explore on lesson 52 exited $code, expected 1 (a schedule breaks lost == 0)"
grep -q "broke the promise" "$tmp/j2.txt" || say "no 'broke the promise' in the report"
grep -q "minimal schedule (1 fault): c[12] crashes at" "$tmp/j2.txt" || say "the minimal schedule is not one consumer crash: $(grep minimal "$tmp/j2.txt")"
grep -Eq "shrinking: [0-9]+ runs, [1-9][0-9]* steps" "$tmp/j2.txt" || say "no shrink steps reported"
"$bin" check "$tmp/j2.json" > "$tmp/check.txt"; code=$?
[ "$code" -eq 1 ] || say "brokersim check on the counterexample exited $code, expected 1"
grep -q "expectation failed: lost == 0" "$tmp/check.txt" || say "check does not name the broken promise: $(cat "$tmp/check.txt")"
python3 - "$tmp/j2.json" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
added = [f for f in d["faults"] if "crash" in f]
assert len(added) == 1, d["faults"]
assert d["open_at_s"] == added[0]["at_s"], (d["open_at_s"], added[0])
assert d["expect"] == {"lost": 0, "published": 20}, d["expect"]
assert "$schema" not in d and "try_this" not in d
assert "brokersim explore found" in d["description"]
PY
# The result does not depend on how many runs go at once.
"$bin" explore "$dir/52-explore-auto-ack.json" --runs 40 --jobs 1 --quiet --out "$tmp/j1.json" > "$tmp/j1.txt"
cmp -s "$tmp/j1.json" "$tmp/j2.json" || say "--jobs 1 and --jobs 2 wrote different counterexamples"
grep "minimal schedule" "$tmp/j1.txt" | cmp -s - <(grep "minimal schedule" "$tmp/j2.txt") || say "--jobs 1 and 2 report different minimal schedules"
# The GUI opens the counterexample at its first fault (unless --at says otherwise).
if [ -n "$gui" ]; then
  at=$(python3 -c "import json,sys; print('%.6f' % json.load(open(sys.argv[1]))['open_at_s'])" "$tmp/j2.json")
  out=$(xvfb-run -a -s "-screen 0 1280x800x24" "$gui" "$tmp/j2.json" --brokersim "$bin" --screenshot "$tmp/shot.png" 2>&1)
  echo "$out" | grep -q "at t = $at s" || say "the GUI did not open at open_at_s = $at: $out"
fi

# 2. Manual acks, confirms, durable queue: no schedule loses a job.
"$bin" explore "$dir/52b-explore-safe.json" --runs 40 --quiet --out "$tmp/safe.json" > "$tmp/safe.txt"; code=$?
[ "$code" -eq 0 ] || say "explore on lesson 52b exited $code, expected 0: $(cat "$tmp/safe.txt")"
grep -q "40 runs .*no schedule broke the promise" "$tmp/safe.txt" || say "lesson 52b report: $(cat "$tmp/safe.txt")"
[ ! -e "$tmp/safe.json" ] || say "a counterexample was written although none was found"

# 3. Bad input.
bad() {
  local want="$1"; shift
  "$bin" explore "$@" > "$tmp/bad.out" 2> "$tmp/bad.err"; local code=$?
  [ "$code" -eq 2 ] || say "explore $* exited $code, expected 2"
  grep -q -- "$want" "$tmp/bad.err" || say "explore $*: message lacks '$want': $(cat "$tmp/bad.err")"
}
bad '--promise "lost"' "$dir/52-explore-auto-ack.json" --promise lost
bad 'lostt' "$dir/52-explore-auto-ack.json" --promise 'lostt==0'
bad '--nodes: the scenario has no node "c9"' "$dir/52-explore-auto-ack.json" --nodes c9
bad '--links "c1-c2"' "$dir/52-explore-auto-ack.json" --links c1-c2
bad '--kinds "flood"' "$dir/52-explore-auto-ack.json" --kinds flood
bad '--from/--until' "$dir/52-explore-auto-ack.json" --until 99
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d.pop('expect'); d.pop('try_this'); json.dump(d, open(sys.argv[2],'w'))" \
  "$dir/52-explore-auto-ack.json" "$tmp/noexpect.json"
bad 'no promise to explore' "$tmp/noexpect.json"
exit $fail
