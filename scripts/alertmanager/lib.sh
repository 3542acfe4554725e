# shellcheck shell=bash disable=SC2034
# Shared settings of the test Alertmanager (sourced by install.sh, start.sh and stop.sh), so the
# three scripts cannot disagree on a version, a path or a port.

AM_VERSION=v0.35.0
AM_MODULE=github.com/prometheus/alertmanager

# Root keeps it in /opt like the other components; anyone else in their cache.
if [ "$(id -u)" = 0 ]; then
  AM_ROOT="${BXG_ALERTMANAGER_HOME:-/opt/buildx-gate-alertmanager}"
else
  AM_ROOT="${BXG_ALERTMANAGER_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/buildx-gate-alertmanager}"
fi
AM_BIN="$AM_ROOT/bin/alertmanager"
AM_STAMP="$AM_ROOT/bin/version.txt"
AM_RUN="$AM_ROOT/run"
AM_PORT="${BXG_ALERTMANAGER_PORT:-9093}"
AM_CLUSTER_PORT="${BXG_ALERTMANAGER_CLUSTER_PORT:-9094}"
AM_URL="http://127.0.0.1:$AM_PORT"

am_log() { printf '[alertmanager] %s\n' "$*"; }
am_die() {
  printf '[alertmanager] error: %s\n' "$*" >&2
  exit 1
}

# The test receiver: Alertmanager's webhook receiver posts every notification here, where the
# integration test (__tests__/verify-action/respond/alertmanager.itest.ts) listens and records it.
AM_RECEIVER_PORT="${BXG_ALERTMANAGER_RECEIVER_PORT:-9095}"
