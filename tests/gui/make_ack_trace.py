#!/usr/bin/env python3
"""Writes ack_redelivery.jsonl: a hand-made trace (docs/trace-format.md, version 1) of the
ack-and-redelivery lesson, used by the GUI tests before and independently of the simulator.

p1 publishes m1..m8 to queue "work"; c1 and c2 consume with prefetch 1 and manual acks.
c2 crashes at t=0.9 holding m4 unacked; the broker notices at 1.5 (missed heartbeats),
requeues m4 at its original position and redelivers it to c1, which has already processed
m5: c1 processes ..., 5, 4 -- the reorder the lesson is about. One publish frame of m8 is
dropped on a link that goes down, and the producer retries it after the link is back.
"""
import heapq, json, sys

LAT = 0.01
events = []
pkt = [0]

def ev(t, kind, node, **kw):
    d = {"t": round(t, 6), "kind": kind, "node": node}
    d.update(kw)
    events.append(d)

def frame(t, src, dst, op, msg, drop=None):
    pkt[0] += 1
    p = pkt[0]
    ev(t, "net_send", src, pkt=p, to=dst, bytes=128, items=[{"op": op, "msg": msg}])
    if drop:
        ev(t + LAT / 2, "net_drop", dst, pkt=p, **{"from": src}, reason=drop)
        return t + LAT / 2
    ev(t + LAT, "net_recv", dst, pkt=p, **{"from": src})
    return t + LAT

proc = {"c1": 0.30, "c2": 0.35}
ready = []           # (position, msg, redelivered)
busy = {"c1": None, "c2": None}
alive = {"c1": True, "c2": True}
tags = {"c1": 0, "c2": 0}
todo = []            # heap of (t, order, action, args)
order = [0]

def at(t, action, *args):
    order[0] += 1
    heapq.heappush(todo, (t, order[0], action, args))

def dispatch(t):
    for c in ("c1", "c2"):
        if alive[c] and busy[c] is None and ready:
            pos, m, red = ready.pop(0)
            tags[c] += 1
            busy[c] = (m, tags[c], pos)
            ev(t, "deliver", "broker", msg=m, consumer=c, queue="work", tag=tags[c], position=pos, redelivered=red)
            arr = frame(t, "broker", c, "deliver", m)
            at(arr + proc[c], "processed", c, m, tags[c], red)

def run():
    ev(0.0, "consumer_up", "broker", consumer="c1", queue="work", prefetch=1, auto_ack=False)
    ev(0.0, "consumer_up", "broker", consumer="c2", queue="work", prefetch=1, auto_ack=False)
    for i in range(1, 9):
        at(0.1 * i, "publish", i)
    at(0.55, "link_down")
    at(0.9, "crash")
    at(1.2, "link_up")
    at(1.5, "conn_lost")
    while todo:
        t, _, a, args = heapq.heappop(todo)
        if a == "publish":
            m = args[0]
            ev(t, "publish", "p1", msg=m, broker="broker", exchange="", routing_key="work", seq=m, mandatory=False)
            if m == 6 and not args[1:]:
                frame(t, "p1", "broker", "publish", m, drop="link_down")
                at(1.3, "publish", m, "retry")
                continue
            arr = frame(t, "p1", "broker", "publish", m)
            at(arr, "enqueue", m)
        elif a == "enqueue":
            m = args[0]
            ev(t, "enqueue", "broker", msg=m, queue="work", position=m - 1)
            ready.append((m - 1, m, False))
            arr = frame(t, "broker", "p1", "confirm", m)
            ev(arr, "confirm", "p1", msg=m, broker="broker", seq=m, ack=True)
            dispatch(t)
        elif a == "processed":
            c, m, tag, red = args
            if not alive[c]:
                continue
            ev(t, "process", c, msg=m, queue="work", tag=tag, redelivered=red, producer="p1")
            arr = frame(t, c, "broker", "ack", m)
            at(arr, "ack", c, m, tag)
        elif a == "ack":
            c, m, tag = args
            ev(t, "ack", "broker", msg=m, consumer=c, queue="work", tag=tag)
            busy[c] = None
            dispatch(t)
        elif a == "link_down":
            ev(t, "link_down", "p1", peer="broker")
        elif a == "link_up":
            ev(t, "link_up", "p1", peer="broker")
        elif a == "crash":
            ev(t, "crash", "c2")
            alive["c2"] = False
        elif a == "conn_lost":
            ev(t, "connection_lost", "broker", client="c2", queue="work", reason="missed_heartbeats")
            m, tag, pos = busy["c2"]
            busy["c2"] = None
            ev(t, "requeue", "broker", msg=m, consumer="c2", queue="work", position=pos, reason="connection_lost")
            ready.insert(0, (pos, m, True))
            ready.sort()
            dispatch(t)
    events.sort(key=lambda d: d["t"])  # stable: same-time events keep causal order

header = {"type": "header", "format": "brokersim-trace", "version": 1, "brokersim": "test",
          "scenario": "ack-redelivery-fixture", "title": "Acks and redelivery (test fixture)",
          "description": "Two consumers share queue work with prefetch 1. Consumer c2 crashes holding m4; "
                         "the broker requeues m4 and redelivers it to c1, which has already processed m5.",
          "seed": 1, "model": "queue",
          "nodes": [{"name": "broker", "role": "broker"}, {"name": "p1", "role": "producer"},
                    {"name": "c1", "role": "consumer"}, {"name": "c2", "role": "consumer"}],
          "links": [{"a": "p1", "b": "broker", "latency_ms": 10, "bandwidth_mbps": 0},
                    {"a": "broker", "b": "c1", "latency_ms": 10, "bandwidth_mbps": 0},
                    {"a": "broker", "b": "c2", "latency_ms": 10, "bandwidth_mbps": 0}],
          "queues": ["work"], "expect": {"lost": {"eq": 0}, "reordered": {"min": 1}},
          "faults": [], "duration_s": 4}
run()
out = open(sys.argv[1] if len(sys.argv) > 1 else "ack_redelivery.jsonl", "w")
out.write(json.dumps(header) + "\n")
for e in events:
    out.write(json.dumps(e) + "\n")
out.write(json.dumps({"type": "footer", "verdict": "none", "end_t": 4, "totals": {}, "failures": []}) + "\n")
