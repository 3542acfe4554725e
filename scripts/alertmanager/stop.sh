#!/usr/bin/env bash
# Stops the test Alertmanager that start.sh started (by its pid file only).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

pidfile="$AM_RUN/alertmanager.pid"
if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  kill "$(cat "$pidfile")"
  for _ in $(seq 1 20); do kill -0 "$(cat "$pidfile")" 2>/dev/null || break; sleep 0.25; done
  am_log "stopped"
else
  am_log "not running"
fi
rm -f "$pidfile"
