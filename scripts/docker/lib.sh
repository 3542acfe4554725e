# shellcheck shell=bash disable=SC2034
# Shared paths and helpers of scripts/docker/*.sh (sourced, not run).
#
# Two Docker Engines run side by side on one machine:
#   engine 20: Debian bookworm's docker.io 20.10 (BuildKit v0.8 inside), the default socket.
#   engine 26: Debian trixie's docker.io 26.1.5 + containerd 1.7, unpacked (never installed, so the
#              system stays bookworm), own socket, data, exec root and containerd, with the
#              containerd image store so multi-platform images work.
# buildx 0.13.1 (trixie's docker-buildx) is the docker CLI plugin for both.
# Optional "modern": buildkitd + buildx built from the Go module proxy, a remote buildx builder.

BXG_OPT=/opt/buildx-gate
BXG_DEBS=/var/cache/buildx-gate/debs
BXG_APT=/var/lib/buildx-gate/apt-trixie
BXG_LOGS=/var/log/buildx-gate
BXG_STAMP=$BXG_OPT/installed.txt

ENGINE26_BIN=/opt/docker26/bin
ENGINE26_SOCK=/var/run/docker26.sock
ENGINE26_HOST=unix://$ENGINE26_SOCK
ENGINE26_DATA=/var/lib/docker26
ENGINE26_EXEC=/var/run/docker26
ENGINE26_PIDFILE=/var/run/docker26.pid
ENGINE26_CONFIG=$BXG_OPT/engine26/daemon.json
CONTAINERD26_CONFIG=$BXG_OPT/engine26/containerd.toml
CONTAINERD26_SOCK=/var/run/docker26-containerd/containerd.sock
CONTAINERD26_ROOT=/var/lib/docker26-containerd
CONTAINERD26_STATE=/var/run/docker26-containerd
CONTAINERD26_PIDFILE=/var/run/docker26-containerd.pid

ENGINE20_SOCK=/var/run/docker.sock
ENGINE20_HOST=unix://$ENGINE20_SOCK
ENGINE20_PIDFILE=/var/run/docker.pid

QEMU_AARCH64=$BXG_OPT/qemu/qemu-aarch64-static
QEMU_AARCH64_BINFMT=$BXG_OPT/qemu/qemu-aarch64.conf
BUSYBOX_AMD64=$BXG_OPT/busybox/amd64/busybox
BUSYBOX_ARM64=$BXG_OPT/busybox/arm64/busybox

BUILDX_VERSION_WANTED=0.13.1
BUILDX_PLUGIN_DIRS=(/usr/local/lib/docker/cli-plugins "${HOME:-/root}/.docker/cli-plugins")

# Modern BuildKit (optional, see install-modern.sh): built from the Go module proxy; runs as root on
# a unix socket, used through a buildx "remote" builder. A remote builder cannot see an engine's
# images, so the base images are pushed to a loopback-only registry that buildkitd uses as its
# docker.io mirror: the Dockerfiles stay the same ("FROM local/busybox-full:1").
MODERN_DIR=$BXG_OPT/modern
MODERN_BUILDKIT_VERSION=v0.34.2
MODERN_BUILDX_VERSION=v0.38.2
MODERN_REGISTRY_VERSION=v3.1.2
MODERN_SOCK=/var/run/buildkit-modern/buildkitd.sock
MODERN_ROOT=/var/lib/buildkit-modern
MODERN_PIDFILE=/var/run/buildkit-modern.pid
MODERN_REGISTRY_ADDR=127.0.0.1:5000
MODERN_REGISTRY_PIDFILE=/var/run/buildkit-modern-registry.pid
# A docker config dir whose cli-plugins/ holds the modern buildx; DOCKER_CONFIG=$MODERN_DOCKER_CONFIG
# selects it (and the builder named $MODERN_BUILDER) without touching the default 0.13.1 plugin.
MODERN_DOCKER_CONFIG=$MODERN_DIR/docker-config
MODERN_BUILDER=bxg-modern

# The docker CLI: the machine's /usr/local/bin/docker (28.x) when present, else bookworm's 20.10 CLI.
docker_cli() {
  if [ -x /usr/local/bin/docker ]; then echo /usr/local/bin/docker; else echo /usr/bin/docker; fi
}

log() { printf '[buildx-gate docker] %s\n' "$*" >&2; }
die() {
  printf '[buildx-gate docker] ERROR: %s\n' "$*" >&2
  exit 1
}

require_root() {
  [ "$(id -u)" = 0 ] || die "must run as root (it installs packages and starts daemons); current uid is $(id -u)"
}

# wait_until SECONDS DESCRIPTION LOGFILE COMMAND...: polls COMMAND every 0.2 s.
wait_until() {
  local timeout=$1 what=$2 logfile=$3
  shift 3
  local deadline=$(($(date +%s) + timeout))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      log "last lines of $logfile:"
      tail -n 25 "$logfile" >&2 || true
      die "$what did not answer within ${timeout}s; see its log: $logfile"
    fi
    sleep 0.2
  done
}

# pid_alive PIDFILE: true when the pid file names a running process.
pid_alive() {
  [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}
