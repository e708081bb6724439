#!/usr/bin/env python3
"""Random fault soak: seeded random schedules of crash / restart / link down / link up
over the lessons. Every run must end with exit 0 or 1 and a complete trace (header first,
footer last). On the scenarios that promise at-least-once end to end (manual acks,
confirms with retries, durable queues and persistent messages; or commit after
processing), every fault is undone early enough to recover, and then nothing confirmed
may be lost and nothing may stay pending; with a store, every message has one effect;
with two-phase commit, one commit decision, and nobody stays in doubt; with Kafka
transactions, read_committed readers read each output once and no aborted record.

Usage: soak.py BROKERSIM SCENARIO_DIR SAFE_DIR [--runs N] [--seed S]
Prints each failure with the command that reproduces it, then 'N passed, N failed'.
"""
import argparse
import glob
import json
import os
import random
import subprocess
import sys
import tempfile
import time


def nodes_and_links(sc):
    names = [n["name"] for n in sc["nodes"]]
    links = set()
    for n in sc["nodes"]:
        # A client is linked to its one broker ("broker") or to each broker of its
        # bootstrap list, and to its store; brokers to their peers.
        for b in ([n["broker"]] if "broker" in n else []) + n.get("bootstrap", []) + n.get("peers", []) + \
                ([n["store"]] if "store" in n else []):
            links.add(tuple(sorted((n["name"], b))))
    # A cluster with controllers (KRaft) is one network: servers reach each other and
    # clients reach every broker.
    if any(n["role"] == "controller" for n in sc["nodes"]):
        servers = [n["name"] for n in sc["nodes"] if n["role"] in ("broker", "controller")]
        brokers = [n["name"] for n in sc["nodes"] if n["role"] == "broker"]
        for i, a in enumerate(servers):
            for b in servers[i + 1:]:
                links.add(tuple(sorted((a, b))))
        for n in sc["nodes"]:
            if n["role"] in ("producer", "consumer"):
                for b in brokers:
                    links.add(tuple(sorted((n["name"], b))))
    # A RabbitMQ cluster (cluster_nodes) is a full mesh.
    for n in sc["nodes"]:
        members = n.get("cluster_nodes", [])
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                links.add(tuple(sorted((a, b))))
    for l in sc.get("links", []):
        links.add(tuple(sorted(l["between"])))
    return names, sorted(links)


def schedule(rng, sc, safe):
    """1-4 faults, each undone: a crash is followed by a restart, a link down by a link up.
    On safe scenarios everything is undone before 45% of the run, leaving time to recover."""
    names, links = nodes_and_links(sc)
    dur = sc["duration_s"]
    end = 0.45 * dur if safe else 0.9 * dur
    faults = []
    for _ in range(rng.randint(1, 4)):
        start = rng.uniform(0.05, end * 0.8)
        stop = min(end, start + rng.choice([rng.uniform(0.001, 0.05), rng.uniform(0.05, 2.5)]))
        if links and rng.random() < 0.5:
            a, b = rng.choice(links)
            faults += [f"{start:.6f}:link_down:{a}:{b}", f"{stop:.6f}:link_up:{a}:{b}"]
        else:
            n = rng.choice(names)
            faults += [f"{start:.6f}:crash:{n}"]
            if safe or rng.random() < 0.8:
                faults += [f"{stop:.6f}:restart:{n}"]
    return faults


def complete(trace):
    try:
        with open(trace) as f:
            lines = f.read().splitlines()
        return (len(lines) >= 2 and json.loads(lines[0]).get("type") == "header"
                and json.loads(lines[-1]).get("type") == "footer"), json.loads(lines[-1])
    except (OSError, ValueError):
        return False, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("brokersim")
    ap.add_argument("scenarios")
    ap.add_argument("safe")
    ap.add_argument("--runs", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    lessons = sorted(glob.glob(os.path.join(a.scenarios, "*.json")))
    safe = sorted(glob.glob(os.path.join(a.safe, "*.json")))
    passed = failed = 0
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        trace = os.path.join(tmp, "t.jsonl")
        for i in range(a.runs):
            is_safe = i % 3 == 0  # a third of the runs on the at-least-once scenarios
            path = rng.choice(safe if is_safe else lessons)
            sc = json.load(open(path))
            faults = schedule(rng, sc, is_safe)
            cmd = [a.brokersim, "run", path, "--quiet", "--trace", trace]
            for f in faults:
                cmd += ["--fault", f]
            rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True).returncode
            ok, footer = complete(trace)
            why = []
            if rc not in (0, 1):
                why.append(f"exit {rc}")
            if not ok:
                why.append("incomplete trace")
            if is_safe and ok:
                t = footer["totals"]
                if t["lost"] != 0:
                    why.append(f"lost {t['lost']}")
                if t["pending"] != 0:
                    why.append(f"pending {t['pending']}")
                if t.get("diverged", 0) != 0:  # in-sync replicas must agree below the high watermark
                    why.append(f"diverged {t['diverged']}")
                # Kafka transactions with read_committed readers: each input's output read once,
                # never an aborted one.
                if any("transactional_id" in n for n in sc["nodes"]):
                    if t.get("duplicate_outputs", 0) != 0 or t.get("aborted_read", 0) != 0:
                        why.append(f"duplicate outputs {t.get('duplicate_outputs')}, aborted read {t.get('aborted_read')}")
                if any(n["role"] == "store" for n in sc["nodes"]):  # idempotent consumers: one effect each
                    if t["duplicate_effects"] != 0 or t["effects_lost"] != 0 or t["effects"] != t["routed"]:
                        why.append(f"effects {t['effects']} of {t['routed']} routed, duplicate {t['duplicate_effects']}, "
                                   f"lost {t['effects_lost']}")
                    # Two-phase commit: each message committed by exactly one decision, and no
                    # participant left in doubt once the faults are undone.
                    if t.get("xa_commits", t["routed"]) != t["routed"]:
                        why.append(f"xa commits {t['xa_commits']} of {t['routed']} routed")
                    if "in_doubt_max_s" in t and t["in_doubt_max_s"] > 0.55 * sc["duration_s"]:
                        why.append(f"in doubt for {t['in_doubt_max_s']} s")
                    # An outbox: every state change published, every one with its effect.
                    if t["state_changes"] and (t["unpublished"] != 0 or t["effects"] != t["state_changes"]):
                        why.append(f"state changes {t['state_changes']}, unpublished {t['unpublished']}, effects {t['effects']}")
            if why:
                failed += 1
                print(f"FAIL {', '.join(why)}: {' '.join(cmd[:3])} " + " ".join(f"--fault {f}" for f in faults))
            else:
                passed += 1
            if os.path.exists(trace):
                os.remove(trace)
    print(f"soak: {a.runs} schedules in {time.monotonic() - t0:.1f} s wall")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
