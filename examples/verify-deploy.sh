#!/usr/bin/env bash
# Deploy, then gate the deploy on its logs with the buildx-gate CLI, from any CI or a
# terminal (Jenkins, Buildkite, cron). Needs bash, node >= 20 and a checkout of buildx-gate.
#
#   ES_URL=https://es.example.com:9200 BUILDX_GATE_API_KEY=... SERVICE=checkout \
#     DEPLOY_COMMAND='kubectl -n production set image deployment/checkout app=registry/app:2.4.1' \
#     ROLLBACK_COMMAND='kubectl -n production rollout undo deployment/checkout' \
#     examples/verify-deploy.sh
#
# Credentials go in BUILDX_GATE_<NAME> variables (BUILDX_GATE_API_KEY, BUILDX_GATE_PASSWORD):
# never on the command line, where `ps` shows them. Exit status: 0 the deploy passed, 1 the gate
# failed (after the rollback command ran, on a rollback decision), 2 a usage error.
set -euo pipefail

: "${ES_URL:?set ES_URL, e.g. https://es.example.com:9200}"
: "${SERVICE:?set SERVICE, the service.name of the deployed service}"
ENVIRONMENT=${ENVIRONMENT:-production}
INDEX=${INDEX:-logs-*}
DURATION=${DURATION:-10m}
INTERVAL=${INTERVAL:-30s}
BUILDX_GATE=${BUILDX_GATE:-"node $(cd "$(dirname "$0")/.." && pwd)/dist/cli.js"}

# When the deploy started: the baseline is the 30 minutes before it, the checks count from it.
DEPLOYED_AT=${DEPLOYED_AT:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}
if [ -n "${DEPLOY_COMMAND:-}" ]; then
  echo "deploying: $DEPLOY_COMMAND" >&2
  bash -c "$DEPLOY_COMMAND"
fi

args=(
  --elasticsearch-url "$ES_URL"
  --index "$INDEX"
  --service "$SERVICE"
  --environment "$ENVIRONMENT"
  --deployed-at "$DEPLOYED_AT"
  --interval "$INTERVAL"
  --duration "$DURATION"
  --rules '- {name: timeouts, phrase: timeout, max: 20, action: rollback}'
)
[ -n "${ROLLBACK_COMMAND:-}" ] && args+=(--rollback-command "$ROLLBACK_COMMAND")
[ -n "${REPORT_PATH:-}" ] && args+=(--report-path "$REPORT_PATH")
[ -n "${EXTRA_ARGS:-}" ] && read -r -a extra <<<"$EXTRA_ARGS" && args+=("${extra[@]}")

status=0
$BUILDX_GATE verify "${args[@]}" || status=$?
case $status in
  0) echo "deploy of $SERVICE verified: pass" >&2 ;;
  1) echo "deploy of $SERVICE failed verification (see the report above)" >&2 ;;
  *) echo "buildx-gate verify could not run (exit $status)" >&2 ;;
esac
exit "$status"
