#!/usr/bin/env bash
# Measures `leakhound leaks FILE` (the single-snapshot analysis) against
# `leakhound summary FILE` on one big snapshot from bench/make-snapshot.js
# (the issue's bar: at most ~1.5x summary). Runs each ROUNDS times,
# alternating, and prints a Markdown table of every run. CPU time is shown
# beside wall time: on a shared machine the wall time mostly measures the
# other work.
#
#   bench/one-snapshot.sh [SIZE_MB] [ROUNDS]     defaults 1000 and 3
#   LEAKHOUND_BENCH_SNAPSHOT=file.heapsnapshot   use an existing snapshot
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
size=${1:-1000}
rounds=${2:-3}
work=${LEAKHOUND_BENCH_DIR:-$repo/bench/work}
mkdir -p "$work"
snap=${LEAKHOUND_BENCH_SNAPSHOT:-$work/snap-${size}MB.heapsnapshot}
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time >/dev/null; }
(cd "$repo" && go build -o "$work/leakhound" ./cmd/leakhound)
if [ ! -f "$snap" ]; then
  echo "writing a ~$size MB snapshot to $snap" >&2
  node --max-old-space-size=20000 "$repo/bench/make-snapshot.js" "$snap" "$size" >&2
fi
measure() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" "$@" > /dev/null
  read -r wall user sys rss < "$work/time.txt"
  printf '| %s | %s | %s | %d |\n' "$label" "$wall" "$(echo "$user + $sys" | bc)" $((rss / 1024))
}
echo "snapshot: $(du -m "$snap" | cut -f1) MB; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| run | wall (s) | CPU user+sys (s) | peak RSS (MB) |"
echo "| --- | ---: | ---: | ---: |"
for i in $(seq "$rounds"); do
  measure "summary --json ($i)" "$work/leakhound" summary "$snap" --json --quiet
  measure "leaks FILE --json ($i)" "$work/leakhound" leaks "$snap" --json --quiet
done
