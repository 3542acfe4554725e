#!/usr/bin/env bash
# rollback-command for an Argo Rollouts Rollout (https://argoproj.github.io/rollouts/):
#
#   rollback-command: examples/argo-rollouts/rollback.sh
#   env: { ROLLOUT: checkout, NAMESPACE: shop }
#
# A rollout still in its canary steps (Progressing, Paused) is aborted: traffic and replicas go back to
# the stable version at once. A rollout already fully promoted (Healthy, or Degraded without an abort)
# is undone to the previous revision and watched until it is healthy again; give the Rollout a
# rollbackWindow (see rollout.yaml) so the undo skips the canary steps. An aborted rollout is left as it
# is: the stable version already serves. The verdict comes in BXG_* variables from the verify action.
set -euo pipefail

rollout=${ROLLOUT:?set ROLLOUT (the Rollout name) in the step env}
namespace=${NAMESPACE:-default}
timeout=${ROLLBACK_TIMEOUT:-10m}

state=$(kubectl get rollout "$rollout" -n "$namespace" -o 'jsonpath={.status.phase}/{.status.abort}')
phase=${state%%/*}
aborted=${state#*/}
echo "buildx-gate: ${BXG_DECISION:-rollback} of rollout $rollout in $namespace (phase $phase): ${BXG_REASON:-}"

case "$phase" in
  Progressing | Paused)
    kubectl argo rollouts abort "$rollout" -n "$namespace"
    ;;
  Healthy | Degraded)
    if [ "$aborted" = true ]; then
      echo "rollout $rollout is already aborted: the stable version serves"
      exit 0
    fi
    kubectl argo rollouts undo "$rollout" -n "$namespace"
    kubectl argo rollouts status "$rollout" -n "$namespace" --timeout "$timeout"
    ;;
  *)
    echo "rollout $rollout has phase '$phase', which this script does not know how to roll back" >&2
    exit 1
    ;;
esac
