#!/usr/bin/env bash
# brokersim-gui figures: frame time with 2,000 and 10,000 frames in flight (Xvfb +
# llvmpipe at 1280x800, mean and p99 of 300 frames, each run several times because the
# machine may be shared), and the 1,000,000-message trace: wall time to open it (read,
# indexes, checkpoints) and peak RSS, and the time of seeks anywhere in it.
# Usage: bench/gui.sh [BUILD_DIR] [RUNS]   (BUILD_DIR defaults to build/, RUNS to 3)
# The trace is made once by bench/queue-1m.json with tracing on (about 780 MB in /tmp).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
runs="${2:-3}"
gui="$build/gui/brokersim-gui"
tool="$build/gui/gui_trace_bench"
sim="$build/sim/brokersim"
trace="${BS_BIG_TRACE:-/tmp/brokersim-queue-1m.jsonl}"

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
for n in 2000 10000; do
  for r in $(seq "$runs"); do
    out="$(xvfb-run -a -s "-screen 0 1280x800x24" "$gui" --synthetic-packets "$n" --bench --frames 300 2>&1 | tail -1)"
    echo "frames in flight $n, run $r: $out"
  done
done

if [ ! -s "$trace" ]; then
  echo "making $trace (bench/queue-1m.json with tracing on)..."
  "$sim" run "$here/queue-1m.json" --trace "$trace" --quiet
fi
echo "trace: $(wc -l < "$trace") lines, $(du -m "$trace" | cut -f1) MB"
for r in $(seq "$runs"); do
  /usr/bin/time -f "%e %M" -o /tmp/gui-bench-time.$$ "$tool" "$trace" 20 | sed "s/^/run $r: /"
  read -r wall rss < /tmp/gui-bench-time.$$
  echo "run $r: wall $wall s, peak RSS $((rss / 1024)) MB"
done
rm -f /tmp/gui-bench-time.$$
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
