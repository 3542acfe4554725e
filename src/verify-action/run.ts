// One verification from a validated config to a report, phase by phase: open
// the session (connect, resolve the mapping), watch the deploy (measure each
// check, judge it, alert on breaches), respond to the verdict (roll back, pause,
// finish the alerts), then assemble the report. Every side effect comes in
// through VerifyDeps (ports.ts), so the action, the CLI and the tests share
// this code; each phase returns data to the next and is handed only the
// config sections it reads.
import { secretsOf, type VerifyConfig } from './config/config.js';
import {
  checkJudge,
  finalVerdict,
  type CheckResult,
  type JudgeConfig,
  type Verdict,
} from './judge/decision.js';
import { Measurer, nothingMeasured, type MeasureConfig, type MeasureRecord } from './measure/measurer.js';
import { openSession, type Session } from './measure/session.js';
import type { VerifyDeps } from './ports.js';
import { assembleReport, reportedCheck, reportedNewErrors } from './report/assemble.js';
import type { VerifyReport } from './report/report.js';
import { fetchTransport } from './respond/notify/deliver.js';
import { NO_NOTIFICATIONS, notifierFor, type Notifier } from './respond/notify/notifier.js';
import { pauseIfDecided } from './respond/pause.js';
import { rollBackIfDecided, verdictFacts } from './respond/rollback.js';
import { watch } from './watch.js';

export type { VerifyDeps } from './ports.js';

/** What watching the deploy found: the judged checks, and what the measuring kept. */
interface Watched {
  /** At least one. */
  checks: CheckResult[];
  verdict: Verdict;
  measured: MeasureRecord;
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
        ? unwatched(config, deps.clock.now(), session.failure)
        : await watchDeploy(config, session, deps, secrets, notifier);
  } finally {
    if ('store' in session) await session.store.close().catch(() => {});
  }
  const { checks, verdict, measured } = watched;
  const last = reportedCheck(checks);
  const newErrors = reportedNewErrors(last, measured);
  const breachedRules = [
    ...new Set(checks.flatMap((c) => c.rules.filter((r) => r.breached).map((r) => r.name))),
  ];
  const facts = verdictFacts(config, deps.runUrl, {
    verdict,
    last,
    newErrorCount: newErrors.length,
    breachedRules,
  });
  const rollback = await rollBackIfDecided(config.response, verdict, facts, {
    ...deps.rollback,
    secrets,
    log: deps.log,
  });
  const pause = await pauseIfDecided(config.response, verdict.decision, facts, {
    ...deps.rollback,
    secrets,
    log: deps.log,
  });
  // Alerts of rules within limits now are resolved only after a conclusive measurement.
  const notifications = notifier
    ? await notifier.finish(checks, verdict.decision !== 'inconclusive' && last.status !== 'error')
    : NO_NOTIFICATIONS;
  return assembleReport(config, {
    plan: 'plan' in session ? session.plan : null,
    server: 'store' in session ? session.store.server : session.server,
    checks,
    verdict,
    measured,
    last,
    newErrors,
    breachedRules,
    rollback,
    pause,
    notifications,
    warnings: [
      ...('warnings' in session ? session.warnings : []),
      ...measured.warnings,
      ...checks.flatMap((c) => c.warnings),
      ...rollback.warnings,
    ],
  });
}

/** The setup failed: one check that could not measure, and the verdict on it. */
function unwatched(config: JudgeConfig, at: number, message: string): Watched {
  const checks = [checkJudge(config).evaluate(undefined, { kind: 'error', at, message }, 1)];
  return { checks, verdict: finalVerdict(config, checks), measured: nothingMeasured() };
}

/** The watch, each check measured, judged, logged and alerted on as it comes. */
async function watchDeploy(
  config: MeasureConfig & JudgeConfig & Pick<VerifyConfig, 'schedule'>,
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
    (window, at, scheduledLast) =>
      measurer.measure(window, at, scheduledLast || messagesEveryCheck, scheduledLast),
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
  // Decided before the last scheduled check: record() makes one more search, for the report's messages.
  return { checks: result.checks, verdict: result.verdict, measured: await measurer.record() };
}
