#!/usr/bin/env bash
# Runs the tests that drive node under each node given, one after the other
# (the same test binaries: internal/nodetest reads LEAKHOUND_NODE). The
# heavy tests that only read committed files (synthetic and truncated
# snapshots, the committed goldens, fuzz seeds) are skipped: they do not
# depend on node and ran once in the main `go test ./...`.
# Usage: scripts/test-node-matrix.sh NODE...   (paths of node binaries)
#   LEAKHOUND_ORACLE=.../oracle.mjs also checks DevTools parity on each
#   node's own snapshots (TestGoldenLive); see scripts/golden/make.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || { echo "usage: scripts/test-node-matrix.sh NODE..." >&2; exit 2; }
# Every package with a test that starts node.
pkgs=(./examples/case-study ./internal/heapsnapshot ./internal/heapgraph ./internal/leak
      ./internal/gctrace ./internal/inspector ./internal/watch ./internal/cli)
skip='^(Fuzz.*|TestSynthetic.*|TestTruncated.*|TestGolden|TestPathStepsCarryTheirEdge)$'
failed=()
for node in "$@"; do
  v=$("$node" --version)
  echo "=== node $v ($node)"
  vskip=$skip
  major=${v#v}; major=${major%%.*}
  if [ "$major" -ge 24 ]; then
    # Known: V8 13+ prints -nvp and -verbose GC lines internal/gctrace does
    # not recognise yet (issue 12, GC logs); docs/node-versions.md.
    vskip="${skip%)\$}|TestRealHealthyVerbose|TestRealLeakNVPIgnoreScavenger)\$"
    echo "=== node $v: known gap skipped: TestRealHealthyVerbose, TestRealLeakNVPIgnoreScavenger (GC trace formats of V8 13+)"
  fi
  start=$(date +%s)
  if LEAKHOUND_NODE=$node go test -count=1 -skip "$vskip" "${pkgs[@]}"; then
    echo "=== node $v: ok in $(( $(date +%s) - start ))s"
  else
    echo "=== node $v: FAILED after $(( $(date +%s) - start ))s"
    failed+=("$v")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "node versions with failing tests: ${failed[*]}"
  exit 1
fi
