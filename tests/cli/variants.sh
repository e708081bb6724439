#!/usr/bin/env bash
# A variant of a lesson (a what-if with --fault, or the lesson's Try this with --try) reports
# the lesson's own expectations as "same" / "changed", never as FAIL; --try judges the
# try_this prediction. The trace and metrics say so too (docs/trace-format.md, footer).
set -u
bin="$1"; dir="$2"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
fail=0; n=0
ok() {  # description condition-exit-code
  n=$((n + 1))
  if [ "$2" -ne 0 ]; then echo "FAIL $1"; fail=$((fail + 1)); fi
}
has() { grep -qF -- "$2" <<<"$1"; }

# What-if: lesson 3 with c1 crashing as well. Both consumers die, so nothing is reordered.
out="$("$bin" run "$dir/03-ack-redelivery.json" --fault 0.5:crash:c1 --trace "$tmp/w.jsonl" --metrics "$tmp/w.json")"; code=$?
ok "what-if run exits 0 (exit $code)" $code
has "$out" "[changed] reordered >= 1: observed 0"; ok "what-if summary marks reordered as changed, with the observed value" $?
has "$out" "[same]    lost == 0: observed 0"; ok "what-if summary marks lost as same" $?
has "$out" "verdict: WHAT-IF"; ok "what-if summary's verdict is WHAT-IF" $?
! has "$out" "FAIL"; ok "what-if summary never says FAIL" $?

out="$("$bin" check "$dir/03-ack-redelivery.json" --fault 0.5:crash:c1)"; code=$?
ok "check of a what-if exits 0 (exit $code)" $code
has "$out" "lesson's expectation changed: reordered >= 1: observed 0"; ok "check of a what-if lists reordered as changed" $?
has "$out" "what-if"; ok "check of a what-if says what-if" $?
! has "$out" "FAIL"; ok "check of a what-if never says FAIL: $out" $?

# Try this: lesson 10's link comes back before the broker gives up on c2.
out="$("$bin" check "$dir/10-network-partition.json" --try)"; code=$?
ok "check --try of lesson 10 exits 0 (exit $code): $out" $code
has "$out" "10-network-partition.json --try" && has "$out" " pass"; ok "check --try names the try run and passes" $?
has "$out" "lesson's expectation changed: duplicates >= 1: observed 0"; ok "check --try lists the lesson's duplicates as changed" $?
has "$out" "lesson's expectation same:    lost == 0: observed 0"; ok "check --try lists the lesson's lost as same" $?
"$bin" run "$dir/10-network-partition.json" --try --trace "$tmp/t.jsonl" --metrics "$tmp/t.json" > "$tmp/t.txt"; ok "run --try exits 0" $?
has "$(cat "$tmp/t.txt")" "verdict: PASS (the prediction held; 2 of the lesson's 4 expectations changed)"; ok "run --try summary: the prediction held, two lesson expectations changed" $?

# A wrong prediction fails as a prediction; the lesson's expectations are still only "changed".
python3 - "$dir/10-network-partition.json" "$tmp/wrong.json" "$tmp/plain.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
s["try_this"]["expect"] = {"duplicates": 5}
json.dump(s, open(sys.argv[2], "w"))
del s["try_this"]
json.dump(s, open(sys.argv[3], "w"))
PY
out="$("$bin" check "$tmp/wrong.json" --try)"; code=$?
[ "$code" -eq 1 ]; ok "check --try of a wrong prediction exits 1 (exit $code)" $?
has "$out" "expectation failed: duplicates == 5: observed 0"; ok "a wrong prediction is named with its observed value" $?
has "$out" "lesson's expectation changed: duplicates >= 1: observed 0"; ok "the lesson's expectation stays 'changed' next to a failed prediction" $?
err="$("$bin" run "$tmp/plain.json" --try 2>&1 >/dev/null)"; code=$?
[ "$code" -eq 2 ] && has "$err" 'plain.json: $: this lesson has no "try_this" to run'; ok "--try without a try_this: exit 2 and a clear message (exit $code: $err)" $?
out="$("$bin" check "$dir/10-network-partition.json" --try --fault 0.2:crash:c1)"; code=$?
[ "$code" -eq 0 ] && has "$out" "what-if" && ! has "$out" "FAIL"; ok "--try with --fault is a what-if: exit 0, no FAIL (exit $code: $out)" $?

"$bin" run "$dir/10-network-partition.json" --trace "$tmp/plain.jsonl" --quiet; ok "plain run exits 0" $?

python3 - "$tmp" "$dir/03-ack-redelivery.json" "$dir/10-network-partition.json" <<'PY'
import json, os, sys
tmp, lesson3, lesson10 = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
fails, checks = [], 0
def check(cond, what):
    global checks
    checks += 1
    if not cond: fails.append(what)
def lines(name):
    ls = [json.loads(l) for l in open(os.path.join(tmp, name))]
    return ls[0], ls[-1]
h, f = lines("w.jsonl")
check(h.get("expect") == {}, "a what-if's header judges nothing (expect {})")
check(h.get("variant", {}).get("lesson_expect") == lesson3["expect"], "a what-if's header keeps the lesson's expect block")
check(h.get("variant", {}).get("faults_added") == [{"at_s": 0.5, "crash": "c1"}], "a what-if's header lists the added fault")
check(f.get("verdict") == "what-if" and f.get("failures") == [], f"a what-if's footer: verdict what-if, no failures ({f.get('verdict')})")
check({c["metric"] for c in f.get("changed", [])} == {"consumers.c1.processed", "redelivered", "reordered"},
      f"a what-if's footer lists what changed ({f.get('changed')})")
m = json.load(open(os.path.join(tmp, "w.json")))
check(m["verdict"] == "what-if", "a what-if's metrics verdict")
same = {e["metric"]: e["same"] for e in m["lesson_expectations"]}
check(same == {"confirmed": True, "consumers.c1.processed": False, "lost": True, "redelivered": False, "reordered": False},
      f"a what-if's metrics list the lesson's expectations as same/changed ({same})")
h, f = lines("t.jsonl")
check(h.get("expect") == lesson10["try_this"]["expect"], "a Try this header's expect is the prediction")
check(h.get("variant", {}).get("try_this") == lesson10["try_this"]["text"], "a Try this header carries the text")
check(h.get("variant", {}).get("lesson_expect") == lesson10["expect"], "a Try this header keeps the lesson's expect block")
check([x["at_s"] for x in h["faults"]] == [1.0, 1.5], "the Try this patch moved the link_up to 1.5 s")
check(f.get("verdict") == "pass" and f.get("failures") == [], "a Try this footer judges the prediction")
check({c["metric"] for c in f.get("changed", [])} == {"duplicates", "redelivered"}, f"a Try this footer lists what changed ({f.get('changed')})")
h, f = lines("plain.jsonl")
check("variant" not in h and "changed" not in f and f.get("verdict") == "pass", "a plain run's trace has no variant fields")
for x in fails: print("FAIL", x)
print(f"trace/metrics: {checks - len(fails)} passed, {len(fails)} failed")
sys.exit(1 if fails else 0)
PY
ok "trace and metrics of variant runs" $?
echo "$((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
