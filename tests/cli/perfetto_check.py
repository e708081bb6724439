#!/usr/bin/env python3
"""`brokersim run --perfetto`: the file follows the Chrome trace event format (JSON Object
Format) that Perfetto and chrome://tracing read, and shows what the run did.

Usage: perfetto_check.py BROKERSIM SCENARIOS_DIR
For a few lessons of different models it checks: the object form with a traceEvents
list; every event's phase, pid, tid and microsecond timestamp; a named track for every
node; one processing slice per `process` event of the trace, on the consumer's track,
with a non-negative duration that ends at that event; every flow id with exactly one
start and one finish, in time order, the finish inside a processing slice; and an
instant for every fault of the schedule.
"""
import json
import os
import subprocess
import sys
import tempfile

PHASES = {"X", "i", "s", "t", "f", "M"}
LESSONS = ["04-auto-ack-loses-messages.json", "21-compare-log.json", "43-sqs-visibility-timeout.json",
           "10-network-partition.json"]


def fail(lesson, msg):
    print(f"FAIL {lesson}: {msg}")
    sys.exit(1)


def check(brokersim, path, tmp):
    lesson = os.path.basename(path)
    out, trace = os.path.join(tmp, "p.json"), os.path.join(tmp, "t.jsonl")
    r = subprocess.run([brokersim, "run", path, "--quiet", "--trace", trace, "--perfetto", out])
    if r.returncode not in (0, 1):
        fail(lesson, f"exit {r.returncode}")
    doc = json.load(open(out))
    if not isinstance(doc, dict) or not isinstance(doc.get("traceEvents"), list):
        fail(lesson, "not the JSON Object Format (an object with a traceEvents list)")
    lines = [json.loads(l) for l in open(trace)]
    header, events = lines[0], [l for l in lines[1:] if "kind" in l]
    nodes = [n["name"] for n in header["nodes"]]

    tracks = {}
    for e in doc["traceEvents"]:
        if e.get("ph") not in PHASES:
            fail(lesson, f"unknown phase in {e}")
        if not isinstance(e.get("pid"), int) or (e["ph"] != "M" or e["name"] != "process_name") and not isinstance(e.get("tid"), int):
            fail(lesson, f"pid/tid missing or not integers in {e}")
        if e["ph"] != "M" and not isinstance(e.get("ts"), (int, float)):
            fail(lesson, f"ts missing in {e}")
        if e["ph"] == "M" and e["name"] == "thread_name":
            tracks[e["tid"]] = e["args"]["name"]
    for i, n in enumerate(nodes):
        if not tracks.get(i + 1, "").startswith(n):
            fail(lesson, f"no track named for node {n}")

    slices = [e for e in doc["traceEvents"] if e["ph"] == "X"]
    if any(e["dur"] < 0 for e in slices):
        fail(lesson, "a slice with a negative duration")
    processing = [e for e in slices if e["cat"] == "process"]
    processed = [e for e in events if e["kind"] == "process"]
    if len(processing) != len(processed):
        fail(lesson, f"{len(processing)} processing slices for {len(processed)} process events")
    want = sorted((nodes.index(e["node"]) + 1, e["msg"], round(e["t"] * 1e6, 3)) for e in processed)
    got = sorted((e["tid"], e["args"]["msg"], round(e["ts"] + e["dur"], 3)) for e in processing)
    if want != got:
        fail(lesson, "processing slices do not end at the process events, on the consumers' tracks")

    flows = {}
    for e in doc["traceEvents"]:
        if e["ph"] in "stf" and e["ph"] != "M":
            flows.setdefault(e["id"], []).append(e)
    if not flows:
        fail(lesson, "no flow arrows")
    for fid, fs in flows.items():
        phases = [e["ph"] for e in fs]
        if phases.count("s") != 1 or phases.count("f") != 1:
            fail(lesson, f"flow {fid}: {phases}")
        start = next(e for e in fs if e["ph"] == "s")
        end = next(e for e in fs if e["ph"] == "f")
        if any(e["ts"] < start["ts"] or e["ts"] > end["ts"] for e in fs):
            fail(lesson, f"flow {fid} goes back in time")
        if not any(s["tid"] == end["tid"] and s["ts"] <= end["ts"] <= s["ts"] + s["dur"] for s in processing):
            fail(lesson, f"flow {fid} ends outside any processing slice")

    faults = [e for e in events if e["kind"] in ("crash", "restart", "link_down", "link_up")]
    instants = [e for e in doc["traceEvents"] if e["ph"] == "i"]
    if len(instants) != len(faults):
        fail(lesson, f"{len(instants)} fault instants for {len(faults)} faults")
    print(f"ok   {lesson}: {len(processing)} processing slices, {len(flows)} arrows, {len(instants)} fault instants")
    return len(faults)


def main():
    brokersim, scenarios = sys.argv[1], sys.argv[2]
    faults = 0
    with tempfile.TemporaryDirectory() as tmp:
        for lesson in LESSONS:
            faults += check(brokersim, os.path.join(scenarios, lesson), tmp)
        # Without --trace the trace is a scratch file, removed afterwards.
        out = os.path.join(tmp, "alone.json")
        r = subprocess.run([brokersim, "run", os.path.join(scenarios, LESSONS[0]), "--quiet", "--perfetto", out])
        if r.returncode != 0 or not json.load(open(out))["traceEvents"] or os.listdir(tmp) != ["alone.json"] and \
                sorted(os.listdir(tmp)) != sorted(["alone.json", "p.json", "t.jsonl"]):
            fail(LESSONS[0], f"--perfetto alone: exit {r.returncode}, files {os.listdir(tmp)}")
    if faults == 0:
        fail("all", "no lesson with faults was checked")


if __name__ == "__main__":
    main()
