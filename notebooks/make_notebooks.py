#!/usr/bin/env python3
"""Writes the notebooks from the cell sources below, so their code stays reviewable as
plain Python. Run: /usr/bin/python3 notebooks/make_notebooks.py"""
import nbformat as nbf
from pathlib import Path

HERE = Path(__file__).resolve().parent

SETUP = r'''
import json, os, subprocess, tempfile
from pathlib import Path
import pandas as pd
import matplotlib.pyplot as plt

ROOT = Path(os.environ.get("BROKERSIM_ROOT", Path.cwd().parent)).resolve()
BROKERSIM = os.environ.get("BROKERSIM", str(ROOT / "build" / "sim" / "brokersim"))
SCENARIOS = ROOT / "scenarios"
OUT = Path(tempfile.mkdtemp(prefix="brokersim-nb-"))

def run(scenario, *extra):
    """Run one lesson with brokersim; return (events DataFrame, metrics dict)."""
    name = Path(scenario).stem
    trace, metrics = OUT / f"{name}.jsonl", OUT / f"{name}.json"
    subprocess.run([BROKERSIM, "run", str(SCENARIOS / scenario), "--quiet", "--trace", str(trace),
                    "--metrics", str(metrics), *extra], check=True)
    lines = [json.loads(l) for l in trace.read_text().splitlines()]
    events = pd.DataFrame([l for l in lines if "kind" in l])
    # Ids and positions are integers; a column with gaps would otherwise turn into floats
    # (message 7 printed as 7.0), so use pandas' integer type that allows missing values.
    for col in ["msg", "pkt", "tag", "seq", "position", "offset", "partition", "generation"]:
        if col in events and pd.api.types.is_numeric_dtype(events[col]):
            events[col] = events[col].astype("Int64")
    return events, json.loads(metrics.read_text())
'''

LESSONS = [
    nbf.v4.new_markdown_cell("""# Queue-model lessons, measured

This notebook runs lessons with `brokersim`, loads the event trace (JSON Lines) with
pandas and plots what the checker counts. It runs in CI (`ctest -R notebook`), and its
assertions fail the build if a lesson stops showing what it teaches."""),
    nbf.v4.new_code_cell(SETUP),
    nbf.v4.new_markdown_cell("""## Acks and redelivery reorder messages

Each point is a message processed by a consumer: x is when, y is its position in the
queue. In-order processing climbs; the redelivered message 2 appears below its
predecessors on consumer c1's line."""),
    nbf.v4.new_code_cell(r'''
ev, m = run("03-ack-redelivery.json")
proc = ev[ev.kind == "process"].copy()
pos = ev[ev.kind == "enqueue"].set_index("msg")["position"]
proc["position"] = proc["msg"].map(pos)
redelivered = set(ev[(ev.kind == "deliver") & (ev.redelivered == True)]["msg"])
fig, ax = plt.subplots(figsize=(8, 4))
for node, g in proc.groupby("node"):
    ax.plot(g["t"], g["position"], marker="o", label=node)
for _, r in proc[proc["msg"].isin(redelivered)].iterrows():
    ax.annotate(f"msg {r.msg} (redelivered)", (r.t, r.position), textcoords="offset points", xytext=(8, -12))
crash = ev[ev.kind == "crash"]
for _, c in crash.iterrows():
    ax.axvline(c.t, color="red", linestyle="--", label=f"{c.node} crashes")
ax.set_xlabel("simulated time (s)"); ax.set_ylabel("position in queue"); ax.legend()
c1 = list(proc[proc.node == "c1"]["msg"])
print("c1 processed:", c1)
assert all(str(x).isdigit() for x in c1), "message ids print as integers"
print("totals:", {k: m["totals"][k] for k in ["lost", "redelivered", "reordered", "duplicates"]})
assert m["totals"]["lost"] == 0 and m["totals"]["reordered"] > 0
assert any(a > b for a, b in zip(c1, c1[1:])), "c1 should process a message after a later one"
'''),
    nbf.v4.new_markdown_cell("""## Auto-ack: the same crash loses messages"""),
    nbf.v4.new_code_cell(r'''
rows = []
for s in ["03-ack-redelivery.json", "04-auto-ack-loses-messages.json"]:
    _, mm = run(s)
    rows.append({"lesson": mm["scenario"], **{k: mm["totals"][k] for k in ["confirmed", "processed", "redelivered", "lost"]}})
table = pd.DataFrame(rows).set_index("lesson")
print(table)
assert table.loc["ack-redelivery", "lost"] == 0 and table.loc["auto-ack-loses-messages", "lost"] > 0
'''),
    nbf.v4.new_markdown_cell("""## Prefetch: who does the work, and how long it takes

With prefetch 1 the fast consumer does most of the work; with prefetch 10 every
consumer gets the same share and the slow one stretches the tail of the latency."""),
    nbf.v4.new_code_cell(r'''
fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
shares, lat = {}, {}
for s in ["01-load-balancing-prefetch-1.json", "01-load-balancing-prefetch-10.json"]:
    ev, mm = run(s)
    shares[mm["scenario"]] = {c: v["processed"] for c, v in mm["consumers"].items()}
    pub = ev[ev.kind == "publish"].set_index("msg")["t"]
    p = ev[ev.kind == "process"]
    lat[mm["scenario"]] = sorted(((p["t"] - p["msg"].map(pub)) * 1000).tolist())
pd.DataFrame(shares).plot.bar(ax=a1, title="messages processed per consumer")
for k, v in lat.items():
    a2.plot(v, [i / len(v) for i in range(1, len(v) + 1)], label=k)
a2.set_xlabel("end-to-end latency (ms)"); a2.set_ylabel("fraction of messages"); a2.legend()
print(pd.DataFrame(shares))
assert shares["load-balancing-prefetch-1"]["c-fast"] > shares["load-balancing-prefetch-1"]["c-slow"]
assert max(lat["load-balancing-prefetch-10"]) > max(lat["load-balancing-prefetch-1"])
'''),
]

COMPARE = [
    nbf.v4.new_markdown_cell("""# In-memory queue vs log: the same workload, the same crash

`20-compare-queue.json` and `21-compare-log.json` publish the same 60 messages to three
consumers, and one consumer crashes mid-way. The queue model redelivers the crashed
consumer's unacked messages to the others (reordering them, losing nothing); the log model
moves the crashed consumer's partition to a survivor, which resumes from the last committed
offset (keeping per-partition order, reprocessing what was not committed)."""),
    nbf.v4.new_code_cell(SETUP),
    nbf.v4.new_code_cell(r'''
runs = {}
for s in ["20-compare-queue.json", "21-compare-log.json"]:
    ev, mm = run(s)
    runs[mm["model"]] = (ev, mm)
keys = ["processed", "redelivered", "lost", "duplicates", "reordered", "reordered_across_consumers", "latency_p99_ms"]
table = pd.DataFrame({model: {k: mm["totals"][k] for k in keys} for model, (ev, mm) in runs.items()})
print(table)
table.drop(index="latency_p99_ms").plot.bar(figsize=(9, 4), title="checker totals, queue vs log")
assert table.loc["reordered", "queue"] > 0 and table.loc["reordered", "log"] == 0
assert table.loc["lost", "queue"] == 0 and table.loc["duplicates", "log"] > 0
'''),
    nbf.v4.new_markdown_cell("""## Order within a partition is kept

For the log run, each consumer's processed offsets per partition: every line only climbs
(a reprocessed stretch restarts from the committed offset, then climbs again)."""),
    nbf.v4.new_code_cell(r'''
ev, mm = runs["log"]
proc = ev[ev.kind == "process"]
fig, ax = plt.subplots(figsize=(9, 4))
for (node, part), g in proc.groupby(["node", "queue"]):
    ax.plot(g["t"], g["offset"], marker=".", label=f"{node} reads {part}")
crash = ev[ev.kind == "crash"]
for _, c in crash.iterrows():
    ax.axvline(c.t, color="red", linestyle="--")
ax.set_xlabel("simulated time (s)"); ax.set_ylabel("offset"); ax.legend(fontsize=8)
for (node, part), g in proc.groupby(["node", "queue"]):
    offs = list(g["offset"])
    backs = [i for i in range(1, len(offs)) if offs[i] < offs[i - 1]]
    assert len(backs) <= 1, f"{node} on {part} went back more than once: {offs}"
'''),
]

def write(name, cells):
    nb = nbf.v4.new_notebook()
    nb.cells = cells
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbf.write(nb, HERE / name)

if __name__ == "__main__":
    write("queue-lessons.ipynb", LESSONS)
    write("queue-vs-log.ipynb", COMPARE)
