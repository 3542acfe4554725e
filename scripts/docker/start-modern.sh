#!/usr/bin/env bash
# Starts the modern stack built by install-modern.sh (called by start.sh modern, after engine 26):
#   - a registry on 127.0.0.1:5000 (loopback only) holding engine 26's local base images,
#   - buildkitd (OCI worker, bookworm's runc) on unix:///var/run/buildkit-modern/buildkitd.sock,
#     with that registry as its docker.io mirror, so "FROM local/busybox-full:1" resolves locally,
#   - the buildx remote builder "bxg-modern" in DOCKER_CONFIG=/opt/buildx-gate/modern/docker-config.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"
require_root

bin=$MODERN_DIR/bin
[ -x "$bin/buildkitd" ] || die "the modern stack is not built: run scripts/docker/install.sh --modern first"
DOCKER=$(docker_cli)
"$DOCKER" -H "$ENGINE26_HOST" info >/dev/null 2>&1 ||
  die "engine 26 does not answer at $ENGINE26_HOST (the modern stack takes its base images from it)"
START_TIMEOUT=${BXG_START_TIMEOUT:-60}

run_detached() {
  local logfile=$1 pidfile=$2
  shift 2
  echo "=== $(date -u +%FT%TZ) starting: $*" >>"$logfile"
  setsid nohup "$@" >>"$logfile" 2>&1 </dev/null &
  echo $! >"$pidfile"
}

registry_up() { curl -fsS "http://$MODERN_REGISTRY_ADDR/v2/" >/dev/null; }

if ! pid_alive "$MODERN_REGISTRY_PIDFILE"; then
  mkdir -p "$MODERN_ROOT/registry"
  cat >"$MODERN_DIR/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $MODERN_ROOT/registry
http:
  addr: $MODERN_REGISTRY_ADDR
EOF
  run_detached "$BXG_LOGS/registry-modern.log" "$MODERN_REGISTRY_PIDFILE" \
    env OTEL_TRACES_EXPORTER=none "$bin/registry" serve "$MODERN_DIR/registry.yml"
  wait_until "$START_TIMEOUT" "the registry at $MODERN_REGISTRY_ADDR" "$BXG_LOGS/registry-modern.log" registry_up
fi

# Engine 26 pushes to loopback registries over plain HTTP without configuration.
for image in local/busybox:1 local/busybox-full:1 local/busybox-multi:1; do
  if ! curl -fs -o /dev/null "http://$MODERN_REGISTRY_ADDR/v2/${image%:*}/manifests/${image#*:}" \
    -H 'Accept: application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json'; then
    "$DOCKER" -H "$ENGINE26_HOST" tag "$image" "$MODERN_REGISTRY_ADDR/$image"
    "$DOCKER" -H "$ENGINE26_HOST" push -q "$MODERN_REGISTRY_ADDR/$image" >/dev/null ||
      die "pushing $image to $MODERN_REGISTRY_ADDR failed"
    "$DOCKER" -H "$ENGINE26_HOST" rmi "$MODERN_REGISTRY_ADDR/$image" >/dev/null
    log "pushed $image to the modern stack's registry"
  fi
done

if ! pid_alive "$MODERN_PIDFILE"; then
  mkdir -p "$MODERN_ROOT" "$(dirname "$MODERN_SOCK")"
  cat >"$MODERN_DIR/buildkitd.toml" <<EOF
root = "$MODERN_ROOT/buildkit"
[grpc]
  address = ["unix://$MODERN_SOCK"]
[worker.oci]
  enabled = true
  gc = true
[worker.containerd]
  enabled = false
[registry."docker.io"]
  mirrors = ["$MODERN_REGISTRY_ADDR"]
[registry."$MODERN_REGISTRY_ADDR"]
  http = true
EOF
  run_detached "$BXG_LOGS/buildkitd-modern.log" "$MODERN_PIDFILE" \
    env PATH=/usr/sbin:/usr/bin:/sbin:/bin OTEL_TRACES_EXPORTER=none \
    "$bin/buildkitd" --config "$MODERN_DIR/buildkitd.toml"
  wait_until "$START_TIMEOUT" "buildkitd at unix://$MODERN_SOCK" "$BXG_LOGS/buildkitd-modern.log" test -S "$MODERN_SOCK"
fi

export DOCKER_CONFIG=$MODERN_DOCKER_CONFIG
if ! "$DOCKER" buildx inspect "$MODERN_BUILDER" >/dev/null 2>&1; then
  "$DOCKER" buildx create --name "$MODERN_BUILDER" --driver remote "unix://$MODERN_SOCK" >/dev/null
fi
wait_until "$START_TIMEOUT" "the buildx builder $MODERN_BUILDER" "$BXG_LOGS/buildkitd-modern.log" \
  "$DOCKER" buildx inspect --bootstrap "$MODERN_BUILDER"
