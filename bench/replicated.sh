#!/usr/bin/env bash
# The replication benchmark (issue 2/7): 9 brokers, 3 controllers, one topic of 100
# partitions with replication factor 3, acks=all, 1,000,000 records from 4 batching
# producers, one group of 20 consumers, tracing off. Prints wall seconds, records
# processed per wall second as a ratio to ../shared/bench/sg_floor.cpp measured in the
# same run (target >= 1.0x), and peak RSS (target < 1 GB).
# Usage: bench/replicated.sh [path/to/brokersim]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-$here/../build/sim/brokersim}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=sg_floor.sh
source "$here/sg_floor.sh"

/usr/bin/time -f "%e %M" -o "$tmp/time" "$bin" run "$here/replicated-1m.json" --quiet --metrics "$tmp/m.json" || true
read -r wall rss_kb < "$tmp/time"
rate=$(python3 -c "import json; t=json.load(open('$tmp/m.json'))['totals']; print(t['processed'] / $wall)")
python3 - "$tmp/m.json" "$wall" "$rss_kb" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); wall, rss = float(sys.argv[2]), int(sys.argv[3])
t = m["totals"]
print(f"replicated-1m: {int(t['processed']):,} records processed, {int(t['confirmed']):,} confirmed, lost {int(t['lost'])}, "
      f"{wall:.2f} s wall, {t['processed'] / wall:,.0f} records/wall-s, peak RSS {rss / 1024:.0f} MB (target < 1024), verdict {m['verdict']}")
PY
compare_to_floor "$rate" "replicated-1m (records processed)" ">= 1.0x" 300000
