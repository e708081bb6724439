#!/usr/bin/env bash
# Throughput and memory benchmark of brokersim (tracing off). Prints wall seconds,
# acknowledged messages per wall second and peak RSS, for the full scenario and for a
# quarter of it: peak RSS must not grow with the number of messages already acked.
# Usage: bench/run.sh [path/to/brokersim] [bench/queue-1m.json ...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-$here/../build/sim/brokersim}"
shift || true
scenarios=("$@")
[ ${#scenarios[@]} -eq 0 ] && scenarios=("$here"/*-1m.json)
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

measure() {  # scenario-file label
  local s="$1" label="$2"
  /usr/bin/time -f "%e %M" -o "$tmp/time" "$bin" run "$s" --quiet --metrics "$tmp/m.json"
  read -r wall rss_kb < "$tmp/time"
  python3 - "$tmp/m.json" "$label" "$wall" "$rss_kb" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); label, wall, rss = sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
t = m["totals"]
done = t["acked"] if m["model"] == "queue" else t["processed"]
print(f"{label:<28} {int(done):>9} {m['model']:<6} {wall:>7.2f} s {done / wall:>12,.0f} /s {rss / 1024:>8.1f} MB   verdict {m['verdict']}")
PY
}

printf '%-28s %9s %-6s %9s %15s %11s\n' scenario messages model wall rate "peak RSS"
for s in "${scenarios[@]}"; do
  name="$(basename "$s" .json)"
  measure "$s" "$name"
  # The same workload with a quarter of the messages: compare peak RSS.
  sed -E 's/": *1000000([,}])/": 250000\1/g' "$s" > "$tmp/quarter.json"
  measure "$tmp/quarter.json" "$name (1/4 of the messages)"
done
