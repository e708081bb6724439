#!/usr/bin/env bash
# Every file in the bad-input folder must be refused with exit code 2 and an error that
# contains the text in its .expect file (file name + JSON path + what was expected).
set -u
bin="$1"; dir="$2"
fail=0; n=0
check() {  # description expected-substring command...
  local what="$1" want="$2"; shift 2
  n=$((n + 1))
  err="$("$@" 2>&1 >/dev/null)"; code=$?
  if [ "$code" -ne 2 ]; then echo "FAIL $what: exit $code, expected 2 ($err)"; fail=$((fail + 1)); return; fi
  case "$err" in *"$want"*) ;; *) echo "FAIL $what: error was: $err"; echo "     expected to contain: $want"; fail=$((fail + 1)); return ;; esac
}
for f in "$dir"/*.json; do
  want="$(head -n1 "${f%.json}.expect")"
  check "$(basename "$f")" "$(basename "$f"): $want" "$bin" run "$f"
  case "$want" in malformed*) ;; *) check "$(basename "$f") (check)" "$want" "$bin" run "$f";; esac
done
good="$dir/../../../scenarios/03-ack-redelivery.json"
check "missing file" "no-such.json: cannot open scenario file" "$bin" run "$dir/no-such.json"
check "--fault unknown node" '--fault "1:crash:c9": unknown node "c9"' "$bin" run "$good" --fault 1:crash:c9
check "--fault bad time" '--fault "soon:crash:c1": bad time' "$bin" run "$good" --fault soon:crash:c1
check "--fault bad kind" 'unknown fault kind' "$bin" run "$good" --fault 1:explode:c1
check "--seed not a number" "seed" "$bin" run "$good" --seed abc
check "unknown subcommand" "" "$bin" frobnicate
check "trace to unwritable path" "t.jsonl: cannot write output file" "$bin" run "$good" --trace /nonexistent-dir/t.jsonl
echo "$((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
