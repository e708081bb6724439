#!/usr/bin/env bash
# brokersim compare with three and four runs: one column per run, headed by the scenario's
# name, its model and the system that model imitates; every value is the one that run's
# own checker wrote (brokersim run --metrics); each run's verdict and expectations follow.
set -u
bin="$1"; dir="$2"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
fail=0
three=(20-compare-queue 21-compare-log 03-ack-redelivery)
four=(20-compare-queue 21-compare-log 12-group-rebalance-at-least-once 04-auto-ack-loses-messages)
for s in "${four[@]}" 03-ack-redelivery; do
  "$bin" run "$dir/$s.json" --quiet --metrics "$tmp/$s.json" || { echo "FAIL: run $s exited $?"; exit 1; }
done
for set in three four; do
  declare -n runs="$set"
  args=(); for s in "${runs[@]}"; do args+=("$dir/$s.json"); done
  "$bin" compare "${args[@]}" > "$tmp/$set.txt"; code=$?
  if [ "$code" -ne 0 ]; then echo "FAIL: compare of $set runs exited $code"; fail=1; continue; fi
  python3 - "$tmp" "$set" "${runs[@]}" <<'PY' || fail=1
import json, sys, os
tmp, label, runs = sys.argv[1], sys.argv[2], sys.argv[3:]
metrics = [json.load(open(os.path.join(tmp, r + ".json"))) for r in runs]
text = open(os.path.join(tmp, label + ".txt")).read()
lines = text.splitlines()
fails = []
def check(cond, what):
    if not cond: fails.append(what)
systems = {"queue": "RabbitMQ (AMQP 0-9-1)", "log": "Apache Kafka"}
# Headings: the scenario names, models and systems in the order given, one column each.
head = lines[0].split()
check(head == [m["scenario"] for m in metrics], f"heading row names the {len(runs)} scenarios in order: {head}")
rows = {l[:28].strip(): l[28:] for l in lines[1:] if l.strip() and not l.startswith(" ") and not l.startswith("expectations")}
check(rows["model"].split() == [m["model"] for m in metrics], "model row")
sys_cells = rows["system"]
pos = 0
for m in metrics:
    want = systems[m["model"]]
    at = sys_cells.find(want, pos)
    check(at >= 0, f"system row names {want} in column order")
    pos = at + len(want) if at >= 0 else pos
# Every figure: N cells, each the value of that run's own checker.
figures = 0
for name, cells in rows.items():
    if name in ("model", "system", "verdict"): continue
    vals = cells.split()
    check(len(vals) == len(runs), f"{name}: {len(runs)} columns, got {vals}")
    for v, m in zip(vals, metrics):
        t = m["totals"]
        if name not in t:
            check(v == "-", f"{name} of {m['scenario']}: '-' for a figure its model lacks, got {v}")
            continue
        x = float(t[name])
        want = str(int(x)) if x == int(x) else f"{x:.1f}"
        check(v == want, f"{name} of {m['scenario']}: {v}, its checker says {want}")
    figures += 1
check(figures >= 20, f"at least 20 figures compared, got {figures}")
check(rows["verdict"].split() == [m["verdict"] for m in metrics], "verdict row")
# The runs differ where the lessons say: the queue model redelivers, the log does not; auto-ack loses.
byname = {m["scenario"]: v for m, v in zip(metrics, rows["redelivered"].split())}
check(byname.get("compare-queue") != "0" and byname.get("compare-log") == "0", "redelivered differs between the models")
# Each run's expectations under its name and system, as its checker judged them.
for m in metrics:
    sect = f"expectations of {m['scenario']} ({systems[m['model']]}): {m['verdict']}"
    check(sect in text, f"section '{sect}'")
    for e in m["expectations"]:
        check(f"[{'pass' if e['pass'] else 'FAIL'}] {e['message']}" in text, f"expectation line {e['message']}")
if fails:
    print(f"FAIL ({label} runs):\n  " + "\n  ".join(fails)); print(text); sys.exit(1)
print(f"ok: {label} runs, {figures} figures each from its own checker")
PY
done
if [ "${#four[@]}" -eq 4 ] && ! grep -q "lost  *0  *0  *0  *[1-9]" "$tmp/four.txt"; then
  echo "FAIL: the auto-ack lesson's column shows its lost messages"; fail=1
fi
# Fewer than two scenarios, or one that is missing: bad input, exit 2, a message.
err="$("$bin" compare "$dir/03-ack-redelivery.json" 2>&1)"; code=$?
if [ "$code" -ne 2 ] || ! grep -q "At least 2 required" <<<"$err"; then echo "FAIL: compare of one run: exit $code, $err"; fail=1; fi
err="$("$bin" compare "$dir/03-ack-redelivery.json" "$dir/03-ack-redelivery.json" "$tmp/nosuch.json" 2>&1)"; code=$?
if [ "$code" -ne 2 ] || ! grep -q "nosuch.json" <<<"$err"; then echo "FAIL: compare with a missing scenario: exit $code, $err"; fail=1; fi
exit $fail
