#!/usr/bin/env bash
# Runs every lesson with a trace and hands all the traces to a checking tool: the GUI's
# figures against the checker's (ledger_agreement.cpp), nothing hidden (lesson_meaning.cpp),
# the canvas's routing against the simulator's (routing_lessons.cpp).
# Usage: with_lesson_traces.sh BROKERSIM TOOL SCENARIO_DIR
set -euo pipefail
bin="$1"; tool="$2"; dir="$3"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
traces=()
for s in "$dir"/*.json; do
  t="$tmp/$(basename "$s" .json).jsonl"
  "$bin" run "$s" --quiet --trace "$t" || true  # a failed expectation still leaves a full trace
  traces+=("$t")
done
"$tool" "${traces[@]}"
