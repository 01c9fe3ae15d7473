#!/usr/bin/env bash
# Regenerates the Chrome golden files: heap snapshots written by a real
# browser (Debian's chromium) of testdata/browser/leaky.html, a list view that
# leaks detached DOM rows, checked against DevTools' own code (the oracle).
#   testdata/golden/chrome-leaky.*           the snapshot after 2 x 3 redraws,
#                                            with DevTools' per-node numbers,
#                                            Summary rows (TestGolden reads them)
#                                            and Statistics (stats.json, read by
#                                            TestGoldenStatistics)
#   testdata/browser/leaky-1.heapsnapshot.gz the snapshot after the first 3
#                                            redraws, from the same inspector
#                                            session, so that with the golden
#                                            it is a 2-snapshot series of one
#                                            page (internal/leak's Chrome test)
# Both snapshots are taken in ONE inspector session: V8 forgets its object
# ids when a session ends, so snapshots from separate sessions (e.g. two
# `leakhound capture` runs) cannot be compared. A third snapshot taken with
# `leakhound capture` checks that capture works on a page target.
# Needs chromium (apt-get install chromium), node, npm (once, for the
# oracle) and go. `go test ./...` only reads the committed files.
#
# make-chrome.sh --check compares instead, without committing anything: a
# snapshot of every page of testdata/browser (rich.html has iframes, shadow
# DOM, SVG, WeakMap/WeakRef of elements) against DevTools, node by node
# (TestGolden with LEAKHOUND_GOLDEN_DIR). Run it after a Chromium upgrade.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
oracle_home=${DEVTOOLS_ORACLE_HOME:-$root/../shared/tools/devtools-oracle}
oracle=$(bash "$oracle_home/setup.sh")/oracle.mjs
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chrome() { node --experimental-websocket --no-warnings "$root/scripts/golden/chrome.mjs" "$@"; }
golden() { # SNAPSHOT OUT: the oracle's files for SNAPSHOT, named OUT.*
  node "$oracle" nodes "$1" 2>/dev/null | node "$root/scripts/golden/compact.mjs" | gzip -9n > "$2.nodes.json.gz"
  node "$oracle" summary "$1" 2>/dev/null | gzip -9n > "$2.summary.jsonl.gz"
  gzip -9n < "$1" > "$2.heapsnapshot.gz"
  node "$root/scripts/golden/stats.mjs" "$(dirname "$oracle")" "$1" 2>/dev/null > "$2.stats.json"
}

if [ "${1:-}" = --check ]; then
  mkdir "$tmp/golden"
  for page in "$root"/testdata/browser/*.html; do
    page=$(basename "$page" .html)
    chrome --page "$page" --out "$tmp/$page" --snapshots 1 --rounds 3 --rows 20
    golden "$tmp/$page/$page-1.heapsnapshot" "$tmp/golden/check-$page"
  done
  cd "$root" && LEAKHOUND_GOLDEN_DIR=$tmp/golden go test -count=1 -run 'TestGolden(Statistics)?/check-' -v ./internal/heapgraph | grep -E '^(\s*--- |ok|FAIL)'
  exit "${PIPESTATUS[0]}"
fi

# A series of one page in one session: 3 redraws of 20 rows before each.
chrome --page leaky --out "$tmp/series" --snapshots 2 --rounds 3 --rows 20
gzip -9n < "$tmp/series/leaky-1.heapsnapshot" > "$root/testdata/browser/leaky-1.heapsnapshot.gz"
snap=$tmp/series/leaky-2.heapsnapshot
out=$root/testdata/golden/chrome-leaky
golden "$snap" "$out"

# leakhound capture on a page target (ws://127.0.0.1:PORT/devtools/page/ID).
(cd "$root" && go build -o "$tmp/leakhound" ./cmd/leakhound)
chrome --page leaky --out "$tmp/capture" --snapshots 1 --capture "$tmp/leakhound"
"$tmp/leakhound" summary --quiet --top 3 "$tmp/capture/leaky-1.heapsnapshot" > /dev/null
du -ch "$out".*.gz "$root/testdata/browser/leaky-1.heapsnapshot.gz" | tail -1 | sed 's/total/committed/'
