#!/bin/sh
# screenshot_test.sh GUI PNG_CHECK OUT.png WIDTH HEIGHT ARGS...
# Renders brokersim-gui ARGS --screenshot OUT.png --size WxH under Xvfb, then checks the PNG.
set -e
gui=$1; check=$2; out=$3; w=$4; h=$5
shift 5
rm -f "$out"
xvfb-run -a -s "-screen 0 ${w}x${h}x24" "$gui" "$@" --screenshot "$out" --size "${w}x${h}"
test -f "$out" || { echo "no screenshot written: $out" >&2; exit 1; }
"$check" "$out" "$w" "$h"
