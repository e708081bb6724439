#!/usr/bin/env bash
# Linear wall time with a backlog, and the rate against the bare SimGrid floor.
# Runs bench/unbatched-200k.json at 50,000, 100,000 and 200,000 messages (tracing off),
# prints wall seconds and the ratio between consecutive sizes (a doubling should cost
# about 2x; the target is <= 2.3), then acked messages per wall second at 200,000 beside
# ../shared/bench/sg_floor.cpp measured in the same run (target >= 0.5x: brokersim sends
# four frames a message unbatched, the floor three), then the 1,000-consumer queue.
# Usage: bench/scaling.sh [path/to/brokersim]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-$here/../build/sim/brokersim}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=sg_floor.sh
source "$here/sg_floor.sh"

run() {  # scenario -> prints "wall acked"
  /usr/bin/time -f "%e" -o "$tmp/time" "$bin" run "$1" --quiet --metrics "$tmp/m.json"
  python3 -c "import json,sys; print(open('$tmp/time').read().strip(), int(json.load(open('$tmp/m.json'))['totals']['acked']))"
}

echo "unbatched publishing into a backlog (1 producer, 4 consumers, prefetch 1, one ack a message)"
printf '%10s %9s %9s %14s\n' messages wall ratio acked/wall-s
prev=""
for n in 50000 100000 200000; do
  # Simulated time scales with the messages: the consumers drain about 4,000 a second.
  dur=$(( n * 60 / 200000 + 5 ))
  sed -E "s/\"count\": 200000/\"count\": $n/; s/\"acked\": 200000/\"acked\": $n/; s/\"duration_s\": 60/\"duration_s\": $dur/" \
    "$here/unbatched-200k.json" > "$tmp/u.json"
  read -r wall acked < <(run "$tmp/u.json")
  ratio="-"; [ -n "$prev" ] && ratio=$(python3 -c "print(f'{$wall / $prev:.2f}')")
  printf '%10d %8.2fs %9s %14.0f\n' "$n" "$wall" "$ratio" "$(python3 -c "print($acked / $wall)")"
  prev="$wall"; last_rate=$(python3 -c "print($acked / $wall)")
done

compare_to_floor "$last_rate" "brokersim unbatched at 200,000 (acked)" ">= 0.5x" 200000

echo
echo "1,000 consumers on one queue, 200,000 messages"
read -r wall acked < <(run "$here/consumers-1000.json")
python3 - "$tmp/m.json" "$wall" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["totals"]; wall = float(sys.argv[2])
print(f"wall {wall:.2f} s, acked {int(t['acked']):,}, {t['acked'] / wall:,.0f} acked/wall-s, "
      f"latency p50 {t['latency_p50_ms']:.1f} ms p99 {t['latency_p99_ms']:.1f} ms, "
      f"throughput {t['throughput_per_s']:,.0f} msg/simulated-s")
PY
