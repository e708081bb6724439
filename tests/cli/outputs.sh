#!/usr/bin/env bash
# brokersim run --trace / --metrics write what docs/trace-format.md promises, and the
# summary a user reads names the lesson's outcome.
set -u
bin="$1"; dir="$2"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
"$bin" run "$dir/03-ack-redelivery.json" --trace "$tmp/t.jsonl" --metrics "$tmp/m.json" > "$tmp/summary.txt" || { echo "FAIL: run exited $?"; exit 1; }
# A broken expectation: `check` exits 1 and names the metric, the bound and the observed value.
sed 's/"lost": 0/"lost": 5/' "$dir/03-ack-redelivery.json" > "$tmp/broken.json"
out="$("$bin" check "$tmp/broken.json")"; code=$?
if [ "$code" -ne 1 ] || ! grep -q "expectation failed: lost == 5: observed 0" <<<"$out"; then
  echo "FAIL: check of a broken expectation: exit $code, output: $out"; exit 1
fi
"$bin" run "$tmp/broken.json" --quiet || { echo "FAIL: run must exit 0 even when an expectation fails"; exit 1; }
python3 - "$tmp" <<'PY'
import json, sys, os
tmp = sys.argv[1]
fails = []
checks = 0
def check(cond, what):
    global checks
    checks += 1
    if not cond: fails.append(what)
lines = [json.loads(l) for l in open(os.path.join(tmp, "t.jsonl"))]
h, f, ev = lines[0], lines[-1], lines[1:-1]
check(h.get("type") == "header" and h.get("format") == "brokersim-trace" and h.get("version") == 1, "header line")
check(h.get("scenario") == "ack-redelivery" and h.get("seed") == 42, "header names scenario and seed")
check([n["name"] for n in h["nodes"]] == ["broker", "p1", "c1", "c2"], "header lists nodes")
check(f.get("type") == "footer" and f.get("verdict") == "pass", "footer verdict")
check(all(a["t"] <= b["t"] for a, b in zip(ev, ev[1:])), "events in time order")
kinds = {e["kind"] for e in ev}
for k in ["publish", "enqueue", "confirm", "deliver", "process", "ack", "crash", "requeue", "connection_lost", "net_send", "net_recv"]:
    check(k in kinds, f"trace has {k} events")
red = [e for e in ev if e["kind"] == "deliver" and e["redelivered"]]
check(len(red) == 1 and red[0]["msg"] == 2 and red[0]["consumer"] == "c1" and red[0]["position"] == 2, "message 2 redelivered to c1 at its original position")
sends = {e["pkt"] for e in ev if e["kind"] == "net_send"}
ends = {e["pkt"] for e in ev if e["kind"] in ("net_recv", "net_drop")}
check(ends <= sends, "every received/dropped frame was sent")
c1 = [e["msg"] for e in ev if e["kind"] == "process" and e["node"] == "c1"]
check(c1[:5] == [1, 3, 4, 2, 5], f"c1 processes 1, 3, 4, 2, 5 (got {c1})")
m = json.load(open(os.path.join(tmp, "m.json")))
check(m["totals"]["lost"] == 0 and m["totals"]["reordered"] >= 1, "metrics totals")
check(m["consumers"]["c1"]["order"] == c1, "metrics list c1's processing order")
check(m["verdict"] == "pass" and all(e["pass"] for e in m["expectations"]), "metrics expectations")
csv = open(os.path.join(tmp, "m.consumers.csv")).read().splitlines()
check(csv[0].startswith("consumer,delivered") and any(l.startswith("c1,") for l in csv), "consumers CSV")
check(open(os.path.join(tmp, "m.queues.csv")).read().startswith("queue,routed"), "queues CSV")
s = open(os.path.join(tmp, "summary.txt")).read()
check("verdict: PASS" in s and "REORDERED" in s and "1 3 4 2 5 6 7 8 9 10" in s, "summary shows the verdict and c1's order")
for x in fails: print("FAIL", x)
print(f"{checks - len(fails)} passed, {len(fails)} failed")
sys.exit(1 if fails else 0)
PY
