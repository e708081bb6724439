#!/usr/bin/env python3
"""Writes log_model.jsonl: a hand-made log-model (Kafka-like) trace following
docs/trace-format.md, for the GUI's partition view before the simulator writes one.

p1 appends m1..m12 to topic "orders" (even ids to partition 0, odd to 1). Group g has c1
on orders/0 and c2 on orders/1; each fetches batches of 2 and commits after processing.
orders/0 rolls a segment at offsets 2 and 4; retention deletes the first segment at t=3.0,
so the log start offset of orders/0 moves from 0 to 2. A stale-generation commit by c2 is
rejected at 2.5, and c1 seeks back to offset 2 at 3.5 (replay).
"""
import json, sys

ev = []
def e(t, kind, node, **kw):
    d = {"t": round(t, 6), "kind": kind, "node": node}
    d.update(kw)
    ev.append(d)

e(0.0, "rebalance", "broker", generation=1, group="g")
e(0.0, "assign", "broker", consumer="c1", partition="orders/0", generation=1, group="g")
e(0.0, "assign", "broker", consumer="c2", partition="orders/1", generation=1, group="g")
off = {"orders/0": 0, "orders/1": 0}
for i in range(1, 13):
    t = 0.1 * i
    part = "orders/0" if i % 2 == 0 else "orders/1"
    e(t, "publish", "p1", msg=i, broker="broker", exchange="orders", routing_key="k%d" % (i % 4), seq=i, mandatory=False)
    e(t + 0.01, "append", "broker", msg=i, producer="p1", partition=part, offset=off[part], leader_epoch=0, key="k%d" % (i % 4))
    off[part] += 1
    if part == "orders/0" and off[part] in (2, 4):
        e(t + 0.01, "segment_roll", "broker", partition=part, offset=off[part], segment=off[part] // 2)
# Consumers fetch two records at a time, process them, then commit.
for c, part, start in (("c1", "orders/0", 0.5), ("c2", "orders/1", 0.55)):
    ids = [i for i in range(1, 13) if (i % 2 == 0) == (part == "orders/0")]
    t = start
    for b in range(0, 6, 2):
        e(t, "fetch", "broker", consumer=c, partition=part, offset=b, count=2, group="g")
        for k in (0, 1):
            e(t + 0.1 * (k + 1), "process", c, msg=ids[b + k], queue=part, tag=b + k, offset=b + k, group="g",
              redelivered=False, producer="p1")
        e(t + 0.25, "commit", "broker", consumer=c, partition=part, offset=b + 2, generation=1, group="g")
        t += 0.5
# A zombie commit from a stale generation is rejected: c2's committed offset stays 6.
e(2.5, "commit", "broker", consumer="c2", partition="orders/1", offset=99, generation=0, group="g", rejected=True)
# c1 seeks back to offset 2 (a replay): the consumer writes the offset_reset itself.
e(3.5, "offset_reset", "c1", consumer="c1", partition="orders/0", offset=2, from_offset=6, group="g")
e(3.0, "segment_delete", "broker", partition="orders/0", offset=0, log_start_offset=2, reason="retention.ms")
ev.sort(key=lambda d: d["t"])

header = {"type": "header", "format": "brokersim-trace", "version": 1, "brokersim": "test",
          "scenario": "log-fixture", "title": "Partitions, offsets and retention (test fixture)",
          "description": "Two partitions, one consumer group; retention deletes the oldest segment at 3 s.",
          "seed": 1, "model": "log",
          "nodes": [{"name": "broker", "role": "broker"}, {"name": "p1", "role": "producer"},
                    {"name": "c1", "role": "consumer"}, {"name": "c2", "role": "consumer"}],
          "links": [{"a": "p1", "b": "broker", "latency_ms": 10}, {"a": "c1", "b": "broker", "latency_ms": 10},
                    {"a": "c2", "b": "broker", "latency_ms": 10}],
          "expect": {}, "faults": [], "duration_s": 4}
with open(sys.argv[1] if len(sys.argv) > 1 else "log_model.jsonl", "w") as out:
    out.write(json.dumps(header) + "\n")
    for d in ev:
        out.write(json.dumps(d) + "\n")
