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

t0=$(date +%s.%N)
"$bin" summary --json --quiet "$snap" >/dev/null
t1=$(date +%s.%N)
echo "summary --json: $(echo "$t1 - $t0" | bc) s"

out=$(mktemp)
t0=$(date +%s.%N)
"$bin" serve --quiet "$snap" >"$out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
url=""
until [ -n "$url" ]; do url=$(grep -o 'http://[^ ]*' "$out" || true); sleep 0.05; done
until curl -s "${url}api/status" | grep -q '"ready": true'; do
  kill -0 $pid 2>/dev/null || { cat "$out"; exit 1; }
  sleep 0.1
done
t1=$(date +%s.%N)
echo "serve until ready: $(echo "$t1 - $t0" | bc) s"
kill $pid

LEAKHOUND_BENCH_SNAPSHOT=$snap go test ./internal/web -run '^$' -bench Views -benchtime 1x -v | grep -E 'ready after|first|p50'
