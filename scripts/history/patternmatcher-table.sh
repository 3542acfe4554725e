#!/usr/bin/env bash
# Regenerates __tests__/fixtures/dockerignore/expected.json from moby/patternmatcher itself
# (needs Go and the Go module proxy). Not part of CI: the expected table is committed.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp "$root/scripts/history/patternmatcher-table.go" "$work/main.go"
cd "$work"
go mod init bxg-patternmatcher-table >/dev/null 2>&1
go get github.com/moby/patternmatcher@v0.6.1 >/dev/null 2>&1
go run . "$root/__tests__/fixtures/dockerignore/cases.json" > "$root/__tests__/fixtures/dockerignore/expected.json"
