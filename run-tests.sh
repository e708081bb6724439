#!/usr/bin/env bash
# Set up (Debian packages, build) and run the whole test suite: unit tests, every
# lesson as a regression test, bad input, determinism, GUI screenshots under Xvfb and
# the notebooks.
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
"$root/.ci/deps.sh"
"$root/.ci/build.sh"
cd "$root/build"
ctest --output-on-failure -j"$(nproc)"
