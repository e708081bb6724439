#!/usr/bin/env python3
"""The scenario JSON Schema agrees with the loader, key by key.

Usage: schema_agrees.py BROKERSIM_SCHEMA_KEYS SOURCE_DIR

brokersim_schema_keys prints, for one scenario, every object the loader checks with
expect_object and the keys it accepts there (tests/schema/record_keys.cpp). For every
lesson in scenarios/ and every good scenario under tests/, and its try_this variant:
  (a) the schema validates the document;
  (b) each key the loader refuses at a recorded object (an unknown name, and every
      property name the schema declares anywhere else), added there, gets an
      additional/unevaluated property error at that object;
  (c) each key the loader accepts there, when added, gets none for it. A property whose
      value fails its own schema counts as unevaluated (JSON Schema drops the annotations
      of a failed keyword), so the key is tried with candidate values: those it has in
      the good scenarios, then a minimal value built from each schema the schema
      file gives a property of that name; one must pass.
Then: (d) the schema refuses every file of the bad-input corpus tests/cli/bad/ except
those listed in tests/schema/not_schema_errors.txt (cross references and rules a schema
cannot state), which it must accept; (e) the schema's metric names are the checker's.
Uses Debian's python3-jsonschema (Draft202012Validator).
"""
import ast
import copy
import glob
import json
import os
import re
import subprocess
import sys

from jsonschema import Draft202012Validator

UNKNOWN = "zz_not_a_scenario_key"


def all_errors(errors):
    for e in errors:
        yield e
        yield from all_errors(e.context or [])


def property_errors(validator, doc):
    """{(instance path as a tuple, key)} of every additional/unevaluated property error."""
    out = set()
    for e in all_errors(validator.iter_errors(doc)):
        if e.validator not in ("additionalProperties", "unevaluatedProperties"):
            continue
        m = re.search(r"\((.*) (?:was|were) unexpected\)$", e.message)
        assert m, e.message
        for key in ast.literal_eval("[" + m.group(1) + "]"):
            out.add((tuple(e.absolute_path), key))
    return out


def resolve(doc, path):
    """The loader's JSON path ("$.nodes[2].queues[0]", "$.expect.consumers.c1.processed")
    as a list of keys and indices into doc. A key may contain dots, so every split is
    tried against the document."""
    assert path.startswith("$")

    def walk(node, rest):
        if rest == "":
            return []
        m = re.match(r"\[(\d+)\]", rest)
        if m and isinstance(node, list):
            i = int(m.group(1))
            sub = walk(node[i], rest[m.end():]) if i < len(node) else None
            return None if sub is None else [i] + sub
        if rest.startswith(".") and isinstance(node, dict):
            for key in sorted(node, key=len, reverse=True):
                if rest[1:].startswith(key):
                    sub = walk(node[key], rest[1 + len(key):])
                    if sub is not None:
                        return [key] + sub
        return None

    out = walk(doc, path[1:])
    if out is None:
        raise KeyError(f"{path} not found in the document")
    return out


def at(doc, segs):
    for s in segs:
        doc = doc[s]
    return doc


def context_of(doc, segs):
    """What the schema's choice of sub-schema depends on: the model, whether a controller
    exists (Kafka KRaft), and the role of the node the object belongs to."""
    nodes = doc.get("nodes", [])
    role = None
    if len(segs) >= 2 and segs[0] == "nodes":
        role = nodes[segs[1]].get("role")
    shape = tuple("[]" if isinstance(s, int) else s for s in segs)
    if shape[:1] in (("expect",),) or shape[:2] == ("try_this", "expect"):
        shape = shape[:shape.index("expect") + 1] + ("*",)
    kraft = any(isinstance(n, dict) and n.get("role") == "controller" for n in nodes)
    return (doc.get("model", "queue"), kraft, role, shape)


def walk_values(node, out):
    """Every value each key name has anywhere in `node`, into out[key]."""
    if isinstance(node, dict):
        for k, v in node.items():
            if v not in out.setdefault(k, []):
                out[k].append(v)
            walk_values(v, out)
    elif isinstance(node, list):
        for v in node:
            walk_values(v, out)


def sample(schema, root, depth=0):
    """A small value `schema` accepts, built from its own keywords (no validation)."""
    if depth > 20 or not isinstance(schema, dict):
        return None
    if "$ref" in schema:
        target = root
        for part in schema["$ref"].lstrip("#/").split("/"):
            target = target[part]
        return sample(target, root, depth + 1)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for k in ("anyOf", "oneOf", "allOf"):
        if k in schema and "type" not in schema:
            return sample(schema[k][0], root, depth + 1)
    t = schema.get("type")
    t = t[0] if isinstance(t, list) else t
    if t == "object":
        props = schema.get("properties", {})
        return {r: sample(props.get(r, {}), root, depth + 1) for r in schema.get("required", [])}
    if t == "array":
        return [sample(schema.get("items", {}), root, depth + 1)] * schema.get("minItems", 0)
    if t == "string":
        return "x" * max(1, schema.get("minLength", 1)) if "pattern" not in schema else "0"
    if t in ("integer", "number"):
        return schema.get("minimum", schema.get("exclusiveMinimum", -1) + 1)
    if t == "boolean":
        return False
    return None


def property_samples(node, root, out):
    """For each property name the schema declares anywhere: sample values of its schemas."""
    if isinstance(node, dict):
        for k, v in node.get("properties", {}).items() if isinstance(node.get("properties"), dict) else []:
            value = sample(v, root)
            if value not in out.setdefault(k, []):
                out[k].append(value)
        for v in node.values():
            property_samples(v, root, out)
    elif isinstance(node, list):
        for v in node:
            property_samples(v, root, out)


def main():
    tool, src = sys.argv[1], sys.argv[2]
    schema = json.load(open(os.path.join(src, "scenarios/schema/scenario.schema.json")))
    Draft202012Validator.check_schema(schema)
    v = Draft202012Validator(schema)
    problems = []

    # (e) metric names
    metrics = json.loads(subprocess.run([tool, "--metrics"], check=True, capture_output=True, text=True).stdout)
    enum = schema["$defs"]["expect"]["propertyNames"]["anyOf"][0]["enum"]
    if sorted(enum) != sorted(metrics):
        problems.append(f"expect metric names: schema lacks {sorted(set(metrics) - set(enum))}, "
                        f"has extra {sorted(set(enum) - set(metrics))}")

    goods = sorted(glob.glob(os.path.join(src, "scenarios/*.json")))
    for d in ("tests/log", "tests/net", "tests/soak"):
        goods += sorted(glob.glob(os.path.join(src, d, "*.json")))
    goods.append(os.path.join(src, "tests/gui/large_queue.json"))

    seen_values = {}
    for f in goods:
        walk_values(json.load(open(f)), seen_values)
    samples = {}
    property_samples(schema, schema, samples)

    objects = keys_checked = keys_refused = scenarios = 0
    done = set()
    for f in goods:
        name = os.path.relpath(f, src)
        r = subprocess.run([tool, f], capture_output=True, text=True)
        if r.returncode != 0:
            problems.append(f"{name}: the loader refuses it: {r.stderr.strip()}")
            continue
        scenarios += 1
        lesson = json.load(open(f))
        docs = {"lesson": lesson}
        records = []
        for line in r.stdout.splitlines():
            j = json.loads(line)
            if "variant_document" in j:
                docs["variant"] = j["variant_document"]
            else:
                records.append(j)
        for which, doc in docs.items():  # (a)
            for e in v.iter_errors(doc):
                problems.append(f"{name} ({which}): {e.json_path}: {e.message[:200]}")
        for rec in records:
            # try_this is read from the lesson, even while the variant is checked.
            which = "lesson" if rec["path"].startswith("$.try_this") else rec["doc"]
            doc = docs[which]
            segs = resolve(doc, rec["path"])
            objects += 1
            sig = (context_of(doc, segs), tuple(sorted(rec["keys"])))
            if sig in done:
                continue
            done.add(sig)
            where = f"{name} ({which}) {rec['path']}"
            # (b) keys the loader refuses, all at once, each with each of its sample values
            obj = at(doc, segs)
            refused = [k for k in [UNKNOWN] + sorted(samples) if k not in rec["keys"] and k not in obj]
            rounds = max(len(samples.get(k, [1])) for k in refused)
            missed = set()
            for r in range(rounds):
                bad = copy.deepcopy(doc)
                for k in refused:
                    values = samples.get(k, [1])
                    at(bad, segs)[k] = values[min(r, len(values) - 1)]
                found = property_errors(v, bad)
                missed |= {k for k in refused if (tuple(segs), k) not in found}
            keys_refused += len(refused)
            for k in sorted(missed):
                problems.append(f"{where}: the loader refuses key \"{k}\", the schema accepts it")
            # (c) every key the loader accepts
            for key in rec["keys"]:
                keys_checked += 1
                if key in obj:
                    continue  # present, and (a) found no error
                ok = copy.deepcopy(doc)
                for value in seen_values.get(key, []) + samples.get(key, [None]):
                    at(ok, segs)[key] = value
                    if (tuple(segs), key) not in property_errors(v, ok):
                        break
                else:
                    problems.append(f"{where}: the loader accepts key \"{key}\", the schema refuses it")

    # (d) the bad-input corpus
    listed = {}
    for line in open(os.path.join(src, "tests/schema/not_schema_errors.txt")):
        line = line.strip()
        if line and not line.startswith("#"):
            fname, _, why = line.partition(" ")
            if not why.strip():
                problems.append(f"not_schema_errors.txt: {fname} has no reason")
            listed[fname] = why
    bads = sorted(glob.glob(os.path.join(src, "tests/cli/bad/*.json")))
    refused = not_json = 0
    for f in bads:
        fname = os.path.basename(f)
        try:
            doc = json.loads(open(f, encoding="utf-8").read())
            accepted = not any(True for _ in v.iter_errors(doc))
        except (ValueError, UnicodeDecodeError):
            accepted = False  # not JSON at all: no validator takes it
            not_json += 1
        refused += not accepted
        if accepted and fname not in listed:
            problems.append(f"bad input {fname}: the loader refuses it, the schema accepts it")
        if not accepted and fname in listed:
            problems.append(f"bad input {fname}: listed in not_schema_errors.txt, but the schema refuses it")
    for fname in listed:
        if not os.path.exists(os.path.join(src, "tests/cli/bad", fname)):
            problems.append(f"not_schema_errors.txt: no such file tests/cli/bad/{fname}")

    print(f"{scenarios} scenarios (and their try_this variants) valid; {objects} objects the loader checks, "
          f"{len(done)} distinct (model, role, path, key set): {keys_checked} accepted keys and {keys_refused} refused "
          f"ones checked there; "
          f"bad input: {refused} of {len(bads)} refused ({not_json} not JSON), {len(listed)} left to the loader")
    for p in problems:
        print("MISMATCH " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
