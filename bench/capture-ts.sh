#!/usr/bin/env bash
# Heap snapshot of a TypeScript-heavy node process, with and without the
# Debugger.enable that `leakhound capture` sends first (issue 5, item 2).
# Needs the npm registry once (installs typescript@5 into a temp dir); CI
# does not run this. Without Debugger.enable the snapshot takes minutes
# (more than 15 on node 20), so that half is capped by NO_ENABLE_TIMEOUT
# (default 300s; a timeout means "longer than that").
#   bench/capture-ts.sh
# The synthetic stand-in that needs no network:
#   go test ./internal/inspector -run '^$' -bench SnapshotBigScript -benchtime 1x
set -euo pipefail
cd "$(dirname "$0")/.."
deps=$(mktemp -d)
trap 'rm -rf "$deps"' EXIT
(cd "$deps" && npm install --silent --no-audit --no-fund typescript@5 >/dev/null)
export LEAKHOUND_TYPESCRIPT=1 NODE_PATH="$deps/node_modules"
echo "== with Debugger.enable"
go test ./internal/inspector -run '^$' -bench 'SnapshotBigScript/debugger-enable' -benchtime 1x | grep Benchmark
t=${NO_ENABLE_TIMEOUT:-300}
echo "== without Debugger.enable (capped at ${t}s)"
start=$(date +%s)
if timeout -s INT "$t" go test ./internal/inspector -run '^$' -bench 'SnapshotBigScript/no-debugger-enable' \
     -benchtime 1x -timeout "$((t + 60))s" | grep Benchmark; then :; else
  echo "no-debugger-enable: still running after $(( $(date +%s) - start ))s (stopped)"
fi
