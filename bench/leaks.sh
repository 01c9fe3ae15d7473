#!/usr/bin/env bash
# Measures `leakhound leaks` on a series of 3 snapshots of one process
# against `leakhound summary` of one of them (the issue's bar: the series
# analysis costs about 3 summaries). Snapshots come from
# bench/leak-series.js (a mixed heap with a growing listener leak).
#
#   bench/leaks.sh [SIZE_MB]      default 200; prints a Markdown table row set
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-200}
work=${LEAKHOUND_BENCH_DIR:-$repo/bench/work}
dir="$work/leak-series-$size"
mkdir -p "$work"
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
(cd "$repo" && go build -o "$work/leakhound" ./cmd/leakhound)
if [ ! -f "$dir/s3.heapsnapshot" ]; then
  echo "writing 3 snapshots of ~$size MB into $dir" >&2
  node --max-old-space-size=16384 "$repo/bench/leak-series.js" "$dir" "$size" >&2
fi
measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" > /dev/null
  read -r wall rss < "$work/time.txt"
  printf '| %s | %s | %d |\n' "$label" "$wall" $((rss / 1024))
}
echo "| run | wall (s) | peak RSS (MB) |"
echo "| --- | ---: | ---: |"
measure "summary s3 ($(du -m "$dir/s3.heapsnapshot" | cut -f1) MB)" "$work/leakhound" summary "$dir/s3.heapsnapshot" --json --quiet
measure "leaks s1 s2 s3" "$work/leakhound" leaks "$dir" --json --quiet
