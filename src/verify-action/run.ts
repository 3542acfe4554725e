// One verification from a validated config to a report: connect and resolve
// the mapping, watch the deploy, fetch the top messages when the verdict came
// early, roll back, then assemble the report. Every side effect comes in
// through VerifyDeps (ports.ts), so the action, the CLI and the tests share
// this code; each phase returns data to the next.
import { secretsOf, type VerifyConfig } from './config/config.js';
import {
  checkJudge,
  evaluateCheck,
  finalVerdict,
  gateFails,
  newErrorsOf,
  type CheckResult,
  type Verdict,
} from './judge/decision.js';
import { discoverUrl } from './report/kibana.js';
import type { MessageCount } from './measure/messages.js';
import { fieldsToInspect, MappingError, resolvePlan, type SearchPlan } from './measure/plan.js';
import {
  LogStoreError,
  type Clock,
  type LogStore,
  type SearchRequest,
  type ServerInfo,
  type VerifyDeps,
} from './ports.js';
import { buildCheckRequest, levelsQuery, parseCheckResponse, scopeFilters } from './measure/query.js';
import { scrub } from './config/redact.js';
import type { Measurement, NewError, Observation, TemplateFindings } from './measure/measurement.js';
import { windowAt, type CheckWindow } from './measure/window.js';
import { countTemplates } from './measure/template-query.js';
import type { VerifyReport } from './report/report.js';
import { hasTriggers, runRollback, type RollbackFacts, type RollbackOutcome } from './respond/rollback.js';
import { fetchTransport } from './respond/notify/deliver.js';
import {
  afterDelivery,
  NO_NOTIFICATIONS,
  notifierFor,
  type Notifier,
  type NotifyOutcome,
} from './respond/notify/notifier.js';
import { pauseIfDecided, type PauseStep } from './respond/pause.js';
import { watch } from './watch.js';

export type { VerifyDeps } from './ports.js';

/** A connected store with the search plan resolved from its mapping. */
interface Session {
  store: LogStore;
  plan: SearchPlan;
  warnings: string[];
}

/** What watching the deploy found. */
interface Watched {
  /** At least one. */
  checks: CheckResult[];
  verdict: Verdict;
  lastRequest: SearchRequest | null;
  lastMeasurement: Measurement | null;
  /** The top messages for the report, fetched after an early verdict; null when the last check had them. */
  messages: MessageSample | null;
  latencies: number[];
  /** Searches each check made (1, or 2 when it counted error templates). */
  roundTrips: number[];
  messageRequests: number;
  warnings: string[];
}

interface MessageSample {
  topMessages: MessageCount[];
  baselineMessages: string[];
  templates: TemplateFindings | null;
  sampled: boolean;
}

export async function runVerification(config: VerifyConfig, deps: VerifyDeps): Promise<VerifyReport> {
  const secrets = secretsOf(config);
  // Alerts go out as rules breach, while the watch goes on.
  const notifier = notifierFor(config, {
    transport: deps.http ?? fetchTransport,
    clock: deps.clock,
    secrets,
    // Alerts wait and retry as long as the Elasticsearch requests do.
    timeoutMs: config.connection.requestTimeoutMs,
    retries: config.connection.retries,
    ...(deps.runUrl ? { runUrl: deps.runUrl } : {}),
    log: deps.log,
  });
  const session = await openSession(config, deps, secrets);
  let watched: Watched;
  try {
    watched =
      'failure' in session
        ? unwatched(config, deps.clock, session.failure)
        : await watchDeploy(config, session, deps, secrets, notifier);
  } finally {
    if ('store' in session) await session.store.close().catch(() => {});
  }
  const plan = 'plan' in session ? session.plan : null;
  const setupWarnings = 'warnings' in session ? session.warnings : [];
  const last = reportedCheck(watched.checks);
  const newErrors = reportedNewErrors(last, watched);
  const breachedRules = [
    ...new Set(watched.checks.flatMap((c) => c.rules.filter((r) => r.breached).map((r) => r.name))),
  ];
  const facts = verdictFacts(config, deps, {
    verdict: watched.verdict,
    last,
    newErrorCount: newErrors.length,
    breachedRules,
  });
  const rollback = await rollBackIfDecided(config, deps, secrets, watched.verdict, facts);
  const pause = await pauseIfDecided(config.response, watched.verdict.decision, facts, {
    ...deps.rollback,
    secrets,
    log: deps.log,
  });
  // Alerts of rules within limits now are resolved only after a conclusive measurement.
  const notifications = notifier
    ? await notifier.finish(
        watched.checks,
        watched.verdict.decision !== 'inconclusive' && last.status !== 'error',
      )
    : NO_NOTIFICATIONS;
  return assembleReport(config, {
    plan,
    server: 'store' in session ? session.store.server : session.server,
    watched,
    last,
    newErrors,
    breachedRules,
    rollback,
    pause,
    notifications,
    warnings: [
      ...setupWarnings,
      ...watched.warnings,
      ...watched.checks.flatMap((c) => c.warnings),
      ...rollback.warnings,
    ],
  });
}

/** Connects, reads the mapping and resolves the search plan; a failure here is the one check's error. */
async function openSession(
  config: VerifyConfig,
  deps: VerifyDeps,
  secrets: readonly string[],
): Promise<Session | { failure: string; server: ServerInfo | null }> {
  let store: LogStore | null = null;
  try {
    store = await deps.connect(config.connection, secrets);
    deps.log.info(`Elasticsearch ${store.server.version} (client ${store.server.clientMajor}.x)`);
    const caps = await store.fieldCaps(config.scope.index, fieldsToInspect(config));
    const { plan, warnings } = resolvePlan(config, caps);
    for (const w of warnings) deps.log.warning(w);
    return { store, plan, warnings };
  } catch (error) {
    await store?.close().catch(() => {});
    const message = describe(error, secrets);
    if (!(error instanceof LogStoreError || error instanceof MappingError)) {
      deps.log.debug(`setup failed: ${message}`);
    }
    return { failure: message, server: store?.server ?? null };
  }
}

/** The setup failed: one check that could not measure, and the verdict on it. */
function unwatched(config: VerifyConfig, clock: Clock, message: string): Watched {
  const checks = [evaluateCheck(config, undefined, { kind: 'error', at: clock.now(), message }, 1)];
  return {
    checks,
    verdict: finalVerdict(config, checks),
    lastRequest: null,
    lastMeasurement: null,
    messages: null,
    latencies: [],
    roundTrips: [],
    messageRequests: 0,
    warnings: [],
  };
}

/**
 * Runs each check's search (and, with messages on a text field, the search
 * that counts the error templates) and keeps the last request and measurement
 * for the report.
 */
class Measurer {
  readonly latencies: number[] = [];
  readonly roundTrips: number[] = [];
  lastRequest: SearchRequest | null = null;
  lastMeasurement: Measurement | null = null;

  constructor(
    private readonly config: VerifyConfig,
    private readonly session: Session,
    private readonly clock: Clock,
    private readonly secrets: readonly string[],
  ) {}

  async measure(window: CheckWindow, at: number, messages: boolean): Promise<Observation> {
    const request = buildCheckRequest(this.config, this.session.plan, window, { messages });
    this.lastRequest = request;
    const started = this.clock.now();
    try {
      const { store, plan } = this.session;
      const response = await store.search(request);
      const measurement = parseCheckResponse(this.config, plan, window, response, { messages });
      const more = await countTemplates((r) => store.search(r), this.config, plan, window, measurement);
      this.latencies.push(this.clock.now() - started);
      this.roundTrips.push(1 + more);
      this.lastMeasurement = measurement;
      return { kind: 'measured', at, measurement };
    } catch (error) {
      return { kind: 'error', at, message: describe(error, this.secrets) };
    }
  }
}

async function watchDeploy(
  config: VerifyConfig,
  session: Session,
  deps: VerifyDeps,
  secrets: readonly string[],
  notifier: Notifier | null,
): Promise<Watched> {
  const { log } = deps;
  const measurer = new Measurer(config, session, deps.clock, secrets);
  // Top messages cost more than all the counts together, so they come with the
  // last scheduled check only, unless max-new-errors gates every check.
  const messagesEveryCheck = config.judgement.thresholds.maxNewErrors !== undefined;
  const result = await watch(
    config,
    deps.clock,
    checkJudge(config),
    (window, at, scheduledLast) => measurer.measure(window, at, scheduledLast || messagesEveryCheck),
    (check) => {
      const head = `check ${check.check}: ${check.status}`;
      const figures =
        check.status === 'error'
          ? check.error
          : `${check.errorCount} errors / ${check.total} logs, ${check.errorRate}/min`;
      log.info(`${head}: ${figures}`);
      for (const b of check.breaches) log.info(`  breach (${b.action}): ${b.reason}`);
      const measured = measurer.lastMeasurement;
      notifier?.onCheck(check, measured?.messagesIncluded ? measured.topMessages : []);
    },
  );
  if (result.stoppedEarly) log.info(`decided after check ${result.checks.length}; remaining checks skipped`);
  const watched: Watched = {
    checks: result.checks,
    verdict: result.verdict,
    lastRequest: measurer.lastRequest,
    lastMeasurement: measurer.lastMeasurement,
    messages: null,
    latencies: measurer.latencies,
    roundTrips: measurer.roundTrips,
    messageRequests: 0,
    warnings: [],
  };
  const m = measurer.lastMeasurement;
  if (!m || m.messagesIncluded) return watched;
  // Decided before the last scheduled check: one more search, for the report's messages.
  try {
    const { sample, searches } = await fetchMessages(config, session, m);
    return { ...watched, messages: sample, messageRequests: searches };
  } catch (error) {
    return { ...watched, warnings: [`top error messages unavailable: ${describe(error, secrets)}`] };
  }
}

async function fetchMessages(
  config: VerifyConfig,
  session: Session,
  m: Measurement,
): Promise<{ sample: MessageSample; searches: number }> {
  const window = {
    baselineStart: m.baseline?.start ?? m.window.start,
    deployedAt: m.window.start,
    end: m.window.end,
  };
  const response = await session.store.search(
    buildCheckRequest(config, session.plan, window, { messages: true }),
  );
  const fetched = parseCheckResponse(config, session.plan, window, response);
  const more = await countTemplates((r) => session.store.search(r), config, session.plan, window, fetched);
  const { topMessages, baselineMessages, sampled } = fetched;
  return {
    sample: { topMessages, baselineMessages, sampled, templates: fetched.templates ?? null },
    searches: 1 + more,
  };
}

/** The check the report's figures come from: the last one that measured, else the last one. */
function reportedCheck(checks: readonly CheckResult[]): CheckResult {
  const last = [...checks].reverse().find((c) => c.status !== 'error') ?? checks.at(-1);
  if (last === undefined) throw new Error('a verification always has at least one check');
  return last;
}

/** New kinds of error: from the messages fetched after an early verdict, else from the check itself. */
function reportedNewErrors(last: CheckResult, watched: Watched): (MessageCount | NewError)[] {
  const { messages, lastMeasurement } = watched;
  if (messages && lastMeasurement)
    return newErrorsOf({ ...lastMeasurement, ...messages, messagesIncluded: true });
  return last.newErrors;
}

interface RollbackStep extends RollbackOutcome {
  /** Reasons the rollback adds to the verdict's (a failed rollback). */
  reasons: string[];
  warnings: string[];
}

/** The verdict and figures handed to the rollback and pause triggers. */
function verdictFacts(
  config: VerifyConfig,
  deps: VerifyDeps,
  facts: { verdict: Verdict; last: CheckResult; newErrorCount: number; breachedRules: string[] },
): RollbackFacts {
  const { verdict, last } = facts;
  const { scope } = config;
  return {
    decision: verdict.decision,
    reason: verdict.reasons[0] ?? '',
    errorCount: last.errorCount,
    errorRate: last.errorRate,
    baselineRate: last.baselineRate,
    breachedRules: facts.breachedRules,
    newErrorCount: facts.newErrorCount,
    ...(scope.service ? { service: scope.service } : {}),
    ...(scope.environment ? { environment: scope.environment } : {}),
    ...(scope.version ? { version: scope.version } : {}),
    deployedAt: scope.deployedAt,
    ...(config.output.reportPath ? { reportPath: config.output.reportPath } : {}),
    ...(deps.runUrl ? { runUrl: deps.runUrl } : {}),
  };
}

async function rollBackIfDecided(
  config: VerifyConfig,
  deps: VerifyDeps,
  secrets: readonly string[],
  verdict: Verdict,
  facts: RollbackFacts,
): Promise<RollbackStep> {
  const nothing: RollbackStep = { triggered: false, succeeded: null, results: [], reasons: [], warnings: [] };
  const { dryRun, rollback } = config.response;
  if (verdict.decision !== 'rollback' || dryRun) return nothing;
  if (!hasTriggers(rollback)) {
    return {
      ...nothing,
      warnings: [
        'decision is rollback but no rollback trigger is configured (rollback-command, rollback-workflow, rollback-event, deployment-id)',
      ],
    };
  }
  const outcome = await runRollback(rollback, facts, { ...deps.rollback, secrets });
  for (const r of outcome.results) {
    (r.succeeded ? deps.log.info : deps.log.warning)(
      `rollback ${r.kind}: ${r.succeeded ? 'succeeded' : 'FAILED'}: ${r.detail}`,
    );
  }
  return {
    ...outcome,
    reasons:
      outcome.succeeded === false
        ? ['ROLLBACK FAILED: see the rollback results; the deploy is still live']
        : [],
    warnings: [],
  };
}

/** The report from what each phase returned. Pure. */
function assembleReport(
  config: VerifyConfig,
  parts: {
    plan: SearchPlan | null;
    server: VerifyReport['server'];
    watched: Watched;
    last: CheckResult;
    newErrors: (MessageCount | NewError)[];
    breachedRules: string[];
    rollback: RollbackStep;
    pause: PauseStep;
    notifications: NotifyOutcome;
    warnings: string[];
  },
): VerifyReport {
  const { watched, last, rollback, pause, notifications } = parts;
  // An alert nobody received turns a pass into on-error's decision.
  const delivered = afterDelivery(config, watched.verdict.decision, notifications);
  const { decision } = delivered;
  const m = watched.lastMeasurement;
  const request = watched.lastRequest;
  const { reasons: _reasons, warnings: _warnings, ...rollbackOutcome } = rollback;
  const { scope } = config;
  const { dryRun } = config.response;
  return {
    decision,
    gateFailed: gateFails(config, decision) || (!dryRun && rollback.succeeded === false),
    dryRun,
    reasons: [...watched.verdict.reasons, ...rollback.reasons, ...pause.reasons, ...delivered.reasons],
    warnings: [...new Set(parts.warnings)],
    errorCount: last.errorCount,
    errorRate: last.errorRate,
    baselineRate: last.baselineRate,
    totalCount: last.total,
    breachedRules: parts.breachedRules,
    newErrors: parts.newErrors,
    newErrorCount: parts.newErrors.length,
    topMessages: watched.messages?.topMessages ?? m?.topMessages ?? [],
    messageStrategy: m?.messageStrategy ?? null,
    messagesSampled: watched.messages?.sampled ?? m?.sampled ?? false,
    rules: last.rules,
    checks: watched.checks,
    timeline: m
      ? { stepMinutes: m.timeline.stepMinutes, deployedAt: scope.deployedAt, buckets: m.timeline.buckets }
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
    rollback: { ...rollbackOutcome, wouldTrigger: watched.verdict.decision === 'rollback' && dryRun },
    paused: watched.verdict.decision === 'pause' && !dryRun,
    pause: pause.outcome ?? { triggered: false, succeeded: null, detail: '', resume: [] },
    notifications,
    unmatchedErrors: (watched.messages?.templates ?? m?.templates)?.unmatched ?? null,
    comparison: last.comparison,
    comparisons: last.comparisons,
    performance: {
      requestsPerCheck: Math.max(1, ...watched.roundTrips),
      messageRequests: watched.messageRequests,
      checkLatencyMs: watched.latencies,
      checkRoundTrips: watched.roundTrips,
    },
  };
}

/** Discover over the baseline and the window, filtered like the checks; null without kibana-url. */
function kibanaLink(config: VerifyConfig, plan: SearchPlan, last: CheckResult): string | null {
  const { kibana } = config.output;
  const { scope } = config;
  if (!kibana) return null;
  const window = windowAt(config, last.at);
  return discoverUrl({
    kibanaUrl: kibana.url,
    ...(kibana.dataView ? { dataView: kibana.dataView } : {}),
    from: window.baselineStart,
    to: Math.max(window.end, window.deployedAt),
    query: {
      bool: { filter: [...scopeFilters(config, plan), levelsQuery(plan.fields.level, scope.levels)] },
    },
    label: `buildx-gate: errors${scope.service ? ` of ${scope.service}` : ''}`,
    columns: [scope.fields.level, scope.fields.message],
  });
}

function describe(error: unknown, secrets: readonly string[]): string {
  return scrub(error instanceof Error ? error.message : String(error), secrets);
}
