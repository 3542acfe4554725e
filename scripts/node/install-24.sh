#!/usr/bin/env bash
# Installs Node.js 24 (the runtime action.yml declares) next to the machine's
# Node, for running the unit tests on it too. It comes from the npm registry,
# as the node-linux-<arch> package (the official build as a registry package),
# pinned, verified by npm against the registry's integrity hash; only the
# binary is kept, in .tmp/node24/bin. Idempotent: a present binary of the
# pinned version is kept. Prints the bin directory to put first on PATH.
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION=24.22.3
dir=.tmp/node24
case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "install-24.sh: no node-linux package for $(uname -m)" >&2; exit 1 ;;
esac

if [ "$("$dir/bin/node" --version 2>/dev/null)" != "v$VERSION" ]; then
  rm -rf "$dir" && mkdir -p "$dir/pack" "$dir/bin"
  npm pack "node-linux-$arch@$VERSION" --pack-destination "$dir/pack" --silent >/dev/null
  tar -xzf "$dir/pack/node-linux-$arch-$VERSION.tgz" -C "$dir/pack" package/bin/node
  mv "$dir/pack/package/bin/node" "$dir/bin/node"
  rm -rf "$dir/pack"
fi
"$dir/bin/node" --version >&2
echo "$PWD/$dir/bin"
