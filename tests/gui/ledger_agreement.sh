#!/usr/bin/env bash
# Runs every lesson with a trace and checks that the GUI's model shows the checker's
# figures at the end and in mid-run (see ledger_agreement.cpp).
# Usage: ledger_agreement.sh BROKERSIM GUI_LEDGER_AGREEMENT SCENARIO_DIR
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
