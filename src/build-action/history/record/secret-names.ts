// BuildKit's rule for names that look like secrets lives in src/shared/secret-names.ts: the record
// keeps nothing of such build-args, and the action (run-plan.ts, which the post step loads too)
// masks and scrubs their values.
export { looksLikeSecretName } from '../../../shared/secret-names.js';
