#!/usr/bin/env bash
# Execute a notebook headless (as CI does); fails if any cell raises.
# Usage: notebooks/run_notebook.sh NOTEBOOK.ipynb path/to/brokersim
set -euo pipefail
nb="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
export BROKERSIM="$2"
export PYDEVD_DISABLE_FILE_VALIDATION=1
export BROKERSIM_ROOT="$(cd "$(dirname "$0")/.." && pwd)"
out="$(mktemp -d)"; trap 'rm -rf "$out"' EXIT
cd "$(dirname "$nb")"
# Debian's Jupyter and kernel (/usr/bin/python3 has pandas and matplotlib).
/usr/bin/python3 -m nbconvert --to notebook --execute --ExecutePreprocessor.timeout=600 \
  --output-dir "$out" "$nb"

