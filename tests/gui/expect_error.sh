#!/bin/sh
# expect_error.sh PATTERN COMMAND ARGS...
# Passes if COMMAND exits non-zero (but does not crash) and its stderr contains PATTERN.
pattern=$1
shift
err=$("$@" 2>&1 >/dev/null)
rc=$?
echo "exit $rc; stderr: $err"
if [ "$rc" -eq 0 ]; then echo "expected a failure exit" >&2; exit 1; fi
if [ "$rc" -ge 128 ]; then echo "crashed (signal $((rc - 128)))" >&2; exit 1; fi
case "$err" in
  *"$pattern"*) exit 0 ;;
  *) echo "stderr does not mention: $pattern" >&2; exit 1 ;;
esac
