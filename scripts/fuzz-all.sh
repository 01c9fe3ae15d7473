#!/usr/bin/env bash
# Runs every Go fuzz target in the repository for DURATION each (default
# 10s). Targets are discovered by grepping the test files, so new ones are
# picked up without editing this script.
#   scripts/fuzz-all.sh 10s
set -euo pipefail
cd "$(dirname "$0")/.."
dur=${1:-10s}
found=0
failed=()
while IFS=: read -r file name; do
  pkg="./$(dirname "$file")"
  found=$((found + 1))
  echo "fuzz $pkg $name ($dur)"
  out=$(mktemp)
  # Minimising each new interesting input may take up to a minute by
  # default, which ate whole short runs of targets with big seeds (the
  # index reader's): 2s leaves the run's time to exploring.
  if ! go test -run '^$' -fuzz "^${name}\$" -fuzztime "$dur" -fuzzminimizetime 2s "$pkg" 2>&1 | tee "$out"; then
    # Go's fuzzer can fail a slow target with "context deadline exceeded"
    # when -fuzztime runs out during an input, without finding anything
    # (no failing input written). That one run is repeated; a finding is
    # never retried.
    if grep -q 'context deadline exceeded' "$out" && ! grep -q 'Failing input written' "$out" &&
      go test -run '^$' -fuzz "^${name}\$" -fuzztime "$dur" -fuzzminimizetime 2s "$pkg"; then
      echo "fuzz $pkg $name: FLAKY (the fuzzer's deadline, no failing input; passed when run again)"
    else
      failed+=("$pkg $name")
    fi
  fi
  rm -f "$out"
done < <(git ls-files '*_test.go' | xargs -r grep -oE '^func Fuzz[A-Za-z0-9_]*' /dev/null \
          | sed 's/func //' | sort -u)
echo "fuzz targets run: $found"
if [ ${#failed[@]} -gt 0 ]; then
  printf 'fuzz target failed: %s\n' "${failed[@]}"
  exit 1
fi
