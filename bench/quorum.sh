#!/usr/bin/env bash
# The quorum-queue benchmark (issue 3/7): a 3-node RabbitMQ cluster, one quorum queue
# replicated on all three, 4 producers with publisher confirms, 8 consumers, 1,000,000
# messages, tracing off. Prints wall seconds, messages confirmed and acked per wall
# second as a ratio to ../shared/bench/sg_floor.cpp measured in the same run (target
# >= 0.7x), and peak RSS (target < 500 MB).
# Usage: bench/quorum.sh [path/to/brokersim]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-$here/../build/sim/brokersim}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=sg_floor.sh
source "$here/sg_floor.sh"

/usr/bin/time -f "%e %M" -o "$tmp/time" "$bin" run "$here/quorum-1m.json" --quiet --metrics "$tmp/m.json" || true
read -r wall rss_kb < "$tmp/time"
rate=$(python3 -c "import json; t=json.load(open('$tmp/m.json'))['totals']; print(min(t['confirmed'], t['acked']) / $wall)")
python3 - "$tmp/m.json" "$wall" "$rss_kb" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); wall, rss = float(sys.argv[2]), int(sys.argv[3])
t = m["totals"]
done = min(t["confirmed"], t["acked"])
print(f"quorum-1m: {int(t['confirmed']):,} confirmed, {int(t['acked']):,} acked, lost {int(t['lost'])}, "
      f"{wall:.2f} s wall, {done / wall:,.0f} confirmed-and-acked messages/wall-s, "
      f"peak RSS {rss / 1024:.0f} MB (target < 500), verdict {m['verdict']}")
PY
compare_to_floor "$rate" "quorum-1m (confirmed and acked)" ">= 0.7x" 300000
