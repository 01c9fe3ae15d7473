#!/usr/bin/env bash
# Overhead of `leakhound watch` on the process it watches: requests/s of a
# small node HTTP server with and without watch attached, in alternating
# rounds. Usage: bench/watch-overhead.sh [watchoverhead flags, e.g. -rounds 3 -round 5s]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/leakhound" ./cmd/leakhound
go run ./bench/watchoverhead -leakhound "$bin/leakhound" "$@"
