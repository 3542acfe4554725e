// One verification from a validated config to a report: connect, resolve the
// mapping, watch, decide, roll back. Every side effect comes in through deps, so
// the action, the CLI and the tests share this code.
import { secretsOf, type VerifyConfig } from './config.js';
import { LogStoreError, type LogStore } from './client.js';
import { evaluateCheck, gateFails, verdict, type CheckResult, type Observation } from './decision.js';
import { discoverUrl } from './kibana.js';
import { fieldsToInspect, MappingError, resolvePlan, wantsCategorizeProbe } from './plan.js';
import {
  buildCheckRequest,
  levelsQuery,
  parseCheckResponse,
  scopeFilters,
  type CheckWindow,
  type Measurement,
  type SearchPlan,
  type SearchRequest,
} from './query.js';
import { newMessages } from './messages.js';
import { scrub } from './redact.js';
import type { VerifyReport } from './report.js';
import { hasTriggers, runRollback, type RollbackDeps, type RollbackOutcome } from './rollback.js';
import { watch, windowAt, type Clock } from './watch.js';

export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}

export interface VerifyDeps {
  connect(config: VerifyConfig): Promise<LogStore>;
  clock: Clock;
  log: Logger;
  rollback: Omit<RollbackDeps, 'secrets'>;
  runUrl?: string;
}

/** Asks for categorize_text on an empty result: a 400 means the server lacks it (no ML plugin). */
async function canCategorize(store: LogStore, config: VerifyConfig): Promise<boolean> {
  try {
    await store.search({
      index: config.index,
      params: { allow_no_indices: false, ignore_unavailable: false },
      body: {
        size: 0,
        query: { match_none: {} },
        aggs: { probe: { categorize_text: { field: config.fields.message } } },
      },
    });
    return true;
  } catch (error) {
    if (error instanceof LogStoreError && error.kind === 'bad-request') return false;
    throw error;
  }
}

function describe(error: unknown, secrets: readonly string[]): string {
  return scrub(error instanceof Error ? error.message : String(error), secrets);
}

export async function runVerification(config: VerifyConfig, deps: VerifyDeps): Promise<VerifyReport> {
  const secrets = secretsOf(config);
  const { clock, log } = deps;
  const warnings: string[] = [];
  let store: LogStore | undefined;
  let plan: SearchPlan | undefined;
  // Written from the measure callback; a holder keeps TypeScript's narrowing honest.
  const latest: { request: SearchRequest | null; measurement: Measurement | null } = {
    request: null,
    measurement: null,
  };
  const latencies: number[] = [];
  let messageRequests = 0;
  let checks: CheckResult[];
  let settled: ReturnType<typeof verdict>;

  try {
    store = await deps.connect(config);
    log.info(`Elasticsearch ${store.server.version} (client ${store.server.clientMajor}.x)`);
    const caps = await store.fieldCaps(config.index, fieldsToInspect(config));
    const categorize =
      wantsCategorizeProbe(caps, config.fields.message) && (await canCategorize(store, config));
    const resolved = resolvePlan(config, caps, categorize);
    plan = resolved.plan;
    warnings.push(...resolved.warnings);
    for (const w of resolved.warnings) log.warning(w);
  } catch (error) {
    const message = describe(error, secrets);
    if (!(error instanceof LogStoreError || error instanceof MappingError))
      log.debug(`setup failed: ${message}`);
    const failed = evaluateCheck(config, undefined, { kind: 'error', at: clock.now(), message }, 1);
    checks = [failed];
    settled = verdict(config, checks, true);
  }

  if (store && plan) {
    const activeStore = store;
    const activePlan = plan;
    // Top messages cost more than all the counts together, so they come with the
    // last scheduled check only, unless max-new-errors gates every check.
    const messagesEveryCheck = config.thresholds.maxNewErrors !== undefined;
    const measure = async (window: CheckWindow, at: number, scheduledLast: boolean): Promise<Observation> => {
      const messages = scheduledLast || messagesEveryCheck;
      const request = buildCheckRequest(config, activePlan, window, { messages });
      latest.request = request;
      const started = clock.now();
      try {
        const response = await activeStore.search(request);
        latencies.push(clock.now() - started);
        latest.measurement = parseCheckResponse(config, activePlan, window, response, { messages });
        return { kind: 'measured', at, measurement: latest.measurement };
      } catch (error) {
        return { kind: 'error', at, message: describe(error, secrets) };
      }
    };
    const result = await watch(config, clock, measure, (check) => {
      const head = `check ${check.check}: ${check.status}`;
      const figures =
        check.status === 'error'
          ? check.error
          : `${check.errorCount} errors / ${check.total} logs, ${check.errorRate}/min`;
      log.info(`${head}: ${figures}`);
      for (const b of check.breaches) log.info(`  breach (${b.action}): ${b.reason}`);
    });
    checks = result.checks;
    settled = result.verdict;
    if (result.stoppedEarly) log.info(`decided after check ${checks.length}; remaining checks skipped`);
    const m = latest.measurement as Measurement | null;
    if (m && !m.messagesIncluded) {
      // Decided before the last scheduled check: one more search, for the report's messages.
      const window = {
        baselineStart: m.baseline?.start ?? m.window.start,
        deployedAt: m.window.start,
        end: m.window.end,
      };
      try {
        const response = await activeStore.search(
          buildCheckRequest(config, activePlan, window, { messages: true }),
        );
        messageRequests++;
        const withMessages = parseCheckResponse(config, activePlan, window, response);
        Object.assign(m, {
          topMessages: withMessages.topMessages,
          baselineMessages: withMessages.baselineMessages,
          sampled: withMessages.sampled,
          messagesIncluded: true,
        });
        const check = [...checks].reverse().find((c) => c.status !== 'error');
        if (check && m.baseline) check.newErrors = newMessages(m.topMessages, m.baselineMessages);
      } catch (error) {
        warnings.push(`top error messages unavailable: ${describe(error, secrets)}`);
      }
    }
  }
  await store?.close().catch(() => {});

  const final = settled!;
  const measured = [...checks!].reverse().find((c) => c.status !== 'error');
  const last = measured ?? checks!.at(-1)!;
  const breachedRules = [
    ...new Set(checks!.flatMap((c) => c.rules.filter((r) => r.breached).map((r) => r.name))),
  ];
  for (const w of new Set(checks!.flatMap((c) => c.warnings))) warnings.push(w);

  let rollback: RollbackOutcome = { triggered: false, succeeded: null, results: [] };
  const reasons = [...final.reasons];
  const wantsRollback = final.decision === 'rollback';
  if (wantsRollback && !config.dryRun) {
    if (hasTriggers(config.rollback)) {
      rollback = await runRollback(
        config.rollback,
        {
          decision: final.decision,
          reason: reasons[0] ?? '',
          errorCount: last.errorCount,
          errorRate: last.errorRate,
          baselineRate: last.baselineRate,
          breachedRules,
          newErrorCount: last.newErrors.length,
          ...(config.service ? { service: config.service } : {}),
          ...(config.environment ? { environment: config.environment } : {}),
          ...(config.version ? { version: config.version } : {}),
          deployedAt: config.deployedAt,
          ...(config.reportPath ? { reportPath: config.reportPath } : {}),
          ...(deps.runUrl ? { runUrl: deps.runUrl } : {}),
        },
        { ...deps.rollback, secrets },
      );
      for (const r of rollback.results) {
        (r.succeeded ? log.info : log.warning)(
          `rollback ${r.kind}: ${r.succeeded ? 'succeeded' : 'FAILED'}: ${r.detail}`,
        );
      }
      if (rollback.succeeded === false)
        reasons.push('ROLLBACK FAILED: see the rollback results; the deploy is still live');
    } else {
      warnings.push(
        'decision is rollback but no rollback trigger is configured (rollback-command, rollback-workflow, rollback-event, deployment-id)',
      );
    }
  }

  const m = latest.measurement;
  const scope = {
    index: config.index,
    service: config.service ?? null,
    environment: config.environment ?? null,
    version: config.version ?? null,
    levels: config.levels,
    deployedAt: new Date(config.deployedAt).toISOString(),
    windowEnd: m ? new Date(m.window.end).toISOString() : null,
    baselineStart: m?.baseline ? new Date(m.baseline.start).toISOString() : null,
  };
  let kibanaUrl: string | null = null;
  if (config.kibana && plan) {
    const window = windowAt(config, last.at);
    kibanaUrl = discoverUrl({
      kibanaUrl: config.kibana.url,
      ...(config.kibana.dataView ? { dataView: config.kibana.dataView } : {}),
      from: window.baselineStart,
      to: Math.max(window.end, window.deployedAt),
      query: {
        bool: { filter: [...scopeFilters(config, plan), levelsQuery(plan.fields.level, config.levels)] },
      },
      label: `buildx-gate: errors${config.service ? ` of ${config.service}` : ''}`,
      columns: [config.fields.level, config.fields.message],
    });
  }

  const request = latest.request;
  return {
    decision: final.decision,
    gateFailed: gateFails(config, final.decision) || (!config.dryRun && rollback.succeeded === false),
    dryRun: config.dryRun,
    reasons,
    warnings: [...new Set(warnings)],
    errorCount: last.errorCount,
    errorRate: last.errorRate,
    baselineRate: last.baselineRate,
    totalCount: last.total,
    breachedRules,
    newErrors: last.newErrors,
    newErrorCount: last.newErrors.length,
    topMessages: m?.topMessages ?? [],
    messageStrategy: m?.messageStrategy ?? null,
    messagesSampled: m?.sampled ?? false,
    rules: last.rules,
    checks: checks!,
    timeline: m
      ? { stepMinutes: m.timeline.stepMinutes, deployedAt: config.deployedAt, buckets: m.timeline.buckets }
      : null,
    scope,
    server: store?.server ?? null,
    query: request ? { index: request.index, body: request.body } : null,
    kibanaUrl,
    rollback: { ...rollback, wouldTrigger: wantsRollback && config.dryRun },
    performance: { requestsPerCheck: 1, messageRequests, checkLatencyMs: latencies },
  };
}
