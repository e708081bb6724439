#!/bin/sh
# expect_output.sh PATTERN COMMAND ARGS...
# Passes if COMMAND exits 0 and its stdout contains PATTERN.
pattern=$1
shift
out=$("$@")
rc=$?
echo "exit $rc; stdout: $out"
[ "$rc" -eq 0 ] || { echo "command failed" >&2; exit 1; }
case "$out" in
  *"$pattern"*) exit 0 ;;
  *) echo "stdout does not contain: $pattern" >&2; exit 1 ;;
esac
