#!/usr/bin/env bash
# Installs the real build infrastructure on a fresh Debian bookworm machine (as root, idempotent):
#   - Docker Engine 20.10 from bookworm (apt-get install docker.io),
#   - buildx 0.13.1, Engine 26.1.5 and containerd 1.7 from Debian trixie, downloaded with a private
#     apt configuration and unpacked with dpkg -x (the system's apt stays bookworm-only),
#   - qemu-aarch64-static (bookworm) and busybox-static for amd64 and arm64 (the base images' rootfs).
# Usage: install.sh [--modern]   (--modern also builds buildkitd + buildx from the Go module proxy)
# A second run with everything in place only checks and returns in about a second.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

want_modern=false
for arg in "$@"; do
  case $arg in
    --modern) want_modern=true ;;
    -h | --help)
      sed -n '2,9p' "$0"
      exit 0
      ;;
    *) die "unknown argument '$arg' (expected: --modern)" ;;
  esac
done
require_root

# Bump when what gets installed changes, so machines that have an older install redo it.
INSTALL_LAYOUT=1

installed_ok() {
  [ -s "$BXG_STAMP" ] && [ "$(cat "$BXG_STAMP")" = "layout=$INSTALL_LAYOUT" ] || return 1
  dpkg-query -W -f='${Status}' docker.io 2>/dev/null | grep -q 'install ok installed' || return 1
  local f
  for f in "$ENGINE26_BIN/dockerd" "$ENGINE26_BIN/containerd" "$ENGINE26_BIN/containerd-shim-runc-v2" \
    "$QEMU_AARCH64" "$QEMU_AARCH64_BINFMT" "$BUSYBOX_AMD64" "$BUSYBOX_ARM64"; do
    [ -e "$f" ] || return 1
  done
  for f in "${BUILDX_PLUGIN_DIRS[@]}"; do
    [ -x "$f/docker-buildx" ] || return 1
  done
}

# apt with a private trixie source list, state and cache: downloads only, never installs.
trixie_apt() {
  local cmd=$1
  shift
  "$cmd" \
    -o Dir::Etc::sourcelist=/dev/null \
    -o Dir::Etc::sourceparts="$BXG_APT/sources.list.d" \
    -o Dir::State::Lists="$BXG_APT/lists" \
    -o Dir::Cache="$BXG_APT/cache" \
    -o APT::Architectures::=amd64 -o APT::Architectures::=arm64 \
    -o Acquire::Languages=none \
    -o Debug::NoLocking=1 \
    "$@"
}

install_bookworm_engine() {
  log "apt-get update; apt-get install docker.io (Engine 20.10 from bookworm)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >/dev/null
  # The package's init scripts cannot start it here (no systemd); start.sh runs the daemons.
}

download_debs() {
  mkdir -p "$BXG_APT/sources.list.d" "$BXG_APT/lists/partial" "$BXG_APT/cache/archives/partial" "$BXG_DEBS"
  cat >"$BXG_APT/sources.list.d/trixie.sources" <<'EOF'
Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  log "downloading from trixie: docker-buildx, docker.io, containerd, busybox-static (amd64, arm64)"
  trixie_apt apt-get -qq update
  rm -f "$BXG_DEBS"/*.deb
  # apt-get download writes into the current directory; _apt cannot write there, hence the chmod.
  chmod 0777 "$BXG_DEBS"
  (cd "$BXG_DEBS" && trixie_apt apt-get -qq download \
    docker-buildx docker.io containerd busybox-static:amd64 busybox-static:arm64)
  # trixie's qemu-user-static is a transitional package; bookworm's still ships the static binaries.
  log "downloading from bookworm: qemu-user-static"
  (cd "$BXG_DEBS" && apt-get -qq download qemu-user-static:amd64)
  chmod 0755 "$BXG_DEBS"
}

# unpack DEB-GLOB: dpkg -x into a fresh temp dir, prints the dir.
unpack() {
  local deb dir
  deb=$(compgen -G "$BXG_DEBS/$1") || die "no downloaded package matches $BXG_DEBS/$1"
  dir=$(mktemp -d /tmp/bxg-unpack.XXXXXX)
  dpkg -x "$deb" "$dir"
  echo "$dir"
}

install_unpacked() {
  local x
  x=$(unpack 'docker-buildx_*_amd64.deb')
  for dir in "${BUILDX_PLUGIN_DIRS[@]}"; do
    install -D -m 0755 "$x/usr/libexec/docker/cli-plugins/docker-buildx" "$dir/docker-buildx"
  done
  rm -rf "$x"

  mkdir -p "$ENGINE26_BIN"
  x=$(unpack 'docker.io_*_amd64.deb')
  install -m 0755 "$x/usr/sbin/dockerd" "$x/usr/sbin/docker-proxy" "$ENGINE26_BIN/"
  rm -rf "$x"
  x=$(unpack 'containerd_*_amd64.deb')
  install -m 0755 "$x/usr/bin/containerd" "$x/usr/bin/containerd-shim-runc-v2" "$x/usr/bin/ctr" "$ENGINE26_BIN/"
  rm -rf "$x"
  # trixie's runc needs glibc 2.38+; bookworm's runc (a docker.io dependency) serves both engines.
  # docker-init is bookworm's tini (also a docker.io dependency).

  x=$(unpack 'qemu-user-static_*_amd64.deb')
  install -D -m 0755 "$x/usr/bin/qemu-aarch64-static" "$QEMU_AARCH64"
  # The magic/mask line that start.sh registers with binfmt_misc (interpreter and flags replaced there).
  install -m 0644 "$x/usr/lib/binfmt.d/qemu-aarch64.conf" "$QEMU_AARCH64_BINFMT"
  rm -rf "$x"
  x=$(unpack 'busybox-static_*_amd64.deb')
  install -D -m 0755 "$x/usr/bin/busybox" "$BUSYBOX_AMD64"
  rm -rf "$x"
  x=$(unpack 'busybox-static_*_arm64.deb')
  install -D -m 0755 "$x/usr/bin/busybox" "$BUSYBOX_ARM64"
  rm -rf "$x"
}

check_versions() {
  local docker buildx
  docker=$(docker_cli)
  buildx=$("$docker" buildx version 2>&1) || die "'$docker buildx version' failed: $buildx"
  case $buildx in
    *" $BUILDX_VERSION_WANTED"* | *" v$BUILDX_VERSION_WANTED"*) ;;
    *) die "'$docker buildx version' resolves to '$buildx', expected buildx $BUILDX_VERSION_WANTED (plugin dirs: ${BUILDX_PLUGIN_DIRS[*]})" ;;
  esac
  log "docker CLI: $("$docker" --version)"
  log "buildx plugin: $buildx"
  log "engine 20: $(/usr/sbin/dockerd --version)"
  log "engine 26: $("$ENGINE26_BIN/dockerd" --version), containerd $("$ENGINE26_BIN/containerd" --version | awk '{print $3}')"
}

started=$(date +%s)
if installed_ok; then
  log "already installed (delete $BXG_STAMP to force a reinstall)"
else
  install_bookworm_engine
  download_debs
  install_unpacked
  mkdir -p "$BXG_OPT"
  echo "layout=$INSTALL_LAYOUT" >"$BXG_STAMP"
fi
check_versions
if $want_modern; then
  bash "$here/install-modern.sh"
fi
log "install done in $(($(date +%s) - started))s"
