// The JSON report from what each phase returned: the checks and the verdict,
// what the measuring kept, the rollback, the pause and the alerts. Also which
// check the report's figures come from. Pure.
import type { VerifyConfig } from '../config/config.js';
import {
  gateFails,
  MAX_KEPT_NEW_ERRORS,
  newErrorsOf,
  type CheckResult,
  type Verdict,
} from '../judge/decision.js';
import { newKindsUnreliable } from '../judge/aa-check.js';
import type { NewError } from '../measure/measurement.js';
import type { MeasureRecord } from '../measure/measurer.js';
import type { MessageCount } from '../measure/messages.js';
import type { SearchPlan } from '../measure/plan.js';
import type { ServerInfo } from '../ports.js';
import { afterDelivery, type NotifyOutcome } from '../respond/notify/notifier.js';
import type { PauseStep } from '../respond/pause.js';
import type { RollbackStep } from '../respond/rollback.js';
import { kibanaLink } from './kibana.js';
import type { VerifyReport } from './report.js';

/** The check the report's figures come from: the last one that measured, else the last one. */
export function reportedCheck(checks: readonly CheckResult[]): CheckResult {
  const last = [...checks].reverse().find((c) => c.status !== 'error') ?? checks.at(-1);
  if (last === undefined) throw new Error('a verification always has at least one check');
  return last;
}

/** New kinds of error: from the messages fetched after an early verdict, else from the check itself. */
export function reportedNewErrors(last: CheckResult, measured: MeasureRecord): (MessageCount | NewError)[] {
  const { messages, lastMeasurement } = measured;
  if (messages && lastMeasurement)
    return newErrorsOf({ ...lastMeasurement, ...messages, messagesIncluded: true });
  return last.newErrors;
}

/** What each phase returned. */
export interface ReportParts {
  plan: SearchPlan | null;
  server: ServerInfo | null;
  /** At least one. */
  checks: CheckResult[];
  verdict: Verdict;
  measured: MeasureRecord;
  /** The reported check (reportedCheck). */
  last: CheckResult;
  newErrors: (MessageCount | NewError)[];
  breachedRules: string[];
  rollback: RollbackStep;
  pause: PauseStep;
  notifications: NotifyOutcome;
  warnings: string[];
}

export function assembleReport(
  config: Pick<VerifyConfig, 'scope' | 'judgement' | 'response' | 'output'>,
  parts: ReportParts,
): VerifyReport {
  const { verdict, measured, last, rollback, pause, notifications } = parts;
  // An alert nobody received turns a pass into on-error's decision.
  const delivered = afterDelivery(config, verdict.decision, notifications);
  const { decision } = delivered;
  const m = measured.lastMeasurement;
  const request = measured.lastRequest;
  const { reasons: _reasons, warnings: _warnings, ...rollbackOutcome } = rollback;
  const { scope } = config;
  const { dryRun } = config.response;
  return {
    decision,
    gateFailed: gateFails(config, decision) || (!dryRun && rollback.succeeded === false),
    dryRun,
    reasons: [...verdict.reasons, ...rollback.reasons, ...pause.reasons, ...delivered.reasons],
    warnings: [...new Set(parts.warnings)],
    errorCount: last.errorCount,
    errorRate: last.errorRate,
    baselineRate: last.baselineRate,
    totalCount: last.total,
    breachedRules: parts.breachedRules,
    newErrors: parts.newErrors.slice(0, MAX_KEPT_NEW_ERRORS),
    newErrorCount: parts.newErrors.length,
    topMessages: measured.messages?.topMessages ?? m?.topMessages ?? [],
    messageStrategy: m?.messageStrategy ?? null,
    messagesSampled: measured.messages?.sampled ?? m?.sampled ?? false,
    rules: last.rules,
    checks: parts.checks,
    timeline: m
      ? {
          stepMinutes: m.timeline.stepMinutes,
          deployedAt: scope.deployedAt,
          start: m.baseline?.start ?? m.window.start,
          end: m.window.end,
          buckets: m.timeline.buckets,
        }
      : null,
    scope: {
      index: scope.index,
      service: scope.service ?? null,
      environment: scope.environment ?? null,
      version: scope.version ?? null,
      levels: scope.levels,
      deployedAt: new Date(scope.deployedAt).toISOString(),
      windowEnd: m ? new Date(m.window.end).toISOString() : null,
      baselineStart: m?.baseline ? new Date(m.baseline.start).toISOString() : null,
    },
    server: parts.server,
    query: request ? { index: request.index, body: request.body } : null,
    kibanaUrl: parts.plan ? kibanaLink(config, parts.plan, last) : null,
    rollback: { ...rollbackOutcome, wouldTrigger: verdict.decision === 'rollback' && dryRun },
    paused: verdict.decision === 'pause' && !dryRun,
    pause: pause.outcome ?? { triggered: false, succeeded: null, detail: '', resume: [] },
    notifications,
    unmatchedErrors: (measured.messages?.templates ?? m?.templates)?.unmatched ?? null,
    unjudgedNewErrors: ((measured.messages?.templates ?? m?.templates)?.unjudged ?? []).slice(
      0,
      MAX_KEPT_NEW_ERRORS,
    ),
    comparison: last.comparison,
    comparisons: last.comparisons,
    aa: last.aa
      ? {
          splitAt: new Date(last.aa.splitAt).toISOString(),
          newKindCount: last.aa.newKinds?.length ?? null,
          newKinds: (last.aa.newKinds ?? []).slice(0, MAX_KEPT_NEW_ERRORS),
          rate: last.aa.rate,
          newKindsReliable: !newKindsUnreliable(last.aa),
        }
      : null,
    performance: {
      requestsPerCheck: Math.max(1, ...measured.roundTrips),
      messageRequests: measured.messageRequests,
      checkLatencyMs: measured.latencies,
      checkRoundTrips: measured.roundTrips,
    },
  };
}
