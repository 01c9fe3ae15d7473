#!/usr/bin/env bash
# Regenerates the golden files that prove leakhound computes DevTools' numbers:
# for every program in testdata/golden/programs/*.js (except common.js) it
#   1. runs the program under node, which writes a heap snapshot of itself,
#   2. runs DevTools' own heap snapshot code (the oracle) on it in `nodes` and
#      `summary` modes,
#   3. stores in testdata/golden/: NAME.heapsnapshot.gz (the snapshot),
#      NAME.nodes.json.gz (id, retained size, distance, class of every node)
#      and NAME.summary.jsonl.gz (DevTools' Summary rows).
# Needs node and npm (once, for the oracle). The normal `go test ./...` only
# reads the committed files.
# Usage: scripts/golden/make.sh [PROGRAM...]   (default: all programs)
# GOLDEN_NODE=/path/to/node runs the programs under another Node.js version
# (the layout of snapshots differs between versions); GOLDEN_SUFFIX is then
# appended to the file names, e.g. GOLDEN_SUFFIX=-node16.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
oracle_home=${DEVTOOLS_ORACLE_HOME:-$root/../shared/tools/devtools-oracle}
oracle=$(bash "$oracle_home/setup.sh")/oracle.mjs
out=$root/testdata/golden
progs=("$@")
if [ ${#progs[@]} -eq 0 ]; then
  for p in "$out"/programs/*.js; do
    [ "$(basename "$p")" = common.js ] || progs+=("$(basename "$p" .js)")
  done
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node_bin=${GOLDEN_NODE:-node}
suffix=${GOLDEN_SUFFIX:-}
for prog in "${progs[@]}"; do
  name=$prog$suffix
  snap=$tmp/$name.heapsnapshot
  "$node_bin" --expose-gc "$out/programs/$prog.js" "$snap"
  node "$oracle" nodes "$snap" 2>/dev/null | node "$root/scripts/golden/compact.mjs" | gzip -9n > "$out/$name.nodes.json.gz"
  node "$oracle" summary "$snap" 2>/dev/null | gzip -9n > "$out/$name.summary.jsonl.gz"
  gzip -9n < "$snap" > "$out/$name.heapsnapshot.gz"
  echo "golden: $name ($(du -h "$snap" | cut -f1) snapshot, $(du -ch "$out/$name".*.gz | tail -1 | cut -f1) committed)"
done
