#!/usr/bin/env bash
# Starts the test Alertmanager on 127.0.0.1:$AM_PORT (see lib.sh), built by install.sh. Idempotent: a
# running, ready instance is left alone. Its one receiver is a webhook to 127.0.0.1:$AM_RECEIVER_PORT,
# where the integration test records what Alertmanager sends; group_wait and group_interval are 1s so
# a notification (and its resolve) arrives within seconds. Clustering is off (no gossip port).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ready() { curl -fs -o /dev/null --max-time 2 "$AM_URL/-/ready" 2>/dev/null; }

pidfile="$AM_RUN/alertmanager.pid"
if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && ready; then
  am_log "already running at $AM_URL (pid $(cat "$pidfile"))"
  exit 0
fi
[ -x "$AM_BIN" ] || am_die "no Alertmanager at $AM_BIN: run scripts/alertmanager/install.sh first"
if ready; then am_die "something else answers at $AM_URL; set BXG_ALERTMANAGER_PORT to another port"; fi

mkdir -p "$AM_RUN/data"
cat >"$AM_RUN/alertmanager.yml" <<YAML
# Written by scripts/alertmanager/start.sh: every alert goes to the test's recording server.
route:
  receiver: recorder
  group_by: ['...']
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 4h
receivers:
  - name: recorder
    webhook_configs:
      - url: http://127.0.0.1:$AM_RECEIVER_PORT/alertmanager
        send_resolved: true
YAML

# setsid: a daemon left in the caller's process group dies when that group is cleaned up.
setsid nohup "$AM_BIN" \
  --config.file="$AM_RUN/alertmanager.yml" \
  --storage.path="$AM_RUN/data" \
  --web.listen-address="127.0.0.1:$AM_PORT" \
  --cluster.listen-address= \
  --log.level=info \
  >"$AM_RUN/alertmanager.log" 2>&1 </dev/null &
echo $! >"$pidfile"

for _ in $(seq 1 60); do
  if ready; then
    am_log "Alertmanager $AM_VERSION ready at $AM_URL (pid $(cat "$pidfile"), receiver 127.0.0.1:$AM_RECEIVER_PORT)"
    exit 0
  fi
  kill -0 "$(cat "$pidfile")" 2>/dev/null || break
  sleep 0.5
done
tail -n 20 "$AM_RUN/alertmanager.log" >&2 || true
am_die "Alertmanager did not become ready at $AM_URL (log: $AM_RUN/alertmanager.log)"
