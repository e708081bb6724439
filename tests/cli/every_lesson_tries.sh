#!/usr/bin/env bash
# Every lesson in scenarios/ has a try_this: the experiment its page suggests, with a
# prediction `brokersim check --try` enforces (each has its own "try: NAME" test).
set -u
dir="$1"
python3 - "$dir" <<'PY'
import glob, json, os, sys
missing = [os.path.basename(p) for p in sorted(glob.glob(os.path.join(sys.argv[1], "*.json")))
           if "try_this" not in json.load(open(p))]
for m in missing:
    print(f"FAIL {m}: no \"try_this\" (docs/scenario-format.md, \"Try this\")")
print(f"{len(glob.glob(os.path.join(sys.argv[1], '*.json'))) - len(missing)} lessons with a try_this, {len(missing)} without")
sys.exit(1 if missing else 0)
PY
