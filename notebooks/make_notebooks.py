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

SWEEP = [
    nbf.v4.new_markdown_cell("""# Sweeps: one lesson over a grid of parameters, on one machine or many

`brokersim sweep SCENARIO --set KEY=v1,v2,... --seeds N` runs every combination of the
values times N seeds, each run in its own process over the cores, and writes one CSV row
per run: the values, the seed, the verdict and every checker total.

Lesson 1 says that with prefetch 1 the broker gives the next message to whoever
acknowledges first, so a slow consumer does little harm. Here c-slow's prefetch is swept
against its processing time (exponentially distributed, so each seed draws other times),
with 300 messages."""),
    nbf.v4.new_code_cell(SETUP + r'''
import time
LESSON = SCENARIOS / "01-load-balancing-prefetch-1.json"
SETS = [("p1.count", [300]), ("duration_s", [600]), ("c-slow.prefetch", [1, 4, 16]),
        ("c-slow.processing_ms", [{"exponential": 100}, {"exponential": 400}, {"exponential": 1600}])]
SEEDS = 3

def set_args(sets):
    """The --set arguments of a grid: KEY=v1,v2,... with each value as JSON."""
    return [a for key, values in sets
            for a in ("--set", key + "=" + ",".join(json.dumps(v, separators=(",", ":")) for v in values))]

def brokersim_sweep(csv_path, jobs):
    """Run the grid with brokersim sweep; return its wall time in seconds."""
    t = time.perf_counter()
    subprocess.run([BROKERSIM, "sweep", str(LESSON), *set_args(SETS), "--seeds", str(SEEDS),
                    "--jobs", str(jobs), "--csv", str(csv_path), "--quiet"], check=True)
    return time.perf_counter() - t

wall = {jobs: brokersim_sweep(OUT / f"sweep-{jobs}.csv", jobs) for jobs in (1, 2)}
assert (OUT / "sweep-1.csv").read_bytes() == (OUT / "sweep-2.csv").read_bytes(), "the CSV does not depend on --jobs"
sweep = pd.read_csv(OUT / "sweep-2.csv", float_precision="round_trip")
sweep["slow_mean_ms"] = sweep["c-slow.processing_ms"].map(lambda v: json.loads(v)["exponential"])
print(f"{len(sweep)} runs; brokersim sweep wall time: {wall[1]:.1f} s with --jobs 1, {wall[2]:.1f} s with --jobs 2")
print(sweep[["c-slow.prefetch", "slow_mean_ms", "seed", "processed", "lost", "reordered_across_consumers",
             "throughput_per_s", "latency_max_ms"]].to_string(index=False))
assert len(sweep) == 3 * 3 * SEEDS and (sweep["lost"] == 0).all() and (sweep["processed"] == 300).all()
'''),
    nbf.v4.new_markdown_cell("""## Throughput and reordering

Each point is the mean over the seeds, the bars their range. With prefetch 1 a slower
c-slow costs some throughput (it still holds one message at a time); with prefetch 16 it
hoards sixteen and the queue waits on it. Reordering across consumers grows with the
prefetch: more messages are in flight at once on different consumers."""),
    nbf.v4.new_code_cell(r'''
fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4))
for prefetch, g in sweep.groupby("c-slow.prefetch"):
    for ax, col in ((a1, "throughput_per_s"), (a2, "reordered_across_consumers")):
        s = g.groupby("slow_mean_ms")[col].agg(["mean", "min", "max"])
        ax.errorbar(s.index, s["mean"], yerr=[s["mean"] - s["min"], s["max"] - s["mean"]], marker="o",
                    capsize=3, label=f"prefetch {prefetch}")
for ax, what in ((a1, "messages processed per simulated second"), (a2, "pairs reordered across consumers")):
    ax.set_xscale("log"); ax.set_xlabel("c-slow's mean processing time (ms)"); ax.set_ylabel(what); ax.legend()
mean = sweep.groupby(["c-slow.prefetch", "slow_mean_ms"])[["throughput_per_s", "reordered_across_consumers"]].mean()
tp = mean["throughput_per_s"].unstack()
print(tp.round(1))
# With prefetch 1 the slowest c-slow keeps more than half the throughput; with prefetch 16, less than half.
assert tp.loc[1, 1600] > 0.5 * tp.loc[1, 100] and tp.loc[16, 1600] < 0.5 * tp.loc[16, 100]
assert tp.loc[16, 1600] < 0.7 * tp.loc[1, 1600], "hoarding by a slow consumer costs throughput"
ro = mean["reordered_across_consumers"].unstack()
assert (ro.loc[1] < ro.loc[4]).all() and (ro.loc[4] < ro.loc[16]).all(), "reordering grows with the prefetch"
'''),
    nbf.v4.new_markdown_cell("""## A log lesson: min.insync.replicas against a fault

Lesson 25: a partition cuts the leader b1 off from its followers at 1 s, so the ISR
shrinks to b1 alone, and b1 crashes later. The sweep moves the crash (1.5, 2.5, 3.5 s:
how long b1 was alone) against `min.insync.replicas` (1, 2) and
`unclean.leader.election.enable` (true, false). Three ways the same fault ends: records
acknowledged while b1 was alone are lost when a stale follower is elected uncleanly; with
min.insync.replicas 2 the producer gets no acknowledgement while the ISR is too small
(time below min ISR: unavailable for acks=all writes, nothing lost); without unclean
election the partition has no leader until b1 returns (offline, nothing lost)."""),
    nbf.v4.new_code_cell(r'''
ISR_KEY, UNCLEAN_KEY = "b1.topics.orders.min_insync_replicas", "b1.topics.orders.unclean_leader_election_enable"
subprocess.run([BROKERSIM, "sweep", str(SCENARIOS / "25-isr-shrink-unclean-election.json"),
                "--set", f"{ISR_KEY}=1,2", "--set", f"{UNCLEAN_KEY}=true,false", "--set", "faults.2.at_s=1.5,2.5,3.5",
                "--csv", str(OUT / "isr.csv"), "--quiet"], check=True)
isr = pd.read_csv(OUT / "isr.csv").rename(columns={ISR_KEY: "min_isr", UNCLEAN_KEY: "unclean", "faults.2.at_s": "crash_s"})
print(isr[["min_isr", "unclean", "crash_s", "confirmed", "lost", "unclean_elections", "below_min_isr_s", "offline_s"]]
      .to_string(index=False))
fig, axes = plt.subplots(1, 3, figsize=(13, 3.6), sharex=True)
for (min_isr, unclean), g in isr.groupby(["min_isr", "unclean"]):
    label = f"min.insync.replicas {min_isr}, unclean {'on' if unclean else 'off'}"
    for ax, col in zip(axes, ["lost", "below_min_isr_s", "offline_s"]):
        # Lines that coincide stay visible: big circles under small squares, solid under dashed.
        ax.plot(g["crash_s"], g[col], marker="o" if min_isr == 1 else "s", markersize=9 if min_isr == 1 else 5,
                linestyle="-" if unclean else "--", label=label)
for ax, what in zip(axes, ["acknowledged records lost", "s below min ISR (acks=all refused)", "s with no leader"]):
    ax.set_xlabel("b1 crashes at (s)"); ax.set_title(what, fontsize=10)
axes[0].legend(fontsize=8)
at = isr.set_index(["min_isr", "unclean", "crash_s"])
# min.insync.replicas 1 with unclean election: the longer b1 was alone, the more is lost.
lost = [at.loc[(1, True, t), "lost"] for t in (1.5, 2.5, 3.5)]
assert lost[0] < lost[1] < lost[2] and lost[2] > 0, lost
# min.insync.replicas 2 loses nothing: the price is time without acks=all writes.
assert (isr[isr.min_isr == 2]["lost"] == 0).all() and at.loc[(2, True, 3.5), "below_min_isr_s"] > 1
# Clean elections only lose nothing: the price is a partition without a leader.
assert (isr[~isr.unclean]["lost"] == 0).all() and at.loc[(1, False, 3.5), "offline_s"] > 2
'''),
    nbf.v4.new_markdown_cell("""## Beyond one machine: the same runs on Dask distributed

Each run of a sweep is independent: one `brokersim run --metrics` process. So the grid
can go to an existing distributed engine instead of `brokersim sweep`'s own pool. Here
[Dask distributed](https://distributed.dask.org) (Debian: `python3-distributed`) runs
them on a `LocalCluster` of worker processes, one thread each. A task gets the scenario's
text and the values (not a path), writes the patched file on its worker, runs brokersim
there and returns the row; only the `brokersim` binary has to be on every worker.

To use several machines, start a scheduler on one and workers on the others, then give
the `Client` the scheduler's address instead of a `LocalCluster`:

```
machine-a$ dask scheduler                          # prints tcp://machine-a:8786
machine-b$ dask worker tcp://machine-a:8786 --nworkers 2 --nthreads 1
machine-c$ dask worker tcp://machine-a:8786 --nworkers 2 --nthreads 1
```
```python
client = Client("tcp://machine-a:8786")   # then client.submit(...) as below
```
Each worker machine needs brokersim built at the path `BROKERSIM` names (or pass
another path to `run_point`). The rows must equal `brokersim sweep`'s: same scenario,
same values, same seeds, same totals."""),
    nbf.v4.new_code_cell(r'''
import itertools, logging
from distributed import Client, LocalCluster

def run_point(brokersim, scenario_text, patches, seed):
    """One run of the grid, on a worker: patch the scenario, run brokersim, return the row."""
    import json, os, subprocess, tempfile
    doc = json.loads(scenario_text)
    doc.pop("try_this", None)  # as brokersim sweep does: the lesson itself is run
    for tokens, value in patches:  # JSON Pointer tokens, e.g. ["nodes", "4", "prefetch"]
        target = doc
        for t in tokens[:-1]:
            target = target[int(t)] if isinstance(target, list) else target[t]
        target[int(tokens[-1]) if isinstance(target, list) else tokens[-1]] = value
    with tempfile.TemporaryDirectory() as d:
        path, metrics = os.path.join(d, "point.json"), os.path.join(d, "metrics.json")
        with open(path, "w") as f:
            json.dump(doc, f)
        subprocess.run([brokersim, "run", path, "--quiet", "--metrics", metrics, "--seed", str(seed)], check=True)
        with open(metrics) as f:
            m = json.load(f)
    return {"seed": seed, "verdict": m["verdict"], **m["totals"]}

text = LESSON.read_text()
doc = json.loads(text)
names = [n["name"] for n in doc["nodes"]]
def tokens(key):
    """KEY as brokersim sweep reads it, for the keys used here: NODE.key or a top-level key."""
    head, _, rest = key.partition(".")
    return ["nodes", str(names.index(head)), rest] if rest else [head]

# The grid in brokersim sweep's order (the first key varies slowest), and its seeds:
# the scenario's seed, then the next ones.
points = list(itertools.product(*[values for _, values in SETS]))
tasks = [(point, doc.get("seed", 1) + i) for point in points for i in range(SEEDS)]

def cell(v):
    """A value as the sweep's CSV writes it: numbers and strings as they are, the rest as JSON."""
    return v if isinstance(v, (int, float, str)) else json.dumps(v, separators=(",", ":"))

def dask_sweep(workers):
    """Run the grid on a LocalCluster of `workers` processes; return (rows, wall time of the runs)."""
    with LocalCluster(n_workers=workers, processes=True, threads_per_worker=1, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        t = time.perf_counter()
        futures = [client.submit(run_point, BROKERSIM, text, [(tokens(k), v) for (k, _), v in zip(SETS, point)],
                                 seed, pure=False) for point, seed in tasks]
        results = client.gather(futures)
        wall = time.perf_counter() - t
    rows = [{**{k: cell(v) for (k, _), v in zip(SETS, point)}, **r} for (point, _), r in zip(tasks, results)]
    return pd.DataFrame(rows), wall

dask_wall = {}
for workers in (1, 2):
    rows, dask_wall[workers] = dask_sweep(workers)
    expected = sweep.drop(columns="slow_mean_ms")
    pd.testing.assert_frame_equal(rows[list(expected.columns)], expected, check_dtype=False, check_exact=True)
print(f"Dask's rows = brokersim sweep's rows: {len(rows)} runs x {len(expected.columns)} columns, value for value")
print(f"Dask, {len(tasks)} runs: {dask_wall[1]:.1f} s wall with 1 worker, {dask_wall[2]:.1f} s with 2 workers: "
      f"scale-up {dask_wall[1] / dask_wall[2]:.2f}x")
print(f"brokersim sweep, the same runs: {wall[1]:.1f} s with --jobs 1, {wall[2]:.1f} s with --jobs 2: "
      f"scale-up {wall[1] / wall[2]:.2f}x")
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
    write("sweep.ipynb", SWEEP)
