#!/usr/bin/env bash
# CI's sanitizer job: build with clang, AddressSanitizer and UndefinedBehaviorSanitizer
# (CMakePresets.json, preset "sanitize": SimGrid on thread contexts, the LSan suppression
# file for Mesa's GLX leak) and run the whole ctest suite under it. Prints its wall time.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/.ci/deps.sh"
start=$(date +%s)
cd "$root"
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize -j"$(nproc)"
built=$(date +%s)
ctest --preset sanitize -j"$(nproc)"
end=$(date +%s)
echo "sanitizer job: build $((built - start)) s, tests $((end - built)) s, total $((end - start)) s"
