#!/usr/bin/env bash
# Starts the Docker Engines installed by install.sh, in the background, side by side, and creates the
# local base images the builds use (no registry is reachable here: builds use --network=none).
# Usage: start.sh [20|26|all|modern]   (default: all = 20 and 26; modern = 26 and the modern stack,
#                                       which needs install.sh --modern)
#   engine 20   DOCKER_HOST=unix:///var/run/docker.sock    local/busybox:1, local/busybox-full:1
#   engine 26   DOCKER_HOST=unix:///var/run/docker26.sock  the same, plus local/busybox-multi:1
#                                                          (linux/amd64 + linux/arm64)
#   modern      buildkitd on unix:///var/run/buildkit-modern/buildkitd.sock, used through
#               DOCKER_CONFIG=/opt/buildx-gate/modern/docker-config docker buildx build --builder bxg-modern
# Already running daemons are left alone, so a second run is quick. Logs: /var/log/buildx-gate/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

which=${1:-all}
case $which in
  20 | 26 | all | modern) ;;
  *) die "unknown engine '$which' (expected: 20, 26, all or modern)" ;;
esac
require_root
[ -s "$BXG_STAMP" ] || die "nothing installed yet: run scripts/docker/install.sh first"
mkdir -p "$BXG_LOGS"
DOCKER=$(docker_cli)
START_TIMEOUT=${BXG_START_TIMEOUT:-60}

# run_detached LOGFILE COMMAND...: a daemon that outlives this script, in its own session.
run_detached() {
  local logfile=$1
  shift
  echo "=== $(date -u +%FT%TZ) starting: $*" >>"$logfile"
  # setsid, nohup and env exec in turn, so $! is the daemon's own pid.
  setsid nohup "$@" >>"$logfile" 2>&1 </dev/null &
  last_pid=$!
}

start_engine20() {
  local logfile=$BXG_LOGS/dockerd20.log
  if pid_alive "$ENGINE20_PIDFILE" && "$DOCKER" -H "$ENGINE20_HOST" info >/dev/null 2>&1; then
    log "engine 20 already running"
    return
  fi
  mkdir -p "$BXG_OPT/engine20"
  # An explicit config file keeps a stray /etc/docker/daemon.json from changing the engine.
  echo '{}' >"$BXG_OPT/engine20/daemon.json"
  # Bookworm's containerd 1.6 (managed by dockerd) and runc come first on PATH.
  run_detached "$logfile" env PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    /usr/sbin/dockerd -H "$ENGINE20_HOST" --pidfile "$ENGINE20_PIDFILE" \
    --config-file "$BXG_OPT/engine20/daemon.json" \
    --iptables=false --ip-masq=false --bridge=none
}

wait_engine20() {
  wait_until "$START_TIMEOUT" "Docker Engine 20.10 at $ENGINE20_HOST" "$BXG_LOGS/dockerd20.log" \
    "$DOCKER" -H "$ENGINE20_HOST" info
}

start_engine26() {
  if pid_alive "$ENGINE26_PIDFILE" && "$DOCKER" -H "$ENGINE26_HOST" info >/dev/null 2>&1; then
    log "engine 26 already running"
    return
  fi
  mkdir -p "$BXG_OPT/engine26" "$CONTAINERD26_ROOT" "$CONTAINERD26_STATE" "$ENGINE26_DATA" "$ENGINE26_EXEC"
  # Its own containerd: own sockets, root and state, so it never meets engine 20's containerd.
  cat >"$CONTAINERD26_CONFIG" <<EOF
version = 2
root = "$CONTAINERD26_ROOT"
state = "$CONTAINERD26_STATE"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$CONTAINERD26_SOCK"
[ttrpc]
  address = "$CONTAINERD26_SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
EOF
  cat >"$ENGINE26_CONFIG" <<'EOF'
{ "features": { "containerd-snapshotter": true } }
EOF
  # trixie's containerd and shim first on PATH; runc and docker-init (tini) are bookworm's.
  local path=$ENGINE26_BIN:/usr/sbin:/usr/bin:/sbin:/bin
  if ! ctr26 version >/dev/null 2>&1; then
    run_detached "$BXG_LOGS/containerd26.log" env PATH="$path" \
      "$ENGINE26_BIN/containerd" --config "$CONTAINERD26_CONFIG"
    wait_until "$START_TIMEOUT" "containerd 1.7 of engine 26 at $CONTAINERD26_SOCK" \
      "$BXG_LOGS/containerd26.log" ctr26 version
    echo "$last_pid" >"$CONTAINERD26_PIDFILE"
  fi
  run_detached "$BXG_LOGS/dockerd26.log" env PATH="$path" \
    "$ENGINE26_BIN/dockerd" -H "$ENGINE26_HOST" \
    --data-root "$ENGINE26_DATA" --exec-root "$ENGINE26_EXEC" --pidfile "$ENGINE26_PIDFILE" \
    --containerd "$CONTAINERD26_SOCK" --config-file "$ENGINE26_CONFIG" \
    --iptables=false --ip-masq=false --bridge=none
}

ctr26() { "$ENGINE26_BIN/ctr" --address "$CONTAINERD26_SOCK" "$@"; }

wait_engine26() {
  wait_until "$START_TIMEOUT" "Docker Engine 26.1.5 at $ENGINE26_HOST" "$BXG_LOGS/dockerd26.log" \
    "$DOCKER" -H "$ENGINE26_HOST" info
}

# Emulated RUN steps for linux/arm64. F: the kernel opens the interpreter now, so it works inside
# containers' mount namespaces; P: keep argv[0].
register_qemu_aarch64() {
  local binfmt=/proc/sys/fs/binfmt_misc
  if [ ! -e "$binfmt/register" ]; then
    mount -t binfmt_misc binfmt_misc "$binfmt" || die "cannot mount binfmt_misc on $binfmt (needed for linux/arm64 RUN steps)"
  fi
  if [ -e "$binfmt/qemu-aarch64" ]; then
    if grep -q '^enabled' "$binfmt/qemu-aarch64" && grep -q "interpreter $QEMU_AARCH64" "$binfmt/qemu-aarch64" &&
      grep -q '^flags: .*F' "$binfmt/qemu-aarch64"; then
      return
    fi
    echo -1 >"$binfmt/qemu-aarch64" # another registration (other path or flags): replace it
  fi
  # Debian's line is :name:type:offset:magic:mask:interpreter:flags; swap the last two fields.
  local rule
  rule=$(awk -F: -v OFS=: -v interp="$QEMU_AARCH64" '{ $7 = interp; $8 = "PF"; print; exit }' "$QEMU_AARCH64_BINFMT")
  printf '%s' "$rule" >"$binfmt/register" || die "registering qemu-aarch64 with binfmt_misc failed (rule: $rule)"
  log "registered qemu-aarch64 with binfmt_misc (flags PF)"
}

started=$(date +%s)
case $which in
  20) start_engine20 && wait_engine20 ;;
  26 | modern) start_engine26 && wait_engine26 ;;
  all)
    # Both start at once; each is awaited on its own so a failure names the right log.
    start_engine20
    start_engine26
    wait_engine20
    wait_engine26
    ;;
esac

register_qemu_aarch64
case $which in 20 | all) bash "$here/base-images.sh" 20 ;; esac
case $which in 26 | all | modern) bash "$here/base-images.sh" 26 ;; esac
[ "$which" != modern ] || bash "$here/start-modern.sh"

log "started in $(($(date +%s) - started))s"
case $which in
  20 | all) echo "engine 20.10.24: DOCKER_HOST=$ENGINE20_HOST" ;;
esac
case $which in
  26 | all | modern) echo "engine 26.1.5:   DOCKER_HOST=$ENGINE26_HOST" ;;
esac
if [ "$which" = modern ]; then
  echo "modern BuildKit:  DOCKER_CONFIG=$MODERN_DOCKER_CONFIG docker buildx build --builder $MODERN_BUILDER ..."
fi
