#!/usr/bin/env bash
# Starts Elasticsearch test nodes in the background and waits until each answers with a green or
# yellow cluster health. Prints each node's URL. Starting a node that already runs is a no-op.
#
#   scripts/es/start.sh [8|9|8-secure|opensearch|all]     (default: all)
#
#   8         http://127.0.0.1:9200  Elasticsearch 8, security off      (BXG_ES8_PORT, BXG_ES8_HEAP)
#   9         http://127.0.0.1:9201  Elasticsearch 9, security off      (BXG_ES9_PORT)
#   8-secure  https://127.0.0.1:9202 Elasticsearch 8, TLS + security on (BXG_ES_SECURE_PORT): basic
#             auth, API keys and bearer tokens; its CA and test user are in nodes/8-secure/ (see
#             __tests__/support/es-env.ts)
#   opensearch http://127.0.0.1:9203 OpenSearch 3, security off         (BXG_OPENSEARCH_PORT)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

START_TIMEOUT_SECONDS="${BXG_ES_START_TIMEOUT:-180}"

node_dir() { echo "$ES_NODES_DIR/$1"; }

write_config() {
  local name="$1" dir port home
  dir="$(node_dir "$name")"
  port="$(es_node_port "$name")"
  home="$(es_dist_home "$name")"
  mkdir -p "$dir/config" "$dir/data" "$dir/logs"
  # The 9.x node takes its settings from es9/Es9Node.java.
  [ "$name" = 9 ] && return 0
  if [ "$name" = opensearch ]; then
    write_opensearch_config "$dir" "$port" "$home"
    return 0
  fi
  cp "$home/config/log4j2.properties" "$dir/config/"
  # The security realm files: copied once, since the file realm's users are added to them.
  for file in users users_roles roles.yml role_mapping.yml; do
    [ -f "$dir/config/$file" ] || cp "$home/config/$file" "$dir/config/"
  done
  # The stock jvm.options writes gc.log and crash files relative to the working directory.
  sed -e "s|file=gc.log|file=$dir/logs/gc.log|" -e "s|ErrorFile=hs_err_pid|ErrorFile=$dir/logs/hs_err_pid|" \
    "$home/config/jvm.options" >"$dir/config/jvm.options"
  mkdir -p "$dir/config/jvm.options.d"
  cat >"$dir/config/elasticsearch.yml" <<YML
# Written by scripts/es/start.sh on every start; edit the script, not this file.
cluster.name: buildx-gate-$name
node.name: bxg-$name
network.host: 127.0.0.1
http.port: $port
transport.port: $((port + 100))
discovery.type: single-node
path.data: $dir/data
path.logs: $dir/logs
# A test machine's disk may be fuller than a production watermark allows; never go read-only.
cluster.routing.allocation.disk.threshold_enabled: false
# Tests clean up their own indices with wildcards (bxgtest-*).
action.destructive_requires_name: false
YML
  if [ "$name" = 8-secure ]; then
    prepare_security "$dir"
  else
    echo "xpack.security.enabled: false" >>"$dir/config/elasticsearch.yml"
  fi
}

write_opensearch_config() {
  local dir="$1" port="$2" home="$3"
  cp "$home/config/log4j2.properties" "$dir/config/"
  # The Java runtime from PyPI has no jdk.incubator.vector (Lucene then uses its scalar code); paths
  # made absolute like for Elasticsearch.
  grep -v 'jdk.incubator.vector' "$home/config/jvm.options" |
    sed -e "s|file=logs/gc.log|file=$dir/logs/gc.log|" -e "s|ErrorFile=logs/|ErrorFile=$dir/logs/|" \
      -e "s|HeapDumpPath=data|HeapDumpPath=$dir/data|" -e "s|javaagent:agent/|javaagent:$home/agent/|" \
      >"$dir/config/jvm.options"
  cat >"$dir/config/opensearch.yml" <<YML
# Written by scripts/es/start.sh on every start; edit the script, not this file.
cluster.name: buildx-gate-opensearch
node.name: bxg-opensearch
network.host: 127.0.0.1
http.port: $port
transport.port: $((port + 100))
discovery.type: single-node
path.data: $dir/data
path.logs: $dir/logs
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
YML
}

# TLS with a CA of our own (so tests can pass ca-cert and its fingerprint), a superuser in the file
# realm, API keys and the token service (bearer tokens).
prepare_security() {
  local dir="$1" certs="$1/config/certs"
  if [ ! -f "$certs/node.crt" ]; then
    mkdir -p "$certs"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=buildx-gate test CA" \
      -keyout "$certs/ca.key" -out "$certs/ca.crt" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" \
      -keyout "$certs/node.key" -out "$certs/node.csr" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >"$certs/node.ext"
    openssl x509 -req -in "$certs/node.csr" -CA "$certs/ca.crt" -CAkey "$certs/ca.key" -CAcreateserial \
      -days 3650 -extfile "$certs/node.ext" -out "$certs/node.crt" 2>/dev/null
    rm -f "$certs/node.csr" "$certs/node.ext"
  fi
  # The node presents its certificate with the CA, as Elasticsearch's own auto-configured TLS does,
  # so clients can pin the CA by fingerprint.
  cat "$certs/node.crt" "$certs/ca.crt" >"$certs/node-chain.crt"
  cat >>"$dir/config/elasticsearch.yml" <<YML
xpack.security.enabled: true
xpack.security.http.ssl.enabled: true
xpack.security.http.ssl.key: certs/node.key
xpack.security.http.ssl.certificate: certs/node-chain.crt
xpack.security.http.ssl.certificate_authorities: [certs/ca.crt]
xpack.security.authc.api_key.enabled: true
xpack.security.authc.token.enabled: true
# OAuth2 bearer tokens need more than the basic license: a new cluster starts a 30-day trial.
xpack.license.self_generated.type: trial
YML
  local credentials="$dir/credentials.json"
  if [ ! -f "$credentials" ]; then
    local password
    password="$(openssl rand -hex 16)"
    chown_node "$dir"
    es_as_runner env ES_JAVA_HOME="$(es_java_home)" ES_PATH_CONF="$dir/config" \
      "$(es_dist_home 8-secure)/bin/elasticsearch-users" useradd bxg_verify -p "$password" -r superuser >/dev/null
    local fingerprint
    fingerprint="$(openssl x509 -in "$dir/config/certs/ca.crt" -noout -fingerprint -sha256 | cut -d= -f2)"
    (
      umask 077
      cat >"$credentials" <<JSON
{
  "username": "bxg_verify",
  "password": "$password",
  "caCertPath": "$dir/config/certs/ca.crt",
  "caFingerprint": "$fingerprint"
}
JSON
    )
  fi
}

chown_node() {
  [ "$(id -u)" = 0 ] || return 0
  chown -R "$ES_RUN_USER:$ES_RUN_USER" "$1"
  # The credentials and the CA's key stay root's; the node user needs neither.
  [ -f "$1/credentials.json" ] && chown root:root "$1/credentials.json"
  [ -f "$1/config/certs/ca.key" ] && chown root:root "$1/config/certs/ca.key"
  return 0
}

node_url() { echo "$(es_node_scheme "$1")://127.0.0.1:$(es_node_port "$1")"; }

# Health as the node reports it, or nothing when it does not answer yet.
node_health() {
  local name="$1" args=(-sS --max-time 5)
  if [ "$name" = 8-secure ]; then
    local dir password
    dir="$(node_dir "$name")"
    password="$(sed -n 's/.*"password": "\(.*\)".*/\1/p' "$dir/credentials.json")"
    args+=(--cacert "$dir/config/certs/ca.crt" -u "bxg_verify:$password")
  fi
  curl "${args[@]}" "$(node_url "$name")/_cluster/health?wait_for_status=yellow&timeout=2s" 2>/dev/null |
    sed -n 's/.*"status":"\([a-z]*\)".*/\1/p'
}

node_pid() {
  local pidfile
  pidfile="$(node_dir "$1")/node.pid"
  [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null && cat "$pidfile"
}

start_node() {
  local name="$1" dir log
  es_require_node_name "$name"
  dir="$(node_dir "$name")"
  log="$dir/logs/buildx-gate-$name.log"
  local runner=()
  [ "$(id -u)" = 0 ] && runner=(runuser -u "$ES_RUN_USER" --)
  if [ -n "$(node_pid "$name")" ]; then
    case "$(node_health "$name")" in
      green | yellow)
        echo "$(es_node_label "$name") already running at $(node_url "$name")"
        return 0
        ;;
    esac
  fi
  if curl -s --max-time 2 -o /dev/null "http://127.0.0.1:$(es_node_port "$name")" ||
    curl -sk --max-time 2 -o /dev/null "https://127.0.0.1:$(es_node_port "$name")"; then
    es_die "port $(es_node_port "$name") is already taken by another process; stop it or set the node's port variable (see the head of this script)"
  fi

  local home
  home="$(es_dist_home "$name")"
  [ -f "$home/.bxg-installed" ] || es_die "'$name' is not installed: run scripts/es/install.sh ${name%-secure}"

  write_config "$name"
  chown_node "$dir"
  rm -f "$dir/node.pid"
  local heap started launcher_pid=""
  heap="$(es_node_heap "$name")"
  started=$(date +%s)
  if [ "$name" = 9 ]; then
    # The in-process 9.x node (es9/Es9Node.java) writes its own pid file once the JVM runs.
    mkdir -p "$dir/tmp"
    chown_node "$dir"
    (cd "$dir/logs" && exec setsid "${runner[@]}" "$(es9_java)" "-Xms$heap" "-Xmx$heap" -XX:+UseG1GC -XX:+HeapDumpOnOutOfMemoryError \
      -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED -Djava.io.tmpdir="$dir/tmp" \
      -Dlog4j2.formatMsgNoLookups=true -Dbxg.pidfile="$dir/node.pid" \
      -cp "$home/lib/*:$home/classes" Es9Node "$dir" "$home/modules" "$(es_node_port "$name")" \
      >>"$log" 2>&1 </dev/null) &
    launcher_pid=$!
  elif [ "$name" = opensearch ]; then
    (cd "$dir/logs" && setsid -w "${runner[@]}" env OPENSEARCH_JAVA_HOME="$(dirname "$(dirname "$(es9_java)")")" \
      OPENSEARCH_PATH_CONF="$dir/config" OPENSEARCH_JAVA_OPTS="-Xms$heap -Xmx$heap" \
      "$home/bin/opensearch" -d -p "$dir/node.pid" >"$dir/logs/start.out" 2>&1) || {
      tail -n 30 "$dir/logs/start.out" >&2
      es_die "OpenSearch failed to start; see $dir/logs/start.out and $log"
    }
  # -d returns once the node has started or failed; its own output goes to start.out.
  # setsid: a daemon left in the caller's process group dies when that group is
  # signalled (a finished CI step or shell job), which looked like a silent crash.
  elif ! (cd "$dir/logs" && setsid -w "${runner[@]}" env ES_JAVA_HOME="$(es_java_home)" ES_PATH_CONF="$dir/config" \
    ES_JAVA_OPTS="-Xms$heap -Xmx$heap" "$home/bin/elasticsearch" -d -p "$dir/node.pid" \
    >"$dir/logs/start.out" 2>&1); then
    echo "$(es_node_label "$name") failed to start; its output ($dir/logs/start.out):" >&2
    tail -n 30 "$dir/logs/start.out" >&2
    es_die "see $log for the node's log"
  fi
  until [ "$(date +%s)" -ge $((started + START_TIMEOUT_SECONDS)) ]; do
    case "$(node_health "$name")" in
      green | yellow)
        echo "$(es_node_label "$name") is up at $(node_url "$name") (pid $(cat "$dir/node.pid"), started in $(($(date +%s) - started))s)"
        return 0
        ;;
    esac
    # OpenSearch's -d returns before the daemon has written its pid file.
    if [ "$name" = opensearch ] && [ ! -f "$dir/node.pid" ] && [ "$(date +%s)" -lt $((started + 60)) ]; then
      sleep 1
      continue
    fi
    if [ -z "$(node_pid "$name")" ] && ! { [ -n "$launcher_pid" ] && kill -0 "$launcher_pid" 2>/dev/null; }; then
      tail -n 30 "$log" >&2 || true
      es_die "'$name' exited while starting; see $log"
    fi
    sleep 1
  done
  es_die "'$name' did not reach yellow health within ${START_TIMEOUT_SECONDS}s; see $log"
}

target="${1:-all}"
if [ "$target" = all ]; then
  for name in $(es_known_nodes); do start_node "$name"; done
else
  start_node "$target"
fi
