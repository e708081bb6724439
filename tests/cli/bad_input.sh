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
# brokersim sweep: a bad --set names the argument; a point the loader refuses, its message.
lb="$dir/../../../scenarios/01-load-balancing-prefetch-1.json"
check "sweep unknown node" '--set "c9.prefetch=1,2": no node named "c9"' "$bin" sweep "$lb" --set c9.prefetch=1,2
check "sweep path not in the file" '--set "/nodes/9/prefetch=1": $.nodes has 5 entries, no [9]' "$bin" sweep "$lb" --set /nodes/9/prefetch=1
check "sweep key not in the file" '--set "network.jitter.ms=1": $.network.jitter is not in the scenario file' "$bin" sweep "$lb" --set network.jitter.ms=1
check "sweep empty value list" '--set "c-slow.prefetch=": no values' "$bin" sweep "$lb" --set c-slow.prefetch=
check "sweep empty value" '--set "c-slow.prefetch=1,,2": an empty value' "$bin" sweep "$lb" --set c-slow.prefetch=1,,2
check "sweep bad value" '--set "c-slow.prefetch=1e400": bad value 1e400' "$bin" sweep "$lb" --set c-slow.prefetch=1e400
check "sweep no =" '--set "c-slow.prefetch": expected KEY=v1,v2' "$bin" sweep "$lb" --set c-slow.prefetch
check "sweep seed" '--set "seed=1,2": the seed is not a parameter: use --seeds' "$bin" sweep "$lb" --set seed=1,2
check "sweep same place twice" 'sets the same place as --set "c-slow.prefetch=1"' "$bin" sweep "$lb" --set c-slow.prefetch=1 --set /nodes/4/prefetch=2
check "sweep value the loader refuses" 'sweep point c-slow.prefetch=-1: '"$lb"': $.nodes[4].prefetch: expected an integer in [0, 65535], got -1' "$bin" sweep "$lb" --set c-slow.prefetch=1,-1
check "sweep key the loader refuses" '$.nodes[4].prefech: unknown key "prefech" (did you mean "prefetch"?)' "$bin" sweep "$lb" --set c-slow.prefech=2
check "sweep --seeds 0" "--seeds" "$bin" sweep "$lb" --seeds 0
check "sweep csv to unwritable path" "s.csv: cannot write output file" "$bin" sweep "$lb" --csv /nonexistent-dir/s.csv
echo "$((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
