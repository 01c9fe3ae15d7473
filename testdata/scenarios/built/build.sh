#!/usr/bin/env bash
# Rebuilds the built-program scenarios from src/ (committed, so tests need
# no npm): dist/ is tsc's CommonJS output with .js.map files beside it,
# bundle/server.js is esbuild's bundle of the program with the library it
# imports and the corpus driver (one file, its map beside it), and
# bundle-min/server.js the same bundle minified (names mangled), and
# ../../alloc/bundle-min/series.js the allocation-stack series minified.
# Needs npm once (typescript and esbuild into a temporary folder).
set -euo pipefail
cd "$(dirname "$0")"
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
(cd "$tools" && echo '{"private":true}' > package.json &&
  npm install --silent --no-audit --no-fund typescript@5 esbuild@0.28 >/dev/null)
rm -rf dist bundle bundle-min ../../alloc/bundle-min
"$tools/node_modules/.bin/tsc" -p .
"$tools/node_modules/.bin/esbuild" src/main.ts --bundle --platform=node --sourcemap \
  --outfile=bundle/server.js --log-level=warning
"$tools/node_modules/.bin/esbuild" src/main.ts --bundle --platform=node --sourcemap --minify \
  --outfile=bundle-min/server.js --log-level=warning
"$tools/node_modules/.bin/esbuild" ../../alloc/series.js --bundle --platform=node --sourcemap --minify \
  --outfile=../../alloc/bundle-min/series.js --log-level=warning
