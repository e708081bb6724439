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
floor_src="$here/../../shared/bench/sg_floor.cpp"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

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

if [ -f "$floor_src" ]; then
  g++ -O2 -std=c++17 "$floor_src" -o "$tmp/sg_floor" -lsimgrid
  floor_line="$("$tmp/sg_floor" 200000)"
  floor_rate=$(echo "$floor_line" | sed -E 's/.* ([0-9]+) msgs\/s.*/\1/')
  echo "$floor_line"
  python3 -c "print(f'brokersim unbatched at 200,000: {$last_rate:,.0f} acked/s = {$last_rate / $floor_rate:.2f}x the SimGrid floor (target >= 0.5x)')"
else
  echo "(no $floor_src: floor not measured)"
fi

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
