#!/usr/bin/env bash
# Measures `leakhound serve` on one snapshot: how long until the page is
# ready, against `leakhound summary --json` on the same file, then p50/p95
# of each view on the server (BenchmarkViews in internal/web).
#   bench/web.sh SNAPSHOT
set -euo pipefail
cd "$(dirname "$0")/.."
snap=${1:?usage: bench/web.sh SNAPSHOT}
bin=$(mktemp -d)/leakhound
go build -o "$bin" ./cmd/leakhound
echo "snapshot: $snap ($(du -m "$snap" | cut -f1) MB); load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# ready FLAGS...: seconds from starting serve until /api/status says ready.
ready() {
  local out pid url t0 t1
  out=$(mktemp)
  t0=$(date +%s.%N)
  "$bin" serve --quiet "$@" "$snap" >"$out" 2>&1 &
  pid=$!
  url=""
  until [ -n "$url" ]; do url=$(grep -o 'http://[^ ]*' "$out" || true); sleep 0.05; done
  until curl -s "${url}api/status" | grep -q '"ready": true'; do
    kill -0 $pid 2>/dev/null || { cat "$out"; exit 1; }
    sleep 0.1
  done
  t1=$(date +%s.%N)
  kill $pid
  wait $pid 2>/dev/null || true
  echo "$t1 - $t0" | bc
}
summary() {
  local t0 t1
  t0=$(date +%s.%N)
  "$bin" summary --json --quiet "$@" "$snap" >/dev/null
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}

# Without the snapshot index (--no-index): parse and analyse every time.
echo "summary --json --no-index: $(summary --no-index) s"
echo "serve --no-index, until ready: $(ready --no-index) s"
# With it (docs/index.md): the first run writes it, the next ones read it.
idx=$(mktemp -d)
echo "summary --json, writing the index: $(summary --index-dir "$idx") s"
echo "summary --json, from the index: $(summary --index-dir "$idx") s"
echo "serve, from the index, until ready: $(ready --index-dir "$idx") s"
rm -rf "$idx"

LEAKHOUND_BENCH_SNAPSHOT=$snap go test ./internal/web -run '^$' -bench Views -benchtime 1x -v | grep -E 'ready after|first|p50'
