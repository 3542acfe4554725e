#!/usr/bin/env bash
# rollback-command for a plain Kubernetes Deployment:
#
#   rollback-command: examples/argo-rollouts/rollback-deployment.sh
#   env: { DEPLOYMENT: checkout, NAMESPACE: shop }
#
# Undoes the Deployment to its previous revision and waits until the rollout is complete. A Deployment
# paused earlier (pause-command: kubectl rollout pause deployment/...) is resumed first, since
# `kubectl rollout undo` refuses a paused Deployment.
set -euo pipefail

deployment=${DEPLOYMENT:?set DEPLOYMENT (the Deployment name) in the step env}
namespace=${NAMESPACE:-default}
timeout=${ROLLBACK_TIMEOUT:-10m}

echo "buildx-gate: ${BXG_DECISION:-rollback} of deployment $deployment in $namespace: ${BXG_REASON:-}"
if [ "$(kubectl get deployment "$deployment" -n "$namespace" -o 'jsonpath={.spec.paused}')" = true ]; then
  kubectl rollout resume "deployment/$deployment" -n "$namespace"
fi
kubectl rollout undo "deployment/$deployment" -n "$namespace"
kubectl rollout status "deployment/$deployment" -n "$namespace" --timeout "$timeout"
