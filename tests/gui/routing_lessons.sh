#!/usr/bin/env bash
# Runs every lesson with a trace and checks that the routing the canvas draws agrees
# with the simulator (see routing_lessons.cpp).
# Usage: routing_lessons.sh BROKERSIM GUI_ROUTING_LESSONS SCENARIO_DIR
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
