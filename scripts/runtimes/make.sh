#!/usr/bin/env bash
# Takes heap snapshots with the other runtimes people point leakhound at and
# checks that leakhound reads them:
#   Bun  (npm @oven/bun-linux-x64): a V8-format snapshot, Bun.generateHeapSnapshot("v8"),
#        and its default JavaScriptCore one, which leakhound must refuse (exit 2);
#   Deno (npm @deno/linux-x64-glibc): a V8 snapshot through node:v8.
# The binaries come from the npm registry with `npm pack` (no install scripts, no
# downloads from elsewhere) into a cache folder that later runs reuse. Electron is
# not covered: its npm package downloads the binary from GitHub at install time.
# Each V8 snapshot is checked against DevTools' own numbers (the oracle of
# scripts/golden/make.sh): a golden set under 300 KB goes to testdata/golden (the
# normal `go test ./...` then checks it), a bigger one stays in the cache folder and
# is checked here through LEAKHOUND_GOLDEN_DIR. The JavaScriptCore snapshot goes to
# testdata/runtimes for the refusal test.
# Usage: scripts/runtimes/make.sh [CACHE-DIR]   (default ~/.cache/leakhound-runtimes)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/leakhound-runtimes}
BUN_VERSION=${BUN_VERSION:-1.4.5}
DENO_VERSION=${DENO_VERSION:-2.9.6}
case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) bunpkg=@oven/bun-linux-x64 denopkg=@deno/linux-x64-glibc ;;
  Linux/aarch64) bunpkg=@oven/bun-linux-aarch64 denopkg=@deno/linux-arm64-glibc ;;
  *) echo "runtimes: no npm binaries for $(uname -s)/$(uname -m) here" >&2; exit 2 ;;
esac
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

# fetch PKG VERSION BIN-IN-PACKAGE: prints the binary's path.
fetch() {
  local d=$cache/${1//\//_}-$2
  if [ ! -x "$d/package/$3" ]; then
    rm -rf "$d" && mkdir -p "$d"
    (cd "$d" && npm pack --silent "$1@$2" >/dev/null && tar xzf ./*.tgz && rm -f ./*.tgz)
  fi
  echo "$d/package/$3"
}
bun=$(fetch "$bunpkg" "$BUN_VERSION" bin/bun)
deno=$(fetch "$denopkg" "$DENO_VERSION" deno)
echo "runtimes: bun $("$bun" --version), $("$deno" --version | head -1)"

snaps=$cache/snapshots
rm -rf "$snaps" && mkdir -p "$snaps"
"$bun" "$here/bun-v8.js" "$snaps/bun-$BUN_VERSION-v8.heapsnapshot"
"$bun" "$here/bun-jsc.js" "$snaps/bun-$BUN_VERSION-jsc.json"
DENO_DIR=$cache/deno-dir DENO_NO_UPDATE_CHECK=1 "$deno" run --quiet --allow-write "$here/deno-v8.mjs" "$snaps/deno-$DENO_VERSION.heapsnapshot"

oracle_home=${DEVTOOLS_ORACLE_HOME:-$root/../shared/tools/devtools-oracle}
oracle=$(bash "$oracle_home/setup.sh")/oracle.mjs
big=$cache/golden
rm -rf "$big" && mkdir -p "$big"
gzip -9nc "$snaps/bun-$BUN_VERSION-jsc.json" > "$root/testdata/runtimes/bun-jsc.json.gz"
for f in "$snaps"/*.heapsnapshot; do
  name=$(basename "$f" .heapsnapshot)
  node "$oracle" nodes "$f" 2>/dev/null | node "$root/scripts/golden/compact.mjs" | gzip -9n > "$big/$name.nodes.json.gz"
  node "$oracle" summary "$f" 2>/dev/null | gzip -9n > "$big/$name.summary.jsonl.gz"
  gzip -9n < "$f" > "$big/$name.heapsnapshot.gz"
  size=$(cat "$big/$name".* | wc -c)
  if [ "$size" -lt 300000 ]; then
    mv "$big/$name".* "$root/testdata/golden/"
    echo "runtimes: $name: $size bytes of golden files -> testdata/golden"
  else
    echo "runtimes: $name: $size bytes of golden files, too big to commit; checked from $big"
  fi
done
cd "$root"
LEAKHOUND_GOLDEN_DIR=$big go test -count=1 -run 'TestGolden$' ./internal/heapgraph
go test -count=1 -run 'TestRuntimeSnapshots' ./internal/cli
