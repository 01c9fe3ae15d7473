#!/usr/bin/env bash
# Compares `leakhound leaks` between a git ref and the work tree on every
# program of testdata/scenarios (3 snapshots each) and testdata/single (one
# snapshot): the check for a change meant to keep every diagnosis as it was
# (a refactor), or to see which a change moves. Prints the programs whose
# report differs, with the diff; exits 1 if any does.
#
#   scripts/compare-leaks.sh [REF]            default HEAD
#   CORPUS=DIR  keep the snapshots there (default /tmp/leakhound-corpus):
#               they are written once and reused by later runs, until
#               their program changes
#   NODE=path   the node that writes them (default: node on PATH)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
ref=${1:-HEAD}
corpus=${CORPUS:-/tmp/leakhound-corpus}
node=${NODE:-node}
work=$(mktemp -d)
trap 'git -C "$repo" worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

# The snapshots: once per corpus folder (a program that fails is skipped).
mkdir -p "$corpus"
for f in "$repo"/testdata/scenarios/*.js "$repo"/testdata/single/*.js; do
  kind=$(basename "$(dirname "$f")"); name=$(basename "$f" .js)
  d=$corpus/$kind-$name
  [ "$d/done" -nt "$f" ] && continue # (written after the program last changed)
  rm -rf "$d"; mkdir -p "$d"
  if [ "$kind" = scenarios ]; then args=("$d" 3); else args=("$d/s1.heapsnapshot"); fi
  if (cd "$repo/testdata/$kind" && timeout 180 "$node" "$f" "${args[@]}") > "$d/node.log" 2>&1; then
    touch "$d/done"
  else
    echo "skipped $kind/$name: node failed (see $d/node.log)" >&2
  fi
done

git -C "$repo" worktree add -q --detach "$work/base" "$ref"
(cd "$work/base" && go build -o "$work/lh-base" ./cmd/leakhound)
(cd "$repo" && go build -o "$work/lh-new" ./cmd/leakhound)
changed=0
for d in "$corpus"/*/; do
  ls "$d"*.heapsnapshot >/dev/null 2>&1 || continue
  n=$(basename "$d")
  for b in base new; do
    { NO_COLOR=1 "$work/lh-$b" leaks --no-index "$d" 2>&1 || echo "exit $?"; } > "$work/$n.$b.txt"
  done
  if ! cmp -s "$work/$n.base.txt" "$work/$n.new.txt"; then
    changed=$((changed + 1))
    echo "=== $n"; diff "$work/$n.base.txt" "$work/$n.new.txt" || true
  fi
done
echo "$changed of $(ls -d "$corpus"/*/ | wc -l) programs changed against $ref"
[ "$changed" -eq 0 ]
