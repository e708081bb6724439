#!/usr/bin/env bash
# brokersim sweep: one CSV row per run of the grid (every combination of the --set values
# times the seeds), each row the totals that run's own checker wrote; the prefetch sweep
# shows what lesson 1 teaches; the CSV is the same whatever --jobs; the patched scenarios
# are removed afterwards. Bad --set arguments are in bad_input.sh.
set -u
bin="$1"; dir="$2"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
export TMPDIR="$tmp/tmpdir"; mkdir -p "$TMPDIR"
fail=0
lesson="$dir/01-load-balancing-prefetch-1.json"
sets=(--set c-slow.prefetch=1,10 --set /nodes/2/processing_ms=100,300)
"$bin" sweep "$lesson" "${sets[@]}" --seeds 2 --jobs 1 --csv "$tmp/j1.csv" > "$tmp/summary.txt" || { echo "FAIL: sweep --jobs 1 exited $?"; exit 1; }
"$bin" sweep "$lesson" "${sets[@]}" --seeds 2 --jobs 2 --quiet > "$tmp/j2.csv" || { echo "FAIL: sweep --jobs 2 exited $?"; exit 1; }
if ! cmp -s "$tmp/j1.csv" "$tmp/j2.csv"; then echo "FAIL: --jobs 1 and --jobs 2 wrote different CSV"; diff "$tmp/j1.csv" "$tmp/j2.csv" | head; fail=1; fi
grep -q "^sweep: 8 runs (4 points × 2 seeds) in .* s wall.*CSV: $tmp/j1.csv" "$tmp/summary.txt" || { echo "FAIL: summary: $(cat "$tmp/summary.txt")"; fail=1; }
left="$(ls -A "$TMPDIR")"; [ -z "$left" ] || { echo "FAIL: sweep left files behind: $left"; fail=1; }

# The Try this of lesson 1 is c-slow's prefetch at 10: the sweep's row must be that run.
"$bin" run "$lesson" --try --quiet --metrics "$tmp/try.json" || { echo "FAIL: run --try exited $?"; exit 1; }
for s in 1 2; do "$bin" run "$lesson" --seed "$s" --quiet --metrics "$tmp/lesson-$s.json" || exit 1; done
# lesson 3's seed is 42: its seeds are 42, 43, 44; no --set is a sweep over seeds only.
"$bin" sweep "$dir/03-ack-redelivery.json" --seeds 3 --quiet --csv "$tmp/seeds.csv" || { echo "FAIL: seeds-only sweep exited $?"; fail=1; }
/usr/bin/python3 - "$tmp" <<'PY' || fail=1
import csv, json, os, sys
tmp = sys.argv[1]
fails = []
def check(cond, what):
    if not cond: fails.append(what)
rows = list(csv.reader(open(os.path.join(tmp, "j1.csv"))))
head, body = rows[0], rows[1:]
lesson = [json.load(open(os.path.join(tmp, f"lesson-{s}.json"))) for s in (1, 2)]
tried = json.load(open(os.path.join(tmp, "try.json")))
check(head[:4] == ["c-slow.prefetch", "/nodes/2/processing_ms", "seed", "verdict"], f"header starts with the keys: {head[:4]}")
check(head[4:] == list(lesson[0]["totals"]), "then every total, in the order brokersim run writes them")
check(len(body) == 8 and all(len(r) == len(head) for r in body), f"8 full rows (2 x 2 values x 2 seeds), got {len(body)}")
grid = [r[:3] for r in body]
check(grid == [[p, t, s] for p in ("1", "10") for t in ("100", "300") for s in ("1", "2")], f"grid order: {grid}")
row = {tuple(r[:3]): dict(zip(head, r)) for r in body}
def same(r, m, what):
    for k, v in m["totals"].items():
        x = float(r[k])
        check(x == v, f"{what}: {k} is {r[k]} in the CSV, its run says {v}")
    check(r["verdict"] == m["verdict"], f"{what}: verdict {r['verdict']}, its run says {m['verdict']}")
# The values as written, at each seed, are the lesson's own runs.
for s in (1, 2):
    same(row[("1", "100", str(s))], lesson[s - 1], f"lesson at seed {s}")
r = row[("10", "100", "1")]
for k, v in tried["totals"].items():
    check(float(r[k]) == v, f"c-slow.prefetch=10: {k} is {r[k]}, brokersim run --try says {v}")
# What lesson 1 teaches: the slow consumer's hoard stretches the tail and breaks the lesson.
p1, p10 = row[("1", "100", "1")], row[("10", "100", "1")]
check(float(p10["latency_max_ms"]) > 2 * float(p1["latency_max_ms"]), "prefetch 10 more than doubles the worst latency")
check(float(p10["reordered_across_consumers"]) > float(p1["reordered_across_consumers"]), "prefetch 10 reorders more")
check(p1["verdict"] == "pass" and p10["verdict"] == "fail", "the lesson's expectations hold at prefetch 1 only")
# A slower c-fast lowers throughput.
check(float(row[("1", "300", "1")]["throughput_per_s"]) < float(p1["throughput_per_s"]), "a slower c-fast lowers throughput")
seeds = list(csv.DictReader(open(os.path.join(tmp, "seeds.csv"))))
check([r["seed"] for r in seeds] == ["42", "43", "44"], f"seeds from the scenario's 42: {[r['seed'] for r in seeds]}")
check(list(seeds[0])[:2] == ["seed", "verdict"], "no --set: the seed comes first")
if fails:
    print("FAIL:\n  " + "\n  ".join(fails)); sys.exit(1)
print(f"ok: {len(body)} rows x {len(head)} columns, each the totals of its own run")
PY
# A value read as JSON (an object) lands in the file: exponential processing varies by seed.
"$bin" sweep "$lesson" --set 'c-slow.processing_ms={"exponential": 400}' --seeds 2 --quiet > "$tmp/exp.csv" || { echo "FAIL: JSON object value exited $?"; fail=1; }
/usr/bin/python3 - "$tmp/exp.csv" <<'PY' || fail=1
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert [r["c-slow.processing_ms"] for r in rows] == ['{"exponential":400}'] * 2, rows[0]
assert rows[0]["latency_max_ms"] != rows[1]["latency_max_ms"], "two seeds, two draws of the processing times"
PY
# A total only some runs report (ActiveMQ's JMS section appears once a client redelivers):
# its column comes where it first appears, its cell blank in the runs without it.
"$bin" sweep "$dir/50c-activemq-poison-dlq.json" --set 'c1.failing_JMSTypes=[],["poison"]' --quiet > "$tmp/jms.csv" || { echo "FAIL: 50c sweep exited $?"; fail=1; }
"$bin" run "$dir/50c-activemq-poison-dlq.json" --quiet --metrics "$tmp/50c.json" || exit 1
/usr/bin/python3 - "$tmp/jms.csv" "$tmp/50c.json" <<'PY' || fail=1
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
lesson = json.load(open(sys.argv[2]))["totals"]
assert [r["c1.failing_JMSTypes"] for r in rows] == ["[]", '["poison"]'], [r["c1.failing_JMSTypes"] for r in rows]
assert list(rows[0])[3:] == list(lesson), "columns: the first run's totals, then those only later runs report"
assert rows[0]["client_redeliveries"] == "" and rows[1]["client_redeliveries"] == str(int(lesson["client_redeliveries"])), rows
assert int(rows[1]["client_redeliveries"]) > 0 and rows[0]["lost"] == "0"
PY
# SimGrid's options reach every run; thread contexts give the same CSV.
out="$("$bin" sweep "$lesson" --seeds 3 --quiet --csv "$tmp/log.csv" --log=xbt_cfg.thres:info 2>&1)" || { echo "FAIL: sweep --log exited $?"; fail=1; }
[ "$(grep -c "Set 'network/model' to 'CM02'" <<<"$out")" -eq 3 ] || { echo "FAIL: --log did not reach the 3 runs: $out"; fail=1; }
"$bin" sweep "$lesson" "${sets[@]}" --seeds 2 --quiet --cfg=contexts/factory:thread > "$tmp/thread.csv" || { echo "FAIL: sweep --cfg exited $?"; fail=1; }
cmp -s "$tmp/j1.csv" "$tmp/thread.csv" || { echo "FAIL: thread contexts changed the CSV"; fail=1; }
# Progress: a count of runs on a terminal's stderr; nothing with --quiet or into a file.
script -qec "$bin sweep $lesson --seeds 4 --jobs 1 --csv $tmp/tty.csv" /dev/null > "$tmp/tty.out" 2>&1 || { echo "FAIL: sweep on a terminal"; fail=1; }
grep -q "of 4 runs" "$tmp/tty.out" || { echo "FAIL: no progress count on a terminal: $(cat "$tmp/tty.out")"; fail=1; }
script -qec "$bin sweep $lesson --seeds 4 --quiet --csv $tmp/tty.csv" /dev/null > "$tmp/quiet.out" 2>&1 || { echo "FAIL: quiet sweep"; fail=1; }
[ ! -s "$tmp/quiet.out" ] || { echo "FAIL: --quiet printed: $(cat "$tmp/quiet.out")"; fail=1; }
"$bin" sweep "$lesson" --seeds 4 --csv "$tmp/file.csv" > /dev/null 2> "$tmp/pipe.err" || { echo "FAIL: piped sweep"; fail=1; }
[ ! -s "$tmp/pipe.err" ] || { echo "FAIL: progress went into a file: $(head -c 200 "$tmp/pipe.err")"; fail=1; }
[ "$fail" -eq 0 ] && echo "ok: progress on a terminal only"
exit $fail
