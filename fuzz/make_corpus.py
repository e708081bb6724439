#!/usr/bin/env python3
"""Seed corpora for the fuzz harnesses, made from the repository (never kept in it).

Usage: make_corpus.py SOURCE_DIR OUT_DIR [--brokersim BIN]

Writes OUT_DIR/corpus/<harness>/ (rewritten each time) and makes OUT_DIR/found/<harness>/
(where libFuzzer keeps the inputs it finds; left alone). Seeds:
  scenario        every scenarios/*.json and tests/**/*.json (lessons, bad input, soaks)
  model_<m>       those whose "model" is that model's (no "model": the queue model)
  trace           tests/**/*.jsonl and, with --brokersim, the trace of one lesson per model,
                  each cut to its first lines and footer (a seed of a few KiB fuzzes faster)
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

MODELS = {  # harness -> the scenario "model" values it is seeded with
    "model_queue": {"queue"},
    "model_log": {"log"},
    "model_activemq": {"activemq"},
    "model_kinesis": {"kinesis"},
    "model_lease": {"sqs", "pubsub", "servicebus"},
}
TRACE_LINES = 100  # lines kept of a trace (plus its footer): small seeds fuzz faster


def cut_trace(data):
    lines = data.splitlines(keepends=True)
    return b"".join(lines[:TRACE_LINES] + (lines[-1:] if len(lines) > TRACE_LINES else []))


def model_of(path):
    try:
        doc = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(doc, dict):
        return None
    m = doc.get("model", "queue")
    return m if isinstance(m, str) else None


def put(out, name, data):
    (out / name).write_bytes(data)


def lesson_traces(src, out, brokersim, cache):
    """One lesson per model (the first by file name), run and cut; cached by content."""
    first = {}
    for p in sorted((src / "scenarios").glob("*.json")):
        m = model_of(p)
        if m and m not in first:
            first[m] = p
    cache.mkdir(parents=True, exist_ok=True)
    for m, lesson in sorted(first.items()):
        stamp = f"{os.path.getmtime(brokersim)}:{os.path.getsize(brokersim)}".encode()  # a rebuilt brokersim re-runs
        key = hashlib.sha1(lesson.read_bytes() + stamp).hexdigest()[:16]
        cut = cache / f"lesson-{m}-{key}.jsonl"
        if not cut.exists():
            full = cache / "full.jsonl"
            try:
                subprocess.run([brokersim, "run", str(lesson), "--trace", str(full), "--quiet"], check=False,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
                lines = full.read_bytes().splitlines(keepends=True)
            except (OSError, subprocess.TimeoutExpired):
                continue
            if not lines:
                continue
            cut.write_bytes(cut_trace(b"".join(lines)))
        put(out, f"lesson-{m}-{lesson.stem}.jsonl", cut.read_bytes())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("source")
    ap.add_argument("out")
    ap.add_argument("--brokersim")
    a = ap.parse_args()
    src, root = Path(a.source), Path(a.out)
    harnesses = ["scenario", "trace", *MODELS]
    dirs = {}
    for h in harnesses:
        d = root / "corpus" / h
        shutil.rmtree(d, ignore_errors=True)
        d.mkdir(parents=True)
        (root / "found" / h).mkdir(parents=True, exist_ok=True)
        dirs[h] = d

    scenarios = sorted((src / "scenarios").glob("*.json")) + sorted((src / "tests").rglob("*.json"))
    for p in scenarios:
        name = str(p.relative_to(src)).replace("/", "_")
        put(dirs["scenario"], name, p.read_bytes())
        m = model_of(p)
        for h, models in MODELS.items():
            if m in models:
                put(dirs[h], name, p.read_bytes())
    for p in sorted((src / "tests").rglob("*.jsonl")):
        put(dirs["trace"], str(p.relative_to(src)).replace("/", "_"), cut_trace(p.read_bytes()))
    if a.brokersim and os.path.exists(a.brokersim):
        lesson_traces(src, dirs["trace"], a.brokersim, root / "lesson-traces")
    counts = ", ".join(f"{h} {len(list(dirs[h].iterdir()))}" for h in harnesses)
    print(f"fuzz seed corpora: {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
