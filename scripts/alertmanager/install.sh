#!/usr/bin/env bash
# Builds Prometheus Alertmanager from the Go module proxy into $AM_ROOT/bin (see lib.sh).
# Idempotent: returns at once when that version is already built. A cold build takes a few minutes
# on 2 cores.
#
# Why not `go install github.com/prometheus/alertmanager/cmd/alertmanager@v0.35.0`: the module zip
# lacks the web UI's compiled assets (ui/app/dist, built by npm in Alertmanager's release process),
# which ui/web.go embeds, so that command fails with "pattern app/dist: no matching files found".
# This script builds a copy of the module source with a placeholder page in their place: the API
# (what the tests use) is complete, the browser UI shows the placeholder.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

export PATH=$PATH:/usr/local/go/bin
if [ -x "$AM_BIN" ] && [ "$(cat "$AM_STAMP" 2>/dev/null)" = "$AM_VERSION" ]; then
  am_log "Alertmanager $AM_VERSION already built: $AM_BIN"
  exit 0
fi
command -v go >/dev/null || am_die "Alertmanager is built with Go, and no 'go' is on PATH or in /usr/local/go/bin"

started=$(date +%s)
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false
am_log "downloading $AM_MODULE@$AM_VERSION from the Go module proxy"
dir=$(go mod download -json "$AM_MODULE@$AM_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$dir" ] || am_die "go mod download $AM_MODULE@$AM_VERSION gave no source directory"

src=$(mktemp -d /tmp/bxg-alertmanager.XXXXXX)
trap 'chmod -R u+w "$src" 2>/dev/null; rm -rf "$src"' EXIT
cp -r "$dir/." "$src/"
chmod -R u+w "$src"
for ui in elm mantine; do
  mkdir -p "$src/ui/app/dist/$ui"
  printf '<!doctype html><title>Alertmanager</title><p>Built by buildx-gate for tests: the web UI is not included; the API is at /api/v2/.\n' \
    >"$src/ui/app/dist/$ui/index.html"
done

am_log "building Alertmanager $AM_VERSION with $(go version | cut -d' ' -f3)"
mkdir -p "$(dirname "$AM_BIN")"
(cd "$src" && go build -trimpath -o "$AM_BIN.partial" \
  -ldflags "-s -w -X github.com/prometheus/common/version.Version=${AM_VERSION#v}" ./cmd/alertmanager) ||
  am_die "building Alertmanager $AM_VERSION failed"
mv "$AM_BIN.partial" "$AM_BIN"
echo "$AM_VERSION" >"$AM_STAMP"
am_log "built $AM_BIN in $(($(date +%s) - started))s"
