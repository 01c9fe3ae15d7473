#!/usr/bin/env bash
# How leakhound's cold load grows with the snapshot: runs `summary --no-index`
# on synthetic snapshots of several sizes (bench/make-snapshot.js, the same
# files as bench/compare.sh) and prints wall time, CPU time (user+sys) and
# peak RSS, each also per MB of file and per million nodes, as a markdown
# table. Time and memory growing linearly means the per-MB columns stay flat.
#
#   bench/growth.sh [SIZE_MB ...]   default: 20 150 500 1000 2200
#
# Environment: LEAKHOUND_BENCH_DIR (default bench/work: the snapshots),
# ROUNDS=N (default 3): the sizes alternate round by round; medians.
# Missing snapshots are written first (2200 MB takes about 13 minutes and
# 15 GB of memory).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=${LEAKHOUND_BENCH_DIR:-$repo/bench/work}
mkdir -p "$work"
work=$(cd "$work" && pwd)
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(20 150 500 1000 2200)
rounds=${ROUNDS:-3}

if [ ! -x /usr/bin/time ]; then
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
echo "building leakhound" >&2
(cd "$repo" && CGO_ENABLED=0 go build -trimpath -o "$work/leakhound" ./cmd/leakhound)

for mb in "${sizes[@]}"; do
  snap="$work/snap-${mb}MB.heapsnapshot"
  if [ ! -s "$snap" ]; then
    # V8 needs several times the snapshot's size in heap to write it.
    heap_mb=$((mb * 12 + 2048)); [ $heap_mb -gt 20000 ] && heap_mb=20000
    echo "writing a ~${mb} MB snapshot" >&2
    node --max-old-space-size=$heap_mb "$repo/bench/make-snapshot.js" "$snap" "$mb" >&2
  fi
done

declare -A runs
for ((r = 1; r <= rounds; r++)); do
  for mb in "${sizes[@]}"; do
    tf="$work/growth-time.out"
    /usr/bin/time -f '%e %U %S %M' -o "$tf" "$work/leakhound" summary "$work/snap-${mb}MB.heapsnapshot" \
      --json --quiet --no-index >/dev/null
    read -r w u s kb < "$tf"
    runs[$mb]+="$w $(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }') $((kb / 1024))"$'\n'
    echo "  round $r, $mb MB: $(tail -n 1 <<< "${runs[$mb]%$'\n'}")" >&2
  done
done

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

echo "Written by \`bench/growth.sh ${sizes[*]}\` on $(date -u '+%Y-%m-%d %H:%M') UTC: $rounds round(s), sizes alternating, medians;"
echo "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end."
echo
echo "| file | nodes | edges | wall (s) | CPU (s) | peak RSS (MB) | wall ms / MB | CPU ms / MB | peak / file size | peak bytes / node |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for mb in "${sizes[@]}"; do
  snap="$work/snap-${mb}MB.heapsnapshot"
  bytes=$(stat -c %s "$snap")
  read -r nodes edges < <("$work/leakhound" summary "$snap" --json --top 1 --quiet 2>/dev/null |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s).snapshot;console.log(j.nodes, j.edges)})')
  r=${runs[$mb]}
  wall=$(printf '%s' "$r" | awk 'NF { print $1 }' | median)
  cpu=$(printf '%s' "$r" | awk 'NF { print $2 }' | median)
  rss=$(printf '%s' "$r" | awk 'NF { print $3 }' | median)
  awk -v b="$bytes" -v n="$nodes" -v e="$edges" -v w="$wall" -v c="$cpu" -v m="$rss" 'BEGIN {
    f = b / 1e6
    printf "| %.0f MB | %d | %d | %.2f | %.2f | %d | %.2f | %.2f | %.2f | %.0f |\n",
      f, n, e, w, c, m, w * 1000 / f, c * 1000 / f, m * 1048576 / b, m * 1048576 / n }'
done
