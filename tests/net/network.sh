#!/usr/bin/env bash
# The network behaves like TCP end to end: frames from different senders are received
# in parallel (fan-in), and no fault schedule breaks a connection's order.
# Usage: network.sh BROKERSIM TESTS_NET_DIR
set -u
bin="$1"; dir="$2"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
fail=0; n=0
check() {  # check NAME COMMAND...: count a pass or a failure
  local name="$1"; shift
  n=$((n + 1))
  if "$@"; then :; else echo "FAIL $name"; fail=$((fail + 1)); fi
}

# Ten producers on ten 1 ms links publish at t = 0: every enqueue within 1% of one
# latency of the first (before: 1, 2, ..., 10 ms, one rendezvous per frame).
"$bin" run "$dir/fan-in.json" --quiet --trace "$tmp/fan.jsonl"
check "fan-in: ten frames received in parallel" python3 - "$tmp/fan.jsonl" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
t = sorted(e["t"] for e in ev if e.get("kind") == "enqueue")
latency = 0.001
ok = len(t) == 10 and t[0] >= latency and t[-1] - t[0] <= 0.01 * latency
print(f"fan-in: {len(t)} enqueues between {t[0]*1000:.4f} and {t[-1]*1000:.4f} ms")
sys.exit(0 if ok else 1)
PY

# A link that flaps under a steady stream: the broker enqueues the producer's messages in
# publish order (the connection kept its order across drops and retransmissions).
"$bin" run "$dir/flap.json" --quiet --trace "$tmp/flap.jsonl"
check "flapping link: order kept, nothing lost" python3 - "$tmp/flap.jsonl" <<'PY'
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
enq = [e["msg"] for e in ev if e.get("kind") == "enqueue"]
drops = sum(1 for e in ev if e.get("kind") == "net_drop" and e.get("reason") == "link_down")
print(f"flap: {len(enq)} enqueued, {drops} transmissions died on the link and were retransmitted")
sys.exit(0 if drops > 0 and enq == sorted(enq) and len(enq) == len(set(enq)) == 200 else 1)
PY

echo "$((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
