#!/usr/bin/env bash
# Runs `leakhound leaks` on a 3-snapshot series (one inspector session) of
# every page of testdata/browser in headless Chromium and prints each
# report's first suspect: what the browser support is expected to find.
#   leaky            detached-dom Detached <li> held by a Map
#   undo-history     detached-dom Detached <div> held by an Array
#   window-listener  event-listener on the Window naming Detached <li>
#   components#leak  unbounded-collection Row (each keeps a Detached <li>)
#   components, healthy  no suspect (the controls)
#   rich             grows its document on purpose (a WeakMap of its cards)
# Needs chromium, node and go; not run by `go test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && go build -o "$tmp/leakhound" ./cmd/leakhound)
run() { # PAGE [HASH]
  local out=$tmp/${1}${2:+-leak}
  node --experimental-websocket --no-warnings "$root/scripts/golden/chrome.mjs" \
    --page "$1" --hash "${2:-}" --out "$out" --snapshots 3 --rounds 3 --rows 20 2>/dev/null
  echo "== $1${2:-}"
  "$tmp/leakhound" leaks --quiet "$out/$1"-{1,2,3}.heapsnapshot | sed -n '/^#1 /,/fix:/p;/No leak suspects/p'
}
run leaky
run undo-history
run window-listener
run components '#leak'
run components
run healthy
run rich
