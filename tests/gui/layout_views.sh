#!/bin/sh
# layout_views.sh GUI BROKERSIM LESSON...
# The views that list broker internals (queues, consumers, partitions) under
# `brokersim-gui --check-layout` (1280x800 and 1920x1080, text scale 1 and 2): fails when
# any of them has content cut off without a scrollbar. Other windows are left to their
# own checks (layout_all.sh covers every window of every lesson).
set -u
gui=$1 sim=$2
shift 2
status=0
for lesson in "$@"; do
  out=$(xvfb-run -a -s "-screen 0 1920x1080x24" "$gui" "$lesson" --brokersim "$sim" --check-layout 2>&1)
  bad=$(printf '%s\n' "$out" | grep -E 'window ##(queues|consumers|partitions)')
  if [ -n "$bad" ]; then
    echo "== $(basename "$lesson")"
    printf '%s\n' "$bad"
    status=1
  fi
  if ! printf '%s\n' "$out" | grep -q "layout at 1280x800, text 2.0x"; then
    echo "== $(basename "$lesson"): no layout report" >&2
    printf '%s\n' "$out" >&2
    status=1
  fi
done
exit $status
