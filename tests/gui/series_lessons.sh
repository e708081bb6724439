#!/usr/bin/env bash
# Runs a few lessons (queue, log, replication, memory alarm) and checks that the charts'
# samples equal a fresh replay through the ledger at those times (test_charts.cpp).
# Usage: series_lessons.sh BROKERSIM GUI_MODEL_TESTS SCENARIO_DIR
set -euo pipefail
bin="$1"; tests="$2"; dir="$3"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
list=""
for s in 03-ack-redelivery 12-group-rebalance-at-least-once 23-acks1-leader-crash 31-traffic-spike-memory-alarm; do
  t="$tmp/$s.jsonl"
  "$bin" run "$dir/$s.json" --quiet --trace "$t" || true  # a failed expectation still leaves a full trace
  test -s "$t" || { echo "no trace for $s" >&2; exit 1; }
  list="$list:$t"
done
GUI_LESSON_TRACES="${list#:}" "$tests" "[series]"
