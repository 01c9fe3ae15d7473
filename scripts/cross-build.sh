#!/usr/bin/env bash
# Cross-compiles leakhound for every released target with CGO_ENABLED=0
# and runs go vet (tests included) once per GOOS, so code behind another
# OS's build tags is type-checked on Linux CI too.
#   scripts/cross-build.sh            # all five targets
#   scripts/cross-build.sh darwin/arm64 windows/amd64
set -euo pipefail
cd "$(dirname "$0")/.."
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64)
failed=()
vetted=" "
for t in "${targets[@]}"; do
  os=${t%/*} arch=${t#*/}
  echo "build $t"
  if ! GOOS=$os GOARCH=$arch CGO_ENABLED=0 go build -o /dev/null ./cmd/leakhound; then
    failed+=("build $t")
  fi
  case "$vetted" in *" $os "*) continue ;; esac
  vetted="$vetted$os "
  echo "vet GOOS=$os"
  if ! GOOS=$os GOARCH=$arch CGO_ENABLED=0 go vet ./...; then
    failed+=("vet $os")
  fi
done
if [ ${#failed[@]} -gt 0 ]; then
  printf 'FAILED: %s\n' "${failed[@]}"
  exit 1
fi
echo "cross-build ok: ${targets[*]}"
