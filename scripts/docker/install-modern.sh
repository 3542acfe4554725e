#!/usr/bin/env bash
# Builds the "modern" build stack from the Go module proxy (called by install.sh --modern):
# buildkitd, buildx and a registry (distribution), at the versions in lib.sh, into
# /opt/buildx-gate/modern/bin. Skipped when those versions are already built.
# Needs Go >= 1.24 on PATH or in /usr/local/go/bin. Takes a few minutes on 2 cores (cold module cache).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
require_root

export PATH=$PATH:/usr/local/go/bin
command -v go >/dev/null || die "the modern stack is built with Go, and no 'go' is on PATH or in /usr/local/go/bin"

bin=$MODERN_DIR/bin
stamp=$MODERN_DIR/versions.txt
wanted="buildkit=$MODERN_BUILDKIT_VERSION buildx=$MODERN_BUILDX_VERSION registry=$MODERN_REGISTRY_VERSION"
if [ -s "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] &&
  [ -x "$bin/buildkitd" ] && [ -x "$bin/buildx" ] && [ -x "$bin/registry" ]; then
  log "modern stack already built ($wanted)"
else
  started=$(date +%s)
  mkdir -p "$bin"
  export CGO_ENABLED=0 GOFLAGS=-buildvcs=false
  # buildkit's go.mod has exclude directives, which 'go install module@version' refuses: build it
  # as a dependency of a throwaway module instead (its require directives still pick the versions).
  src=$(mktemp -d /tmp/bxg-buildkitd.XXXXXX)
  trap 'rm -rf "$src"' EXIT
  printf 'module bxg/buildkitd\n\ngo 1.24\n' >"$src/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/moby/buildkit/cmd/buildkitd"\n' >"$src/tools.go"
  log "building buildkitd $MODERN_BUILDKIT_VERSION"
  (cd "$src" && go get "github.com/moby/buildkit@$MODERN_BUILDKIT_VERSION" >/dev/null 2>&1 &&
    go mod tidy >/dev/null 2>&1 &&
    go build -trimpath -o "$bin/buildkitd" \
      -ldflags "-s -w -X github.com/moby/buildkit/version.Version=$MODERN_BUILDKIT_VERSION" \
      github.com/moby/buildkit/cmd/buildkitd) || die "building buildkitd $MODERN_BUILDKIT_VERSION failed"
  log "building buildx $MODERN_BUILDX_VERSION"
  GOBIN=$bin go install -trimpath \
    -ldflags "-s -w -X github.com/docker/buildx/version.Version=$MODERN_BUILDX_VERSION" \
    "github.com/docker/buildx/cmd/buildx@$MODERN_BUILDX_VERSION" || die "building buildx $MODERN_BUILDX_VERSION failed"
  log "building registry $MODERN_REGISTRY_VERSION"
  GOBIN=$bin go install -trimpath -ldflags "-s -w" \
    "github.com/distribution/distribution/v3/cmd/registry@$MODERN_REGISTRY_VERSION" ||
    die "building the registry $MODERN_REGISTRY_VERSION failed"
  echo "$wanted" >"$stamp"
  log "modern stack built in $(($(date +%s) - started))s"
fi

# The modern buildx is a CLI plugin only for DOCKER_CONFIG=$MODERN_DOCKER_CONFIG.
mkdir -p "$MODERN_DOCKER_CONFIG/cli-plugins"
ln -sf "$bin/buildx" "$MODERN_DOCKER_CONFIG/cli-plugins/docker-buildx"
[ -f "$MODERN_DOCKER_CONFIG/config.json" ] || echo '{}' >"$MODERN_DOCKER_CONFIG/config.json"
log "modern: $("$bin/buildkitd" --version); $("$bin/buildx" version)"
