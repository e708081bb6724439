#!/usr/bin/env bash
# Set up (Debian packages, build) and run one lesson headless, printing its summary.
# Usage: ./run-lesson.sh [scenarios/NN-lesson.json] [extra brokersim run options]
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
"$root/.ci/deps.sh"
"$root/.ci/build.sh" >/dev/null
scenario="${1:-$root/scenarios/03-ack-redelivery.json}"
shift || true
exec "$root/build/sim/brokersim" run "$scenario" "$@"
