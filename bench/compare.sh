#!/usr/bin/env bash
# Compares leakhound (cold, and re-opening its index) with Chrome DevTools'
# own heap snapshot code, memlab and @vscode/v8-heap-parser (Rust/WASM) on
# the same real snapshots, written by node from a realistic mixed heap
# (bench/make-snapshot.js) or from the TypeScript compiler holding a
# type-checked program (bench/make-ts-snapshot.js). Measures wall time, CPU
# time (user+sys) and peak RSS with /usr/bin/time and writes the table into
# bench/perf.md, between its markers (or into $LEAKHOUND_BENCH_OUT).
#
#   bench/compare.sh [SIZE_MB|ts ...]   default: 20 200 1000
#
# A number is a synthetic snapshot of about that size
# ($work/snap-<N>MB.heapsnapshot), "ts" the TypeScript compiler's heap
# (~130 MB, $work/snap-ts.heapsnapshot); missing ones are written first.
#
# Environment: LEAKHOUND_SHARED (default ../shared beside the repo, holds
# tools/devtools-oracle), LEAKHOUND_BENCH_DIR (default bench/work: snapshots,
# the npm installs (memlab, vscode, typescript), logs, the index directory),
# SKIP_MEMLAB=1 / SKIP_DEVTOOLS=1 / SKIP_VSCODE=1 to leave one out, ROUNDS=N
# (default 1) to run every tool N times, alternating, and report medians.
# Needs node and npm (network for the first install). Runs one tool at a
# time so they do not compete for the two cores.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${LEAKHOUND_SHARED:-$repo/../shared}
work=${LEAKHOUND_BENCH_DIR:-$repo/bench/work}
mkdir -p "$work"
work=$(cd "$work" && pwd)
sizes=("$@")
rounds=${ROUNDS:-1}
out="${LEAKHOUND_BENCH_OUT:-$repo/bench/perf.md}"
# leakhound's indexes for these runs stay in the work directory.
export LEAKHOUND_INDEX_DIR="$work/index"
[ ${#sizes[@]} -gt 0 ] || sizes=(20 200 1000)

if [ ! -x /usr/bin/time ]; then
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi

echo "building leakhound" >&2
# Built as the npm package ships it (scripts/npm-pack.sh): static, no cgo.
(cd "$repo" && CGO_ENABLED=0 go build -trimpath -o "$work/leakhound" ./cmd/leakhound \
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

vscode_dir="$work/vscode"
if [ "${SKIP_VSCODE:-}" != 1 ]; then
  if [ ! -d "$vscode_dir/node_modules/@vscode/v8-heap-parser" ]; then
    echo "installing @vscode/v8-heap-parser into $vscode_dir" >&2
    mkdir -p "$vscode_dir"
    (cd "$vscode_dir" && { [ -f package.json ] || echo '{"name":"vscode-bench","private":true}' > package.json; } \
      && npm install --silent --no-audit --no-fund @vscode/v8-heap-parser >&2)
  fi
  cat > "$vscode_dir/load.js" <<'JS'
// Parses a snapshot with the Rust/WASM analyser and builds its class
// groups (with retained sizes), like a summary.
const fs = require('fs');
const { decode_bytes } = require('@vscode/v8-heap-parser');
const t0 = Date.now();
const g = decode_bytes(fs.readFileSync(process.argv[2]));
const groups = g.get_class_groups(0, 1e9, false);
console.error(`v8-heap-parser: ${groups.length} classes in ${Date.now() - t0} ms`);
JS
fi

# run LABEL CMD... (one measurement) : runs CMD under /usr/bin/time, sets $wall (s) and $rss (MB).
run1() {
  local label=$1; shift
  local tf="$work/time.out" log="$work/$label.log"
  if /usr/bin/time -f '%e %U %S %M' -o "$tf" "$@" >"$log.out" 2>"$log"; then
    local w u sy kb
    read -r w u sy kb < "$tf"
    echo "$w $(awk -v u="$u" -v s="$sy" 'BEGIN { printf "%.2f", u + s }') $((kb / 1024))"
  else
    echo "  $label failed (see $log)" >&2
    tail -n 3 "$log" >&2 || true
    echo "failed - -"
  fi
}

# median of the numbers on stdin ("failed" if any run failed)
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0 || v[1] == "failed") print "failed"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# run LABEL CMD... : sets $wall (s), $cpu (s) and $rss (MB), medians of the
# runs recorded for LABEL by rounds (see measure).
declare -A runs
measure() {
  local label=$1; shift
  runs[$label]+="$(run1 "$label" "$@")"$'\n'
}
result() {
  local label=$1 r=${runs[$1]}
  wall=$(printf '%s' "$r" | awk 'NF { print $1 }' | median)
  cpu=$(printf '%s' "$r" | awk 'NF { print $2 }' | median)
  rss=$(printf '%s' "$r" | awk 'NF { print $3 }' | median)
  echo "  $label: ${wall}s wall, ${cpu}s CPU, ${rss} MB" >&2
}
# run LABEL CMD... : one measurement, then its result.
run() { local label=$1; runs[$label]=""; measure "$@"; result "$label"; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0 && b+0 > 0) printf "%.1fx", b / a; else printf "-" }'; }

load0=$(cut -d' ' -f1-3 /proc/loadavg)
rows=()
ts_dir="$work/typescript"
for mb in "${sizes[@]}"; do
  if [ "$mb" = ts ]; then
    snap="$work/snap-ts.heapsnapshot"
    if [ ! -s "$snap" ]; then
      if [ ! -d "$ts_dir/node_modules/typescript" ]; then
        echo "installing typescript@5 into $ts_dir" >&2
        mkdir -p "$ts_dir"
        (cd "$ts_dir" && { [ -f package.json ] || echo '{"name":"typescript-bench","private":true}' > package.json; } \
          && npm install --silent --no-audit --no-fund typescript@5 >&2)
      fi
      echo "writing the TypeScript compiler's snapshot" >&2
      # The checked program holds ~120 MB of JS heap (peak RSS ~650 MB while
      # the snapshot is written): 2 GB is ample.
      NODE_PATH="$ts_dir/node_modules" node --max-old-space-size=2048 "$repo/bench/make-ts-snapshot.js" "$snap" >&2
    fi
  else
    snap="$work/snap-${mb}MB.heapsnapshot"
    # V8 needs several times the snapshot's size in heap to write it.
    heap_mb=$((mb * 12 + 2048)); [ $heap_mb -gt 20000 ] && heap_mb=20000
    if [ ! -s "$snap" ]; then
      echo "writing a ~${mb} MB snapshot" >&2
      node --max-old-space-size=$heap_mb "$repo/bench/make-snapshot.js" "$snap" "$mb" >&2
    fi
  fi
  bytes=$(stat -c %s "$snap")
  size=$(awk -v b="$bytes" 'BEGIN { printf "%.0f MB", b / 1e6 }')
  # The heaps below scale with the file's size.
  size_mb=$((bytes / 1000000))
  echo "$snap ($size)" >&2
  nodes=$("$work/leakhound" summary "$snap" --json --top 1 --quiet 2>/dev/null \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{const j=JSON.parse(s);console.log(j.snapshot.nodes??j.snapshot.node_count??"?")}catch{console.log("?")}})')

  # DevTools keeps the whole graph in JS arrays: give it room.
  js_heap=$((size_mb * 16 + 4096)); [ $js_heap -gt 22000 ] && js_heap=22000
  # The index is written once, outside the measurements.
  "$work/leakhound" index --quiet "$snap" >/dev/null
  index_mb=$(( $(stat -c %s "$LEAKHOUND_INDEX_DIR/$(ls -t "$LEAKHOUND_INDEX_DIR" | head -1)") / 1000000 ))
  tools=(cold index)
  [ -n "$oracle" ] && tools+=(devtools)
  [ "${SKIP_MEMLAB:-}" != 1 ] && tools+=(memlab)
  [ "${SKIP_VSCODE:-}" != 1 ] && tools+=(vscode)
  for t in "${tools[@]}"; do runs[$t-$mb]=""; done
  # Alternate the tools round by round, so load changes hit all of them.
  for ((r = 1; r <= rounds; r++)); do
    for t in "${tools[@]}"; do
      case $t in
        cold) measure "cold-$mb" "$work/leakhound" summary "$snap" --json --quiet --no-index ;;
        index) measure "index-$mb" "$work/leakhound" summary "$snap" --json --quiet ;;
        devtools) measure "devtools-$mb" node --max-old-space-size=$js_heap "$oracle" time "$snap" ;;
        memlab) measure "memlab-$mb" env NODE_PATH="$memlab_dir/node_modules" node --max-old-space-size=$js_heap "$memlab_dir/load.js" "$snap" ;;
        vscode) measure "vscode-$mb" env NODE_PATH="$vscode_dir/node_modules" node --max-old-space-size=$js_heap "$vscode_dir/load.js" "$snap" ;;
      esac
    done
  done
  result "cold-$mb"; lh_wall=$wall lh_cpu=$cpu lh_rss=$rss
  label=$size; [ "$mb" = ts ] && label="$size (TypeScript compiler)"
  rows+=("| $label | $nodes | leakhound summary, cold | $wall | $cpu | $rss | | | |")
  result "index-$mb"
  rows+=("| | | leakhound summary, from its index ($index_mb MB) | $wall | $cpu | $rss | | | |")
  # The parser alone: the Go benchmark on this file (best of 3 reported by -count).
  run "leakhound-parse-${mb}" env LEAKHOUND_BENCH_SNAPSHOT="$snap" "$work/heapsnapshot.test" \
    -test.run '^$' -test.bench '^BenchmarkReadFile$' -test.benchtime 1x -test.count 3
  parse_rss=$rss
  parse_mbs=$(awk '/BenchmarkReadFile/ { for (i = 1; i <= NF; i++) if ($i == "MB/s" && $(i-1) > best) best = $(i-1) } END { print best ? best : "-" }' "$work/leakhound-parse-${mb}.log.out")
  rows+=("| | | (leakhound parse only: $parse_mbs MB/s, peak RSS $parse_rss MB) | | | | | | |")
  for t in devtools memlab vscode; do
    [ -n "${runs[$t-$mb]+x}" ] || continue
    result "$t-$mb"
    case $t in
      devtools) name="DevTools (oracle \`time\`)" ;;
      memlab) name="memlab getFullHeapFromFile" ;;
      vscode) name="@vscode/v8-heap-parser (WASM), class groups" ;;
    esac
    rows+=("| | | $name | $wall | $cpu | $rss | $(ratio "$lh_wall" "$wall") | $(ratio "$lh_cpu" "$cpu") | $(ratio "$lh_rss" "$rss") |")
  done
done

section="$work/compare-section.md"
{
  echo "<!-- bench/compare.sh writes this section; do not edit by hand -->"
  echo "## Load one snapshot: leakhound vs DevTools vs memlab (\`bench/compare.sh\`)"
  echo
  echo "Written by \`bench/compare.sh ${sizes[*]}\` on $(date -u '+%Y-%m-%d %H:%M UTC')."
  echo
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/ {print $2}') GiB RAM"
  echo "- node $(node --version), $(go version | cut -d' ' -f3)"
  echo "- load average when it started: $load0, when it ended: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "  (other work shares the machine: with a load above 2 every wall time is inflated;"
  echo "  CPU time (user+sys) is the steadier figure)"
  echo "- $rounds round(s), tools alternating within a round; medians"
  echo
  echo "Snapshots are written by node from \`bench/make-snapshot.js\` (objects, closures, Maps,"
  echo "Sets, strings, arrays, Buffers, Promises, EventEmitters)."
  if [[ " ${sizes[*]} " == *" ts "* ]]; then
    echo "The \"TypeScript compiler\" one is a real heap: the compiler holding a program that"
    echo "type-checked its own \`typescript.d.ts\` against every standard lib"
    echo "(\`bench/make-ts-snapshot.js\`)."
  fi
  echo "Each tool loads the file and"
  echo "builds its graph: leakhound runs the whole \`summary --json\` (parse, dominators,"
  echo "retained sizes, class aggregation), cold with \`--no-index\` and again re-opening the"
  echo "index \`leakhound index\` wrote (docs/index.md); DevTools' worker code (\`oracle.mjs"
  echo "time\`) loads and initialises the snapshot (which includes its dominator tree and retained"
  echo "sizes, not the class aggregates); memlab runs \`getFullHeapFromFile\`; @vscode/v8-heap-parser"
  echo "decodes the file and builds its class groups. Wall time, CPU time (user+sys) and peak RSS"
  echo "from \`/usr/bin/time\`. The ratio columns say how many times slower / bigger the other tool"
  echo "is than leakhound cold. \"parse only\" is \`BenchmarkReadFile\` (best of 3 in one process)"
  echo "on the same file."
  echo
  echo "| snapshot | nodes | tool | wall (s) | CPU (s) | peak RSS (MB) | wall ratio | CPU ratio | RSS ratio |"
  echo "| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
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
