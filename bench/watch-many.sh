#!/usr/bin/env bash
# What one `leakhound watch` costs per target when it watches several node
# processes at once: its own CPU and RSS with 1 and 5 targets, and the
# targets' CPU per request without and with it (bench/watchmany).
# Usage: bench/watch-many.sh [watchmany flags, e.g. -rounds 5 -round 20s]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/leakhound" ./cmd/leakhound
go run ./bench/watchmany -leakhound "$bin/leakhound" "$@"
