#!/usr/bin/env bash
# Regenerates docs/img/serve.png, the screenshot in docs/serve.md: the
# browser test (internal/cli TestServeInBrowser, needs node and chromium)
# walks the UI on a leaking series and saves its screenshots; the leak
# report's is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
LEAKHOUND_SCREENSHOTS=$dir go test ./internal/cli -run '^TestServeInBrowser$' -count=1
mkdir -p docs/img
cp "$dir/leaks.png" docs/img/serve.png
echo "docs/img/serve.png: $(du -k docs/img/serve.png | cut -f1) KB"
