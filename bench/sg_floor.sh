# Sourced by the benchmark scripts: compare_to_floor RATE WHAT TARGET MESSAGES builds
# ../shared/bench/sg_floor.cpp, runs it with MESSAGES messages, prints its line and
# "WHAT: RATE/s = R x the SimGrid floor (target TARGET)". Needs $tmp (a scratch folder).
compare_to_floor() {
  local rate="$1" what="$2" target="$3" n="$4"
  local src
  src="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/../../shared/bench/sg_floor.cpp"
  if [ ! -f "$src" ]; then
    echo "(no $src: floor not measured)"
    return
  fi
  g++ -O2 -std=c++17 "$src" -o "$tmp/sg_floor" -lsimgrid
  local line floor
  line="$("$tmp/sg_floor" "$n")"
  floor=$(echo "$line" | sed -E 's/.* ([0-9]+) msgs\/s.*/\1/')
  echo "$line"
  python3 -c "print(f'$what: {$rate:,.0f}/s = {$rate / $floor:.2f}x the SimGrid floor (target $target)')"
}
