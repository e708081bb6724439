#!/bin/sh
# layout_all.sh GUI BROKERSIM SCENARIOS_DIR
# Every lesson through `brokersim-gui --check-layout` (1280x800 and 1920x1080, text scale 1
# and 2, every side tab at several times): fails if any window's content is cut off without
# a scrollbar or a label lies over a node. Two lessons at a time on one Xvfb server.
set -u
gui=$1 sim=$2 dir=$3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
export gui sim out
ls "$dir"/*.json | xargs -P 2 -I{} sh -c '
  name=$(basename "{}" .json)
  if "$gui" "{}" --brokersim "$sim" --check-layout >"$out/$name.txt" 2>&1; then rm -f "$out/$name.txt"; fi'
n=$(ls "$dir"/*.json | wc -l)
bad=$(ls "$out" | wc -l)
for f in "$out"/*.txt; do
  [ -e "$f" ] || continue
  echo "== $(basename "$f" .txt)"
  grep -v " 0 problem" "$f"
done
echo "$((n - bad)) of $n lessons lay out cleanly"
[ "$bad" -eq 0 ]
