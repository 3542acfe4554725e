#!/usr/bin/env bash
# Builds nektos/act (a local GitHub Actions runner) from the Go module proxy into
# /opt/buildx-gate/act/bin/act, so the actions can be run the way a runner runs them
# (`uses: ./`, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, workflow commands).
# Idempotent: skipped when that version is already built. ~3-5 min cold on 2 cores.
set -euo pipefail

ACT_VERSION=${ACT_VERSION:-v0.2.89}
dir=${BXG_ACT_DIR:-/opt/buildx-gate/act}
bin=$dir/bin/act
stamp=$dir/version.txt

log() { printf '[act] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

if [ -x "$bin" ] && [ -s "$stamp" ] && [ "$(cat "$stamp")" = "$ACT_VERSION" ]; then
  log "act $ACT_VERSION already built: $bin"
  exit 0
fi

export PATH=$PATH:/usr/local/go/bin
command -v go >/dev/null || die "act is built with Go, and no 'go' is on PATH or in /usr/local/go/bin"

started=$(date +%s)
mkdir -p "$dir/bin"
log "building act $ACT_VERSION from the Go module proxy"
CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOBIN=$dir/bin go install -trimpath -ldflags "-s -w" \
  "github.com/nektos/act@$ACT_VERSION" || die "building act $ACT_VERSION failed"
echo "$ACT_VERSION" >"$stamp"
log "act $ACT_VERSION built in $(($(date +%s) - started))s: $("$bin" --version)"
