#!/usr/bin/env bash
# Proves the suite does not flake under CPU load: runs `go test -count=3 ./...`
# (or the go test arguments given) while one busy loop per core keeps every
# core at 100%. The hogs are killed on exit, however the script ends.
# Usage: scripts/stress-test.sh [GO-TEST-ARGS...]
#   e.g. scripts/stress-test.sh -count=1 ./internal/watch
# STRESS_HOGS overrides the number of busy loops (default: nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
hogs=${STRESS_HOGS:-$(nproc)}
pids=()
stop_hogs() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap stop_hogs EXIT
trap 'exit 130' INT TERM
for _ in $(seq "$hogs"); do
  (trap - EXIT INT TERM; while :; do :; done) &
  pids+=($!)
done
[ $# -gt 0 ] || set -- -count=3 ./...
echo "stress: $hogs busy loops on $(nproc) cores; go test -timeout 60m $*" >&2
start=$(date +%s)
rc=0
go test -timeout 60m "$@" || rc=$?
echo "stress: go test exited $rc after $(( $(date +%s) - start ))s" >&2
exit $rc
