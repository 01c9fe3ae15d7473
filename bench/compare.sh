#!/usr/bin/env bash
# Compares leakhound with Chrome DevTools' own heap snapshot code and with
# memlab on the same real snapshots, written by node from a realistic mixed
# heap (bench/make-snapshot.js). Measures wall time and peak RSS with
# /usr/bin/time and writes the table to bench/RESULTS.md.
#
#   bench/compare.sh [SIZE_MB ...]      default: 20 200 1000
#
# Environment: LEAKHOUND_SHARED (default ../shared beside the repo, holds
# tools/devtools-oracle), LEAKHOUND_BENCH_DIR (default bench/work: snapshots,
# the memlab install, logs), SKIP_MEMLAB=1 / SKIP_DEVTOOLS=1 to leave one out.
# Needs node and npm (network for the first install). Runs one tool at a
# time so they do not compete for the two cores.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${LEAKHOUND_SHARED:-$repo/../shared}
work=${LEAKHOUND_BENCH_DIR:-$repo/bench/work}
mkdir -p "$work"
work=$(cd "$work" && pwd)
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(20 200 1000)

if [ ! -x /usr/bin/time ]; then
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi

echo "building leakhound" >&2
(cd "$repo" && go build -o "$work/leakhound" ./cmd/leakhound \
  && go test -c -o "$work/heapsnapshot.test" ./internal/heapsnapshot)

oracle=""
if [ "${SKIP_DEVTOOLS:-}" != 1 ]; then
  echo "preparing the DevTools oracle" >&2
  oracle="$(bash "$shared/tools/devtools-oracle/setup.sh")/oracle.mjs"
fi

memlab_dir="$work/memlab"
if [ "${SKIP_MEMLAB:-}" != 1 ]; then
  if [ ! -d "$memlab_dir/node_modules/@memlab/heap-analysis" ]; then
    echo "installing @memlab/heap-analysis into $memlab_dir" >&2
    mkdir -p "$memlab_dir"
    (cd "$memlab_dir" && { [ -f package.json ] || echo '{"name":"memlab-bench","private":true}' > package.json; } \
      && PUPPETEER_SKIP_DOWNLOAD=1 PUPPETEER_SKIP_CHROMIUM_DOWNLOAD=1 npm install --silent --no-audit --no-fund @memlab/heap-analysis >&2)
  fi
  cat > "$memlab_dir/load.js" <<'JS'
// Loads a snapshot the way memlab's analyses do, and reports the time.
const { getFullHeapFromFile } = require('@memlab/heap-analysis');
(async () => {
  const t0 = Date.now();
  const heap = await getFullHeapFromFile(process.argv[2]);
  console.error(`memlab: ${heap.nodes.length} nodes loaded in ${Date.now() - t0} ms`);
})().catch((e) => { console.error(e); process.exit(1); });
JS
fi

# run LABEL CMD... : runs CMD under /usr/bin/time, sets $wall (s) and $rss (MB).
run() {
  local label=$1; shift
  local tf="$work/time.out" log="$work/$label.log"
  wall="-"; rss="-"
  if /usr/bin/time -f '%e %M' -o "$tf" "$@" >"$log.out" 2>"$log"; then
    read -r wall rss_kb < "$tf"
    rss=$((rss_kb / 1024))
  else
    echo "  $label failed (see $log)" >&2
    wall="failed"; rss="-"
    tail -n 3 "$log" >&2 || true
  fi
  echo "  $label: ${wall}s, ${rss} MB" >&2
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0 && b+0 > 0) printf "%.1fx", b / a; else printf "-" }'; }

load0=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()
for mb in "${sizes[@]}"; do
  snap="$work/snap-${mb}MB.heapsnapshot"
  # V8 needs several times the snapshot's size in heap to write it.
  heap_mb=$((mb * 12 + 2048)); [ $heap_mb -gt 20000 ] && heap_mb=20000
  if [ ! -s "$snap" ]; then
    echo "writing a ~${mb} MB snapshot" >&2
    node --max-old-space-size=$heap_mb "$repo/bench/make-snapshot.js" "$snap" "$mb" >&2
  fi
  bytes=$(stat -c %s "$snap")
  size=$(awk -v b="$bytes" 'BEGIN { printf "%.0f MB", b / 1e6 }')
  echo "$snap ($size)" >&2
  nodes=$("$work/leakhound" summary "$snap" --json --top 1 --quiet 2>/dev/null \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const j=JSON.parse(s);console.log(j.snapshot.nodes??j.snapshot.node_count??"?")}catch{console.log("?")}})')

  # DevTools keeps the whole graph in JS arrays: give it room.
  js_heap=$((mb * 16 + 4096)); [ $js_heap -gt 22000 ] && js_heap=22000
  run "leakhound-summary-${mb}" "$work/leakhound" summary "$snap" --json --quiet
  lh_wall=$wall lh_rss=$rss
  # The parser alone: the Go benchmark on this file (best of 3 reported by -count).
  run "leakhound-parse-${mb}" env LEAKHOUND_BENCH_SNAPSHOT="$snap" "$work/heapsnapshot.test" \
    -test.run '^$' -test.bench '^BenchmarkReadFile$' -test.benchtime 1x -test.count 3
  parse_rss=$rss
  parse_mbs=$(awk '/BenchmarkReadFile/ { for (i = 1; i <= NF; i++) if ($i == "MB/s" && $(i-1) > best) best = $(i-1) } END { print best ? best : "-" }' "$work/leakhound-parse-${mb}.log.out")
  dt_wall="-" dt_rss="-" ml_wall="-" ml_rss="-"
  if [ -n "$oracle" ]; then
    run "devtools-${mb}" node --max-old-space-size=$js_heap "$oracle" time "$snap"
    dt_wall=$wall dt_rss=$rss
  fi
  if [ "${SKIP_MEMLAB:-}" != 1 ]; then
    run "memlab-${mb}" env NODE_PATH="$memlab_dir/node_modules" node --max-old-space-size=$js_heap "$memlab_dir/load.js" "$snap"
    ml_wall=$wall ml_rss=$rss
  fi
  rows+=("| $size | $nodes | leakhound summary | $lh_wall | $lh_rss | | |")
  rows+=("| | | (leakhound parse only: $parse_mbs MB/s, peak RSS $parse_rss MB) | | | | |")
  rows+=("| | | DevTools (oracle) | $dt_wall | $dt_rss | $(ratio "$lh_wall" "$dt_wall") | $(ratio "$lh_rss" "$dt_rss") |")
  rows+=("| | | memlab getFullHeapFromFile | $ml_wall | $ml_rss | $(ratio "$lh_wall" "$ml_wall") | $(ratio "$lh_rss" "$ml_rss") |")
done

out="$repo/bench/RESULTS.md"
section="$work/compare-section.md"
{
  echo "<!-- bench/compare.sh writes this section; do not edit by hand -->"
  echo "## Load one snapshot: leakhound vs DevTools vs memlab (\`bench/compare.sh\`)"
  echo
  echo "Written by \`bench/compare.sh ${sizes[*]}\` on $(date -u '+%Y-%m-%d %H:%M UTC')."
  echo
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/ {print $2}') GiB RAM"
  echo "- node $(node --version), $(go version | cut -d' ' -f3)"
  echo "- load average when it started: $load0 (other work shares the machine)"
  echo
  echo "Snapshots are written by node from \`bench/make-snapshot.js\` (objects, closures, Maps,"
  echo "Sets, strings, arrays, Buffers, Promises, EventEmitters). Each tool loads the file and"
  echo "builds its graph: leakhound runs the whole \`summary --json\` (parse, dominators,"
  echo "retained sizes, class aggregation); DevTools' worker code (\`oracle.mjs time\`) loads and"
  echo "initialises the snapshot (which includes its dominator tree and retained sizes); memlab"
  echo "runs \`getFullHeapFromFile\`. Wall time and peak RSS from \`/usr/bin/time\`. The ratio"
  echo "columns say how many times slower / bigger the other tool is than leakhound. \"parse"
  echo "only\" is \`BenchmarkReadFile\` (best of 3 in one process) on the same file."
  echo
  echo "| snapshot | nodes | tool | wall (s) | peak RSS (MB) | time ratio | RSS ratio |"
  echo "| ---: | ---: | --- | ---: | ---: | ---: | ---: |"
  printf '%s\n' "${rows[@]}"
  echo "<!-- end bench/compare.sh -->"
} > "$section"
# Replace only our section: other benchmarks keep theirs in the same file.
[ -f "$out" ] || printf '# Benchmark results\n\n' > "$out"
has=0; grep -q '^<!-- bench/compare.sh writes this section' "$out" && has=1
awk -v sec="$section" -v done="$has" '
  /^<!-- bench\/compare.sh writes this section/ { while ((getline l < sec) > 0) print l; skip = 1; next }
  skip && /^<!-- end bench\/compare.sh -->/ { skip = 0; next }
  skip { next }
  { print }
  /^# Benchmark results/ && !done { getline blank; print ""; while ((getline l < sec) > 0) print l; print ""; done = 1 }
' "$out" > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote our section of $out" >&2
