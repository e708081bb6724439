#!/usr/bin/env bash
# Same scenario + same seed => byte-identical trace; another seed changes a scenario
# whose processing times are random.
set -u
bin="$1"; dir="$2"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
fail=0; n=0
for s in "$dir"/*.json; do
  n=$((n + 1))
  "$bin" run "$s" --quiet --trace "$tmp/a.jsonl" && "$bin" run "$s" --quiet --trace "$tmp/b.jsonl"
  if ! cmp -s "$tmp/a.jsonl" "$tmp/b.jsonl"; then echo "FAIL $(basename "$s"): traces differ between two runs"; fail=$((fail + 1)); fi
done
n=$((n + 1))
"$bin" run "$dir/02-fanout.json" --quiet --trace "$tmp/a.jsonl" --seed 1
"$bin" run "$dir/02-fanout.json" --quiet --trace "$tmp/b.jsonl" --seed 2
if cmp -s "$tmp/a.jsonl" "$tmp/b.jsonl"; then echo "FAIL 02-fanout: seeds 1 and 2 gave the same trace"; fail=$((fail + 1)); fi
grep -q '"seed":2' "$tmp/b.jsonl" || { echo "FAIL --seed not recorded in the trace header"; fail=$((fail + 1)); }
echo "$((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
