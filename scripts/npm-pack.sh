#!/usr/bin/env bash
# Builds leakhound's npm packages and writes their tarballs to OUTDIR:
#   leakhound-VERSION.tgz           the launcher and the JavaScript API
#   leakhound-PLATFORM-VERSION.tgz  one per platform, holding the binary
# The main package lists the platform packages as optionalDependencies; npm
# installs only the one whose os and cpu match (esbuild's layout).
#
# usage: scripts/npm-pack.sh OUTDIR [PLATFORM...]
#   PLATFORM: linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64 (default: all)
#   LEAKHOUND_VERSION overrides the version in npm/leakhound/package.json.
# Nothing is published; see docs/npm.md for the release steps.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/npm-pack.sh OUTDIR [PLATFORM...]}
shift
mkdir -p "$out"
out=$(cd "$out" && pwd)
all=(linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64)
want=("$@")
[ ${#want[@]} -eq 0 ] && want=("${all[@]}")

version=${LEAKHOUND_VERSION:-$(node -p "require('./npm/leakhound/package.json').version")}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for p in "${want[@]}"; do
  case $p in
    linux-x64) goos=linux goarch=amd64 os=linux cpu=x64 ;;
    linux-arm64) goos=linux goarch=arm64 os=linux cpu=arm64 ;;
    darwin-x64) goos=darwin goarch=amd64 os=darwin cpu=x64 ;;
    darwin-arm64) goos=darwin goarch=arm64 os=darwin cpu=arm64 ;;
    win32-x64) goos=windows goarch=amd64 os=win32 cpu=x64 ;;
    *) echo "npm-pack: unknown platform $p (one of: ${all[*]})" >&2; exit 2 ;;
  esac
  exe=leakhound; [ "$goos" = windows ] && exe=leakhound.exe
  dir=$work/$p
  mkdir -p "$dir/bin"
  echo "building $p ($goos/$goarch)" >&2
  CGO_ENABLED=0 GOOS=$goos GOARCH=$goarch go build -trimpath \
    -ldflags "-s -w -X github.com/leakhound/leakhound/internal/cli.Version=v$version" \
    -o "$dir/bin/$exe" ./cmd/leakhound
  cat > "$dir/package.json" <<JSON
{
  "name": "@leakhound/$p",
  "version": "$version",
  "description": "The leakhound binary for $os $cpu (installed by the leakhound package)",
  "license": "MIT",
  "os": ["$os"],
  "cpu": ["$cpu"],
  "files": ["bin"],
  "preferUnplugged": true
}
JSON
  printf '# @leakhound/%s\n\nThe leakhound binary for %s %s. Install `leakhound` instead; npm picks this package when it fits.\n' "$p" "$os" "$cpu" > "$dir/README.md"
  (cd "$dir" && npm pack --silent --pack-destination "$out" >/dev/null)
done

main=$work/leakhound
cp -r npm/leakhound "$main"
node - "$main/package.json" "$version" "${all[@]}" <<'JS'
const fs = require('fs');
const [file, version, ...platforms] = process.argv.slice(2);
const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
pkg.version = version;
pkg.optionalDependencies = Object.fromEntries(platforms.map((p) => [`@leakhound/${p}`, version]));
fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
JS
cp docs/npm.md "$main/README.md"
(cd "$main" && npm pack --silent --pack-destination "$out" >/dev/null)
ls -1 "$out"/*.tgz
