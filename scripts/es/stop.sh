#!/usr/bin/env bash
# Stops Elasticsearch test nodes that start.sh started, gracefully, and waits until they are gone.
#
#   scripts/es/stop.sh [8|9|8-secure|opensearch|all]     (default: all)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

STOP_TIMEOUT_SECONDS=60

stop_node() {
  local name="$1" pidfile pid
  es_require_node_name "$name"
  pidfile="$ES_NODES_DIR/$name/node.pid"
  if [ ! -f "$pidfile" ] || ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "$(es_node_label "$name") is not running"
    rm -f "$pidfile"
    return 0
  fi
  pid="$(cat "$pidfile")"
  kill -TERM "$pid"
  for _ in $(seq "$STOP_TIMEOUT_SECONDS"); do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$pidfile"
      echo "$(es_node_label "$name") stopped"
      return 0
    fi
    sleep 1
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  echo "$(es_node_label "$name") did not stop within ${STOP_TIMEOUT_SECONDS}s and was killed" >&2
}

target="${1:-all}"
if [ "$target" = all ]; then
  for name in $(es_known_nodes); do stop_node "$name"; done
else
  stop_node "$target"
fi
