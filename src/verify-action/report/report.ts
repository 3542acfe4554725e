// The JSON report (the action's `report` output file, the CLI's --json). Field
// names are the contract for scripts; add fields, never rename.
import type { CheckResult, Decision, RuleResult } from '../judge/decision.js';
import type { MessageCount } from '../measure/messages.js';
import type { RateComparison } from '../judge/comparison.js';
import type { NewError } from '../measure/measurement.js';
import type { RollbackOutcome } from '../respond/rollback.js';
import type { ServerInfo } from '../ports.js';
import type { NotifyOutcome } from '../respond/notify/notifier.js';
import type { PauseOutcome } from '../respond/pause.js';

export interface VerifyReport {
  decision: Decision;
  /** Whether the step fails (exit 1): fail, rollback, inconclusive under on-inconclusive fail, a failed rollback. */
  gateFailed: boolean;
  dryRun: boolean;
  reasons: string[];
  warnings: string[];
  errorCount: number;
  /** Errors per minute since the deploy. */
  errorRate: number;
  /** Errors per minute in the baseline window; null without one. */
  baselineRate: number | null;
  totalCount: number;
  breachedRules: string[];
  /** New kinds of error (the first 20; newErrorCount counts them all): with templates, each has template, firstSeen (epoch ms) and variantOf. */
  newErrors: (MessageCount | NewError)[];
  newErrorCount: number;
  /**
   * Kinds the baseline and the lookback never held, with too few window lines to tell from chance
   * (templates only; the first 20): listed as "seen once, not judged", never counted as new.
   */
  unjudgedNewErrors: NewError[];
  /**
   * The gate's own noise (A/A): the same judgement between the baseline's halves, where nothing
   * changed. newKindsReliable is false when it found new kinds there: max-new-errors is then not
   * applied. Null without a baseline cut in two.
   */
  aa: {
    splitAt: string;
    /** Null when kinds were not judged (no templates). */
    newKindCount: number | null;
    newKinds: NewError[];
    rate: RateComparison | null;
    newKindsReliable: boolean;
  } | null;
  /** Top error kinds since the deploy: with templates, each has its template and an exact count. */
  topMessages: MessageCount[];
  /** Window errors matching none of the top kinds shown (templates only; null otherwise). */
  unmatchedErrors: number | null;
  /** The rate test that decided "errors increased" in the last measured check (canary or baseline); null when none applied. */
  comparison: RateComparison | null;
  /** Every rate test of the last measured check. */
  comparisons: RateComparison[];
  /** How messages were grouped: templates (a text field: mined, counted exactly), terms (keyword-only field), sample (normalised hits). */
  messageStrategy: string | null;
  /** The message counts are lower bounds: from a sample, or from the most frequent distinct messages only. */
  messagesSampled: boolean;
  rules: RuleResult[];
  checks: CheckResult[];
  /** Errors per bucket from `start` (the baseline's) to `end` (the window's), edges on the deploy. */
  timeline: {
    stepMinutes: number;
    deployedAt: number;
    start: number;
    end: number;
    buckets: { at: number; errors: number }[];
  } | null;
  scope: {
    index: string;
    service: string | null;
    environment: string | null;
    version: string | null;
    levels: string[];
    deployedAt: string;
    windowEnd: string | null;
    baselineStart: string | null;
  };
  server: ServerInfo | null;
  /** The last search request, for reproducing a figure by hand. */
  query: { index: string; body: Record<string, unknown> } | null;
  kibanaUrl: string | null;
  rollback: RollbackOutcome & { /** A dry run that would have rolled back. */ wouldTrigger: boolean };
  /** The rollout was paused (decision pause, not a dry run): the job fails, nothing was rolled back. */
  paused: boolean;
  /** pause-command's result and how to resume; empty unless paused. */
  pause: PauseOutcome;
  /** Alerts sent to Alertmanager and the webhook, and each delivery. */
  notifications: NotifyOutcome;
  /**
   * Search requests per check at most (1, or 2 with error templates), extra searches for the top messages
   * (1 when the verdict came before the last scheduled check), and each check's latency.
   */
  performance: {
    requestsPerCheck: number;
    messageRequests: number;
    checkLatencyMs: number[];
    /** Searches each check made: 1, or 2 when it counted error templates. */
    checkRoundTrips: number[];
  };
}
