// Pure evaluation: one check's measurement against the thresholds and rules, and
// the verdict over all checks so far. Every branch says why, in words that go to
// the summary and the annotations.
import { aaCheck, newKindsUnreliable, type AaCheck } from './aa-check.js';
import { truncate } from '../../github/escape.js';
import { blocksDeploy, type RuleAction, type VerifyConfig } from '../config/config.js';
import { formatDuration } from '../../shared/units.js';
import { newMessages, type MessageCount } from '../measure/messages.js';
import type { Measurement, NewError, Observation } from '../measure/measurement.js';
import { FUTURE_TOLERANCE_MS } from '../measure/query.js';
import { judgeIncrease, type RateComparison } from './comparison.js';

/**
 * What the judge reads: the judgement, and of the scope the levels, the level
 * field and the deployed version (the canary), and what the reasons name.
 */
export type JudgeConfig = Pick<VerifyConfig, 'scope' | 'judgement'>;

/** pause: stop the rollout and keep what runs (the job fails, nothing is rolled back). */
export type Decision = 'pass' | 'fail' | 'pause' | 'rollback' | 'inconclusive';

type CheckStatus = 'ok' | 'breached' | 'no-data' | 'incomplete' | 'error';

export interface Breach {
  kind: 'max-errors' | 'max-error-rate' | 'baseline' | 'canary' | 'rule' | 'new-errors';
  rule?: string;
  action: RuleAction;
  reason: string;
}

export interface RuleResult {
  name: string;
  count: number;
  max: number;
  action: RuleAction;
  consecutive: number;
  /** Checks in a row (ending with this one) over max. */
  streak: number;
  /** Over max for `consecutive` checks: the rule's action applies. */
  breached: boolean;
  /** Why the rule could not be counted (its count means nothing); absent when it was. */
  unmeasured?: string;
}

export interface CheckResult {
  /** 1-based. */
  check: number;
  at: number;
  status: CheckStatus;
  window: { start: number; end: number } | null;
  total: number;
  errorCount: number;
  /** Errors per minute in the window. */
  errorRate: number;
  /** Errors per minute in the baseline window; null without a baseline. */
  baselineRate: number | null;
  baselineErrors: number;
  baselineTotal: number;
  /** Window metric over baseline metric (rates, or error ratios when normalized); null when not comparable. */
  increase: number | null;
  /** The rate test that decided "errors increased" (canary where versions allow, else baseline); null when none applied. */
  comparison: RateComparison | null;
  /** Every rate test made (baseline and canary). */
  comparisons: RateComparison[];
  rules: RuleResult[];
  /** New kinds of error (templates), or new message shapes without templates: the first MAX_KEPT_NEW_ERRORS. */
  newErrors: (MessageCount | NewError)[];
  /** How many new kinds of error there were, kept or not. */
  newErrorCount: number;
  /** The same judgement between the baseline's halves (aa-check.ts); null without a baseline cut in two. */
  aa: AaCheck | null;
  breaches: Breach[];
  warnings: string[];
  /** What the verdict reads, so it never has to match the prose of the warnings. */
  flags: CheckFlags;
  error?: string;
}

interface CheckFlags {
  /** The window had not opened yet (the deploy is more recent than the ingest delay): nothing was measured. */
  emptyWindow: boolean;
  /**
   * What the check could not measure, as warned: why the counts are lower bounds (a timed-out
   * search, failed shards) or which rule could not be counted; null when all was measured.
   */
  incomplete: string | null;
  /** The warning that none of the wanted levels occur in the level field, when that is so; else null. */
  levelMismatch: string | null;
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;

/** New kinds of error a check (and the report) keeps, each with its message; the rest are counted. */
export const MAX_KEPT_NEW_ERRORS = 20;

/**
 * Errors per minute over a span of at least one minute: the first checks see a
 * window of seconds, where one error would extrapolate to a rate (one in 10 s =
 * 6/min) that trips max-error-rate on noise.
 */
function perMinute(errors: number, spanMs: number): number {
  return spanMs > 0 ? errors / Math.max(1, spanMs / 60_000) : 0;
}

const NO_LEVEL_MATCH = 'zero errors may mean a wrong level field';

const EMPTY_WINDOW_WARNING = 'the window is empty: the deploy is more recent than the ingest delay';

/** A check that measured nothing: the search failed. Rule streaks carry over unchanged. */
function unmeasured(
  config: Pick<VerifyConfig, 'judgement'>,
  previous: CheckResult | undefined,
  check: number,
  at: number,
): CheckResult {
  return {
    check,
    at,
    status: 'error',
    window: null,
    total: 0,
    errorCount: 0,
    errorRate: 0,
    baselineRate: null,
    baselineErrors: 0,
    baselineTotal: 0,
    increase: null,
    comparison: null,
    comparisons: [],
    rules: config.judgement.rules.map((r) => ({
      name: r.name,
      count: 0,
      max: r.max,
      action: r.action,
      consecutive: r.consecutive,
      // A check that could not measure neither extends nor breaks a streak.
      streak: previous?.rules.find((p) => p.name === r.name)?.streak ?? 0,
      breached: false,
    })),
    newErrors: [],
    newErrorCount: 0,
    aa: null,
    breaches: [],
    warnings: [],
    flags: { emptyWindow: false, incomplete: null, levelMismatch: null },
  };
}

/** Breaches, warnings and figures one part of the evaluation found. */
interface Findings {
  breaches: Breach[];
  warnings: string[];
}

export function evaluateCheck(
  config: JudgeConfig,
  previous: CheckResult | undefined,
  observation: Observation,
  check: number,
): CheckResult {
  if (observation.kind === 'error') {
    return { ...unmeasured(config, previous, check, observation.at), error: observation.message };
  }
  const m = observation.measurement;
  const spanMs = m.window.end - m.window.start;
  const errorRate = round(perMinute(m.errors, spanMs));
  // Counts from a timed-out or partly failed search, or from logs that mostly lack the level
  // field, are lower bounds: a limit they exceed is truly exceeded, but a comparison with the
  // baseline means nothing.
  const levelGone = levelFieldDrop(config, m);
  const ahead = futureFindings(m);
  const lowerBoundsOnly = m.incomplete !== null || levelGone !== null || ahead.unmeasured !== null;

  const limits = limitBreaches(config, m, errorRate, spanMs);
  const baseline = lowerBoundsOnly ? notCompared : compareBaseline(config, m);
  const rules = evaluateRules(config, m, previous, lowerBoundsOnly);
  const newErrors = newErrorsOf(m);
  const aa = aaCheck(config, m);
  const fresh = lowerBoundsOnly ? { breaches: [], warnings: [] } : newErrorBreaches(config, m, newErrors, aa);
  // Zero errors with the errors stamped ahead is not a wrong level field.
  const levelMismatch = (m.future?.errors ?? 0) > 0 ? null : levelMismatchWarning(config, m);
  // A window that has not opened yet measured nothing, which is not "no logs":
  // under on-no-data pass it would wave the deploy through unseen.
  const emptyWindow = spanMs <= 0;
  const notMeasured = [
    ...(m.incomplete ? [incompleteWarning(config, m.incomplete)] : []),
    ...(levelGone ? [levelGone] : []),
    ...(ahead.unmeasured ? [ahead.unmeasured] : []),
    ...m.rules.flatMap((r) => (r.unmeasured ? [unmeasuredRuleWarning(r.name, r.unmeasured)] : [])),
  ];
  const incomplete = notMeasured.length ? notMeasured.join('; ') : null;

  const breaches = [...limits.breaches, ...baseline.breaches, ...rules.breaches, ...fresh.breaches];
  const warnings = [
    ...baseline.warnings,
    ...rules.warnings,
    ...fresh.warnings,
    ...(levelMismatch ? [levelMismatch] : []),
    ...(ahead.warning ? [ahead.warning] : []),
    ...(emptyWindow ? [EMPTY_WINDOW_WARNING] : []),
    ...notMeasured.filter((w) => !rules.warnings.includes(w)),
  ];
  return {
    check,
    at: observation.at,
    status: breaches.some((b) => blocksDeploy(b.action))
      ? 'breached'
      : incomplete !== null || emptyWindow
        ? 'incomplete'
        : m.total === 0
          ? 'no-data'
          : 'ok',
    window: m.window,
    total: m.total,
    errorCount: m.errors,
    errorRate,
    baselineRate: m.baseline ? round(perMinute(m.baselineErrors, m.baseline.end - m.baseline.start)) : null,
    baselineErrors: m.baselineErrors,
    baselineTotal: m.baselineTotal,
    increase: baseline.increase,
    comparison: baseline.comparison,
    comparisons: baseline.comparisons,
    rules: rules.results,
    newErrors: newErrors.slice(0, MAX_KEPT_NEW_ERRORS),
    newErrorCount: newErrors.length,
    aa,
    breaches,
    warnings,
    flags: { emptyWindow, incomplete, levelMismatch },
  };
}

/** max-errors and max-error-rate: absolute limits, which lower bounds can prove breached. */
function limitBreaches(
  config: Pick<VerifyConfig, 'judgement'>,
  m: Measurement,
  errorRate: number,
  spanMs: number,
): Findings {
  const t = config.judgement.thresholds;
  const breaches: Breach[] = [];
  if (t.maxErrors !== undefined && m.errors > t.maxErrors) {
    breaches.push({
      kind: 'max-errors',
      action: t.breachAction,
      reason: `${m.errors} errors since the deploy, max-errors is ${t.maxErrors}`,
    });
  }
  if (t.maxErrorRate !== undefined && errorRate > t.maxErrorRate) {
    breaches.push({
      kind: 'max-error-rate',
      action: t.breachAction,
      reason: `${errorRate} errors/min over ${formatDuration(spanMs)}, max-error-rate is ${t.maxErrorRate}`,
    });
  }
  return { breaches, warnings: [] };
}

type Compared = Findings & {
  increase: number | null;
  comparison: RateComparison | null;
  comparisons: RateComparison[];
};

const notCompared: Compared = {
  increase: null,
  comparison: null,
  comparisons: [],
  breaches: [],
  warnings: [],
};

/**
 * "Errors increased": a rate test against max-increase (min-errors still
 * applies), of the canary against the stable version where both log in the
 * window, else of the window against the baseline (comparison.ts).
 */
function compareBaseline(config: JudgeConfig, m: Measurement): Compared {
  const judged = judgeIncrease(config, m);
  const breaches: Breach[] = judged.breach
    ? [
        {
          kind: judged.decidedBy?.kind === 'canary' ? 'canary' : 'baseline',
          action: config.judgement.thresholds.breachAction,
          reason: judged.breach,
        },
      ]
    : [];
  return {
    increase: judged.increase,
    comparison: judged.decidedBy,
    comparisons: judged.comparisons,
    breaches,
    warnings: judged.warnings,
  };
}

/** New kinds from the template search, or (without templates) message shapes absent from the baseline sample. */
export function newErrorsOf(m: Measurement): (MessageCount | NewError)[] {
  if (!m.baseline || !m.messagesIncluded) return [];
  if (m.templates) return m.templates.newErrors;
  return newMessages(m.topMessages, m.baselineMessages);
}

/** Each rule's count against its max, with the streak of checks over it. */
function evaluateRules(
  config: Pick<VerifyConfig, 'judgement'>,
  m: Measurement,
  previous: CheckResult | undefined,
  lowerBoundsOnly: boolean,
): Findings & { results: RuleResult[] } {
  const breaches: Breach[] = [];
  const warnings: string[] = [];
  const results = config.judgement.rules.map((rule, i): RuleResult => {
    const { name, max, action, consecutive } = rule;
    const count = m.rules[i]?.count ?? 0;
    const previousStreak = previous?.rules[i]?.streak ?? 0;
    const unmeasured = m.rules[i]?.unmeasured;
    if (unmeasured) {
      // Not counted: like a check that could not measure, it neither extends nor breaks a streak.
      warnings.push(unmeasuredRuleWarning(rule.name, unmeasured));
      return { name, count, max, action, consecutive, streak: previousStreak, breached: false, unmeasured };
    }
    const over = count > rule.max;
    // An incomplete count under max is a lower bound: it proves nothing, so it
    // neither extends nor breaks the streak.
    const streak = over ? previousStreak + 1 : lowerBoundsOnly ? previousStreak : 0;
    const breached = over && streak >= rule.consecutive;
    if (breached) {
      breaches.push({
        kind: 'rule',
        rule: rule.name,
        action: rule.action,
        reason:
          `rule '${rule.name}' matched ${count} times, max ${rule.max}` +
          (rule.consecutive > 1 ? ` (over max in ${streak} consecutive checks)` : ''),
      });
    } else if (over) {
      warnings.push(
        `rule '${rule.name}' over max (${count} > ${rule.max}) in ${streak} of ${rule.consecutive} consecutive checks`,
      );
    }
    return { name, count, max, action, consecutive, streak, breached };
  });
  return { results, breaches, warnings };
}

/** max-new-errors: kinds of error in the window that the baseline never had. */
function newErrorBreaches(
  config: Pick<VerifyConfig, 'judgement'>,
  m: Measurement,
  newErrors: readonly (MessageCount | NewError)[],
  aa: AaCheck | null,
): Findings {
  const { maxNewErrors: max, breachAction } = config.judgement.thresholds;
  if (!m.messagesIncluded || max === undefined || newErrors.length <= max)
    return { breaches: [], warnings: [] };
  if (newKindsUnreliable(aa)) {
    const noise = aa!.newKinds!.length;
    return {
      breaches: [],
      warnings: [
        `${newErrors.length} new kinds of error, but max-new-errors is not applied: the same judgement between the two halves of the baseline (A/A) finds ${noise} new kind${noise === 1 ? '' : 's'} where nothing changed, so it is unreliable for this service`,
      ],
    };
  }
  return {
    breaches: [
      {
        kind: 'new-errors',
        action: breachAction,
        reason: `${newErrors.length} new kinds of error not seen in the baseline, max-new-errors is ${max}`,
      },
    ],
    warnings: [],
  };
}

/** Zero errors where the level field never holds any of the wanted levels: likely a wrong level field. */
function levelMismatchWarning(config: Pick<VerifyConfig, 'scope'>, m: Measurement): string | null {
  const { levels, fields } = config.scope;
  const levelsSeen = m.levelValues;
  if (!levelsSeen || m.total + m.baselineTotal === 0 || m.errors !== 0 || m.baselineErrors !== 0) return null;
  const wanted = new Set(levels.map((l) => l.toLowerCase()));
  if (levelsSeen.some((v) => wanted.has(v.toLowerCase()))) return null;
  return `${NO_LEVEL_MATCH}: levels ${levels.join(', ')} never occur in '${fields.level}', which holds ${levelsSeen.length ? levelsSeen.map((v) => truncate(v, 40)).join(', ') : 'no values'}; check level-field and levels`;
}

/**
 * Logs stamped after the check time (a clock ahead): errors among them are not counted in any
 * window, so the counts are lower bounds and the check cannot pass; logs alone are warned of.
 */
function futureFindings(m: Measurement): { unmeasured: string | null; warning: string | null } {
  const f = m.future;
  if (!f || f.total === 0) return { unmeasured: null, warning: null };
  const checkedAt = f.after - FUTURE_TOLERANCE_MS;
  const where = `stamped more than ${formatDuration(FUTURE_TOLERANCE_MS)} after the check time${f.latest === null ? '' : `, up to ${formatDuration(Math.max(0, f.latest - checkedAt))} ahead`}`;
  if (f.errors > 0) {
    return {
      unmeasured: `${f.errors} errors (${f.total} logs) are ${where}: a clock ahead (skew)? They fall outside every window, so they were not counted`,
      warning: null,
    };
  }
  return {
    unmeasured: null,
    warning: `${f.total} logs are ${where} (clock skew?); none of them is an error`,
  };
}

/** Logs the window must hold before the level field's absence from them means anything. */
const LEVEL_EVIDENCE = 20;

const share = (n: number) => `${Math.round(n * 100)}%`;

/**
 * The level field gone from most logs since the deploy while logs still arrive: against the
 * baseline, on less than half the share of logs it was on before (with at least LEVEL_EVIDENCE
 * logs expected to carry it); without a baseline, on none of LEVEL_EVIDENCE logs or more.
 * Errors logged without it are not counted, so the counts are lower bounds. A canary that
 * logs its level elsewhere, beside a stable version that does not, moves the share less than
 * that and is not caught here.
 */
function levelFieldDrop(config: Pick<VerifyConfig, 'scope'>, m: Measurement): string | null {
  if (m.leveled === undefined || m.total === 0) return null;
  const field = config.scope.fields.level;
  const windowShare = m.leveled / m.total;
  const base = m.baselineLeveled;
  if (m.baseline && m.baselineTotal > 0 && base !== undefined) {
    const baseShare = base / m.baselineTotal;
    if (base < LEVEL_EVIDENCE || m.total * baseShare < LEVEL_EVIDENCE || windowShare >= baseShare / 2)
      return null;
    return `level-field '${field}' is on ${share(windowShare)} of the logs since the deploy, against ${share(baseShare)} before it: errors logged without it are not counted (has the new version moved its level to another field?)`;
  }
  if (m.leveled > 0 || m.total < LEVEL_EVIDENCE) return null;
  return `level-field '${field}' is on none of the ${m.total} logs since the deploy: no error could be counted (is the level logged in another field?)`;
}

function unmeasuredRuleWarning(rule: string, why: string): string {
  return `rule '${rule}' cannot be measured: ${why}`;
}

/** At most this many closed indices are named; the rest are counted. */
const NAMED_INDICES = 10;

function closedIndicesText(pattern: string, closed: readonly string[]): string {
  const one = closed.length === 1;
  const named = closed.slice(0, NAMED_INDICES).map((i) => truncate(i, 120));
  const list = `${named.join(', ')}${closed.length > NAMED_INDICES ? ` and ${closed.length - NAMED_INDICES} more` : ''}`;
  return one
    ? `1 closed index that '${pattern}' matches was not searched: ${list} (open it, or leave it out of index with ,-${named[0]})`
    : `${closed.length} closed indices that '${pattern}' matches were not searched: ${list} (open them, or leave them out of index with ,-<name>)`;
}

function incompleteWarning(
  config: Pick<VerifyConfig, 'scope'>,
  incomplete: NonNullable<Measurement['incomplete']>,
): string {
  const closed = incomplete.closedIndices ?? [];
  const whys = [
    ...(incomplete.timedOut ? ['the search timed out'] : []),
    ...(!incomplete.timedOut && incomplete.failedShards > 0
      ? [`${incomplete.failedShards} of ${incomplete.totalShards} shards failed`]
      : []),
    ...(closed.length > 0 ? [closedIndicesText(config.scope.index, closed)] : []),
  ];
  const why = whys.length > 0 ? whys.join('; ') : 'part of the search was skipped';
  return `incomplete results: ${why}${incomplete.reasons.length ? ` (${incomplete.reasons.join('; ')})` : ''}`;
}

export interface Verdict {
  decision: Decision;
  reasons: string[];
}

const blocking = (c: CheckResult) => c.breaches.filter((b) => blocksDeploy(b.action));

/** rollback > pause > fail > notify > warn: the verdict takes the most severe action the evidence supports. */
const SEVERITY: Record<RuleAction, number> = { warn: 0, notify: 1, fail: 2, pause: 3, rollback: 4 };

/**
 * The verdict over the checks so far. Before the last check it is null unless
 * the outcome is already settled: a rollback or pause rule breached (fail fast), or more
 * breached checks than failure-limit tolerates while no rule with a more severe action is on
 * its way to its `consecutive` count.
 */
export function verdict(config: JudgeConfig, checks: readonly CheckResult[], final: boolean): Verdict | null {
  return final ? finalVerdict(config, checks) : settledEarly(config, checks, false);
}

/** Rules over max in the last check, short of their `consecutive` count, more severe than `action`. */
function onTheirWay(last: CheckResult, action: RuleAction): RuleResult[] {
  return last.rules.filter(
    (r) => r.unmeasured === undefined && !r.breached && r.streak > 0 && SEVERITY[r.action] > SEVERITY[action],
  );
}

/**
 * Why a rule more severe than the decision did not decide: over max in some checks, never in
 * `consecutive` of them. Said in the verdict so the summary tells why no rollback ran.
 */
function strongerNotReached(checks: readonly CheckResult[], decision: RuleAction): string[] {
  const last = checks.at(-1);
  const longest = new Map<string, { rule: RuleResult; streak: number }>();
  for (const check of checks) {
    for (const r of check.rules) {
      if (SEVERITY[r.action] <= SEVERITY[decision] || r.streak === 0) continue;
      if (r.streak > (longest.get(r.name)?.streak ?? 0)) longest.set(r.name, { rule: r, streak: r.streak });
    }
  }
  return [...longest.values()].map(
    ({ rule, streak }) =>
      `rule '${rule.name}' (action ${rule.action}) was over max in at most ${streak} of ${rule.consecutive} consecutive checks, ` +
      ((last?.rules.find((r) => r.name === rule.name)?.streak ?? 0) > 0
        ? 'when the watch ended'
        : 'then fell back under it') +
      `: its ${rule.action} did not apply`,
  );
}

/** The weaker decision a more severe rule overrode: said with the rule that won. */
function overridden(
  config: Pick<VerifyConfig, 'judgement'>,
  checks: readonly CheckResult[],
  action: RuleAction,
) {
  const breached = checks.filter((c) => blocking(c).length > 0);
  if (breached.length <= config.judgement.failureLimit) return [];
  // Only a weaker breach of an earlier check waited; one of the deciding check itself did not.
  for (const check of breached.filter((c) => c !== checks.at(-1))) {
    const weaker = blocking(check).find((b) => SEVERITY[b.action] < SEVERITY[action]);
    if (weaker)
      return [
        `${weaker.reason} called for ${weaker.action} at check ${check.check}; the watch went on while a rule with a more severe action was on its way to its consecutive count`,
      ];
  }
  return [];
}

/**
 * A rollback or pause rule breached in the last check, or more breached checks than failure-limit
 * tolerates. Before the last check, a decision waits while a rule with a more severe action is
 * over max and short of its `consecutive` count: a timeout storm that a rollback rule watches
 * must not end as a fail one check before the rule would roll back.
 */
function settledEarly(
  config: Pick<VerifyConfig, 'judgement'>,
  checks: readonly CheckResult[],
  final: boolean,
): Verdict | null {
  const { failureLimit } = config.judgement;
  const last = checks.at(-1);
  if (last === undefined) return null;
  // Rollback and pause rules decide at once (fail fast); rollback wins over pause.
  const ruleBreaches = last.breaches.filter((b) => b.kind === 'rule');
  const immediate =
    ruleBreaches.find((b) => b.action === 'rollback') ?? ruleBreaches.find((b) => b.action === 'pause');
  if (immediate && (final || onTheirWay(last, immediate.action).length === 0)) {
    const action = immediate.action as 'rollback' | 'pause';
    return {
      decision: action,
      reasons: [
        `${immediate.reason} (action ${action}, check ${last.check})`,
        ...overridden(config, checks, action),
        ...strongerNotReached(checks, action),
      ],
    };
  }
  if (immediate) return null;
  const breached = checks.filter((c) => blocking(c).length > 0);
  if (breached.length > failureLimit) {
    const all = breached.flatMap(blocking);
    const decision: 'rollback' | 'pause' | 'fail' = all.some((b) => b.action === 'rollback')
      ? 'rollback'
      : all.some((b) => b.action === 'pause')
        ? 'pause'
        : 'fail';
    if (!final && onTheirWay(last, decision).length > 0) return null;
    const latest = breached[breached.length - 1] ?? last;
    const budget =
      failureLimit > 0 ? [`${breached.length} breached checks, failure-limit tolerates ${failureLimit}`] : [];
    return {
      decision,
      reasons: [
        ...budget,
        ...blocking(latest).map((b) => `${b.reason} (check ${latest.check})`),
        ...strongerNotReached(checks, decision),
      ],
    };
  }
  return null;
}

/** The verdict after the last check: what settledEarly did not decide, decided by the last check's status. */
export function finalVerdict(config: JudgeConfig, checks: readonly CheckResult[]): Verdict {
  const settled = settledEarly(config, checks, true);
  const { failureLimit, policies } = config.judgement;
  const { scope } = config;
  if (settled) return settled;
  const last = checks.at(-1);
  if (!last) return { decision: 'inconclusive', reasons: ['no check ran'] };
  const breached = checks.filter((c) => blocking(c).length > 0);
  const tolerated =
    breached.length > 0
      ? [`${breached.length} breached check(s) tolerated by failure-limit ${failureLimit}`]
      : [];
  switch (last.status) {
    case 'error': {
      const decision = policies.onError === 'fail' ? 'fail' : 'inconclusive';
      return {
        decision,
        reasons: [`could not measure: ${last.error ?? 'unknown error'} (on-error: ${policies.onError})`],
      };
    }
    case 'incomplete':
      if (last.flags.emptyWindow) {
        return {
          decision: 'inconclusive',
          reasons: [
            `nothing measured: ${EMPTY_WINDOW_WARNING} (ingest-delay ${formatDuration(scope.ingestDelayMs)}); check later, or watch for a duration longer than ingest-delay (on-inconclusive: ${policies.onInconclusive})`,
          ],
        };
      }
      return {
        decision: 'inconclusive',
        reasons: [
          ...(last.flags.incomplete ? [last.flags.incomplete] : []),
          `the deploy cannot pass on what was not measured (on-inconclusive: ${policies.onInconclusive})`,
        ],
      };
    case 'no-data':
      return {
        decision: policies.onNoData,
        reasons: [
          `no logs matched since the deploy in ${scope.index}${scope.service ? ` for service ${scope.service}` : ''} (on-no-data: ${policies.onNoData})`,
        ],
      };
    default:
      return {
        decision: 'pass',
        reasons: [
          `${last.errorCount} errors in ${last.total} logs since the deploy (${last.errorRate}/min${last.baselineRate !== null ? `, baseline ${last.baselineRate}/min` : ''})${breached.length > 0 ? '' : ': within limits'}`,
          ...tolerated,
          ...(last.flags.levelMismatch ? [last.flags.levelMismatch] : []),
        ],
      };
  }
}

/** The judge as the watch sees it: a result for each check as it comes, never the thresholds behind it. */
export interface CheckJudge {
  /** The check's result, from its observation and the result of the check before it. */
  evaluate(previous: CheckResult | undefined, observation: Observation, check: number): CheckResult;
  /** The verdict over the checks so far (see verdict). */
  verdict(checks: readonly CheckResult[], final: boolean): Verdict | null;
}

export function checkJudge(config: JudgeConfig): CheckJudge {
  return {
    evaluate: (previous, observation, check) => evaluateCheck(config, previous, observation, check),
    verdict: (checks, final) => verdict(config, checks, final),
  };
}

/** Whether the step fails: fail, pause and rollback do; inconclusive per on-inconclusive; never in a dry run. */
export function gateFails(config: Pick<VerifyConfig, 'judgement' | 'response'>, decision: Decision): boolean {
  if (config.response.dryRun) return false;
  if (decision === 'pass') return false;
  if (decision === 'inconclusive') return config.judgement.policies.onInconclusive === 'fail';
  return true;
}
