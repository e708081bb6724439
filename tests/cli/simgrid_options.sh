#!/usr/bin/env bash
# SimGrid's own options pass through brokersim to its Engine (issue 13): the thread context
# factory gives the byte-identical trace of the default one; an option SimGrid refuses is
# bad input (exit 2, SimGrid's reason), never an abort; check and compare pass them on.
set -u
bin="$1"; scenarios="$2"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
fail=0; n=0
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
# Byte-identical traces with each context factory, on a queue, a log and a cluster lesson.
for s in 03-ack-redelivery 12-group-rebalance-at-least-once 36-cluster-partition-autoheal; do
  # A sanitizer build runs on threads only: ASan cannot follow ucontext switches.
  factories="thread ucontext"; [ -n "${BROKERSIM_SANITIZE:-}" ] && factories="thread"
  for factory in $factories; do
    n=$((n + 1))
    "$bin" run "$scenarios/$s.json" --trace "$tmp/default.jsonl" --quiet || { bad "$s default run"; continue; }
    "$bin" run "$scenarios/$s.json" --cfg=contexts/factory:$factory --trace "$tmp/$factory.jsonl" --quiet || { bad "$s $factory run"; continue; }
    cmp -s "$tmp/default.jsonl" "$tmp/$factory.jsonl" || bad "$s: trace with --cfg=contexts/factory:$factory differs from the default"
  done
done
# SimGrid aborts or throws on these; brokersim must refuse them as bad input, naming them.
refused() {  # expected-substring option...
  local want="$1"; shift
  n=$((n + 1))
  err="$("$bin" run "$scenarios/03-ack-redelivery.json" --quiet "$@" 2>&1 >/dev/null)"; code=$?
  if [ "$code" -ne 2 ]; then bad "$*: exit $code, expected 2 ($err)"; return; fi
  case "$err" in *"$want"*) ;; *) bad "$*: error was: $err (expected to contain: $want)" ;; esac
}
refused '--cfg=contexts/factory:fibers: SimGrid refused this option:' --cfg=contexts/factory:fibers
refused 'Invalid context factory specified' --cfg=contexts/factory:fibers
refused '--cfg=no/such-item:1: SimGrid refused this option:'$'\n''  Bad config key: no/such-item' --cfg=no/such-item:1
refused '--cfg=contexts/factory: expected --cfg=NAME:VALUE' --cfg=contexts/factory
refused 'invalid integer' --cfg=contexts/stack-size:big
refused "--log=loud: SimGrid refused this option:"$'\n'"  Invalid control string 'loud'" --log=loud
refused 'SimGrid refused' --cfg=contexts/factory:thread --cfg=contexts/factory:nonsense
# check and compare: the options reach every child run (SimGrid logs its configuration
# changes at info level), and a bad one is refused once, before any run.
n=$((n + 1))
out="$("$bin" check "$scenarios/03-ack-redelivery.json" --cfg=contexts/factory:thread --log=xbt_cfg.thres:info 2>&1)" || bad "check with options: exit $?"
case "$out" in *"Set 'contexts/factory' to 'thread'"*"pass"*) ;; *) bad "check did not pass the options on: $out" ;; esac
n=$((n + 1))
out="$("$bin" compare "$scenarios/03-ack-redelivery.json" "$scenarios/04-auto-ack-loses-messages.json" --log=xbt_cfg.thres:info 2>&1)" ||
  bad "compare with options: exit $?"
[ "$(grep -c "Set 'network/model' to 'CM02'" <<<"$out")" -eq 2 ] || bad "compare did not pass --log to both runs: $out"
n=$((n + 1))
"$bin" check "$scenarios/03-ack-redelivery.json" --cfg=contexts/factory:fibers >/dev/null 2>&1; code=$?
[ "$code" -eq 2 ] || bad "check with a bad --cfg: exit $code, expected 2"
# Documented in --help.
n=$((n + 1))
"$bin" run --help | grep -q -- "--cfg NAME:VALUE" || bad "run --help does not document --cfg"
echo "$((n - fail)) of $n passed"
[ "$fail" -eq 0 ]
