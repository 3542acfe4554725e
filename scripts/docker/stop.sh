#!/usr/bin/env bash
# Stops the daemons that start.sh started (by the pids in their pid files, never by name).
# Usage: stop.sh [--purge]   --purge also deletes their images, build cache and state, so the next
#                            start.sh begins from a clean state (the installed binaries stay).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

purge=false
case ${1:-} in
  '') ;;
  --purge) purge=true ;;
  *) die "unknown argument '$1' (expected: --purge)" ;;
esac
require_root

# stop_pidfile NAME PIDFILE: SIGTERM, up to 30 s for a clean exit, then SIGKILL.
stop_pidfile() {
  local name=$1 pidfile=$2 pid
  if ! pid_alive "$pidfile"; then
    rm -f "$pidfile"
    return
  fi
  pid=$(cat "$pidfile")
  kill -TERM "$pid"
  for _ in $(seq 150); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name (pid $pid) did not exit after SIGTERM within 30s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  log "stopped $name (pid $pid)"
}

stop_pidfile "modern buildkitd" "$MODERN_PIDFILE"
stop_pidfile "modern registry" "$MODERN_REGISTRY_PIDFILE"
stop_pidfile "engine 26 dockerd" "$ENGINE26_PIDFILE"
stop_pidfile "engine 26 containerd" "$CONTAINERD26_PIDFILE"
stop_pidfile "engine 20 dockerd" "$ENGINE20_PIDFILE" # its managed containerd exits with it

if $purge; then
  for dir in /var/lib/docker /var/run/docker "$ENGINE26_DATA" "$ENGINE26_EXEC" "$CONTAINERD26_ROOT" \
    "$CONTAINERD26_STATE" "$MODERN_ROOT" "$(dirname "$MODERN_SOCK")"; do
    [ -e "$dir" ] || continue
    # Overlay and shm mounts a killed daemon left behind, deepest first.
    awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/mounts | sort -r |
      while read -r mnt; do umount -l "$mnt" || true; done
    rm -rf "$dir"
  done
  rm -f "$ENGINE20_SOCK" "$ENGINE26_SOCK"
  log "purged engine state (images, build cache, containers)"
fi
