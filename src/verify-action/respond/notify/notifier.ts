// Sends an alert the moment a rule (or global threshold) with notify targets
// breaches, once per run, while the watch goes on; at the end, waits for the
// deliveries and resolves in Alertmanager the alerts of rules that are within
// limits now, so an alert a previous deploy raised ends when a later one is clean.
import type { NotifyTarget, VerifyConfig } from '../../config/config.js';
import type { CheckResult, Decision } from '../../judge/decision.js';
import type { MessageCount } from '../../measure/messages.js';
import type { Clock, HttpTransport } from '../../ports.js';
import {
  alertmanagerBody,
  breachAlert,
  resolvedAlert,
  webhookBody,
  type Alert,
  type AlertConfig,
} from './alerts.js';
import { deliver } from './deliver.js';

interface AlertRecord {
  rule: string;
  status: 'firing' | 'resolved';
  action: string;
  targets: NotifyTarget[];
  labels: Record<string, string>;
  summary: string;
  startsAt: string;
  endsAt: string;
}

interface DeliveryRecord {
  target: NotifyTarget;
  status: 'firing' | 'resolved';
  rules: string[];
  delivered: boolean;
  attempts: number;
  detail: string;
}

export interface NotifyOutcome {
  alerts: AlertRecord[];
  deliveries: DeliveryRecord[];
  /** Firing alerts delivered, counted per target. */
  sent: number;
  /** A firing alert could not be delivered (on-error applies). */
  failed: boolean;
  /** Dry run: the rules that would have alerted. */
  wouldNotify: string[];
}

export const NO_NOTIFICATIONS: NotifyOutcome = {
  alerts: [],
  deliveries: [],
  sent: 0,
  failed: false,
  wouldNotify: [],
};

export interface NotifierDeps {
  transport: HttpTransport;
  clock: Clock;
  secrets: readonly string[];
  /** Per delivery, and retries after the first attempt: the Elasticsearch requests' (run.ts passes them). */
  timeoutMs: number;
  retries: number;
  runUrl?: string;
  log: { info(m: string): void; warning(m: string): void };
}

export interface Notifier {
  /** Starts the deliveries for this check's new breaches; does not wait for them. */
  onCheck(check: CheckResult, messages: readonly MessageCount[]): void;
  /** Waits for the deliveries; with `resolve`, resolves the alerts of rules within limits now. */
  finish(checks: readonly CheckResult[], resolve: boolean): Promise<NotifyOutcome>;
}

/** The global thresholds that are set, by the breach kind they raise. */
function thresholdKinds(config: Pick<VerifyConfig, 'judgement'>): string[] {
  const t = config.judgement.thresholds;
  return [
    t.maxErrors !== undefined && 'max-errors',
    t.maxErrorRate !== undefined && 'max-error-rate',
    t.maxIncrease !== undefined && 'baseline',
    t.maxNewErrors !== undefined && 'new-errors',
  ].filter((k): k is string => Boolean(k));
}

/** A notifier when an alert target is configured. */
export function notifierFor(config: AlertConfig, deps: NotifierDeps): Notifier | null {
  const { notify, dryRun } = config.response;
  if (!notify.alertmanager && !notify.webhook) return null;
  return createNotifier(config, deps, dryRun);
}

function createNotifier(config: AlertConfig, deps: NotifierDeps, dryRun: boolean): Notifier {
  const { rules, thresholds } = config.judgement;
  const { notify } = config.response;
  const alerted = new Set<string>();
  const alerts: AlertRecord[] = [];
  const deliveries: DeliveryRecord[] = [];
  const wouldNotify: string[] = [];
  const pending: Promise<void>[] = [];
  const options = {
    transport: deps.transport,
    timeoutMs: deps.timeoutMs,
    retries: deps.retries,
    sleep: deps.clock.sleep,
    secrets: deps.secrets,
  };
  const targetsOf = (rule: string | undefined): NotifyTarget[] =>
    rule !== undefined ? (rules.find((r) => r.name === rule)?.notify ?? []) : thresholds.breachNotify;

  const record = (a: Alert) =>
    alerts.push({
      rule: a.rule,
      status: a.status,
      action: a.action,
      targets: a.targets,
      labels: a.labels,
      summary: a.summary,
      startsAt: new Date(a.startsAt).toISOString(),
      endsAt: new Date(a.endsAt).toISOString(),
    });

  const send = (target: NotifyTarget, batch: Alert[], payload: unknown) => {
    const endpoint = notify[target];
    if (!endpoint || batch.length === 0) return;
    const status = batch[0]!.status;
    const rules = batch.map((a) => a.rule);
    pending.push(
      deliver(endpoint, payload, options).then((result) => {
        deliveries.push({ target, status, rules, ...result });
        const what = `${status === 'firing' ? 'alert' : 'resolve'} for ${rules.join(', ')} to ${target}`;
        if (result.delivered) deps.log.info(`notify: ${what}: ${result.detail}`);
        else deps.log.warning(`notify: ${what} FAILED: ${result.detail}`);
      }),
    );
  };

  const dispatch = (batch: Alert[]) => {
    send(
      'alertmanager',
      batch.filter((a) => a.targets.includes('alertmanager')),
      alertmanagerBody(batch.filter((a) => a.targets.includes('alertmanager'))),
    );
    for (const alert of batch.filter((a) => a.targets.includes('webhook'))) {
      send('webhook', [alert], webhookBody(alert));
    }
  };

  return {
    onCheck(check, messages) {
      const ctx = { config, now: deps.clock.now(), ...(deps.runUrl ? { runUrl: deps.runUrl } : {}) };
      const fresh: Alert[] = [];
      for (const breach of check.breaches) {
        const key = breach.rule ?? breach.kind;
        const targets = targetsOf(breach.rule);
        if (targets.length === 0 || alerted.has(key)) continue;
        alerted.add(key);
        fresh.push(breachAlert(ctx, breach, check, targets, messages));
      }
      if (fresh.length === 0) return;
      if (dryRun) {
        wouldNotify.push(...fresh.map((a) => a.rule));
        return;
      }
      for (const alert of fresh) record(alert);
      dispatch(fresh);
    },

    async finish(checks, resolve) {
      await Promise.all(pending);
      pending.length = 0;
      if (resolve && !dryRun && notify.alertmanager) {
        const ctx = { config, now: deps.clock.now(), ...(deps.runUrl ? { runUrl: deps.runUrl } : {}) };
        const last = [...checks].reverse().find((c) => c.status !== 'error');
        const clear: Alert[] = [];
        for (const rule of rules) {
          const result = last?.rules.find((r) => r.name === rule.name);
          if (!rule.notify.includes('alertmanager') || alerted.has(rule.name) || !result) continue;
          if (result.count <= result.max) clear.push(resolvedAlert(ctx, rule.name, rule.action));
        }
        if (thresholds.breachNotify.includes('alertmanager')) {
          const breachedKinds = new Set<string>(checks.flatMap((c) => c.breaches.map((b) => b.kind)));
          for (const kind of thresholdKinds(config)) {
            if (!alerted.has(kind) && !breachedKinds.has(kind)) {
              clear.push(resolvedAlert(ctx, kind, thresholds.breachAction));
            }
          }
        }
        if (clear.length) {
          for (const alert of clear) record(alert);
          send('alertmanager', clear, alertmanagerBody(clear));
          await Promise.all(pending);
        }
      }
      const firing = deliveries.filter((d) => d.status === 'firing');
      return {
        alerts,
        deliveries,
        sent: firing.filter((d) => d.delivered).reduce((n, d) => n + d.rules.length, 0),
        failed: firing.some((d) => !d.delivered),
        wouldNotify,
      };
    },
  };
}

/**
 * A firing alert that could not be delivered follows on-error: nobody heard of
 * the breach, so a pass is not a pass. Other decisions keep theirs, with a reason.
 */
export function afterDelivery(
  config: Pick<VerifyConfig, 'judgement' | 'response'>,
  decision: Decision,
  outcome: NotifyOutcome,
): { decision: Decision; reasons: string[] } {
  if (!outcome.failed || config.response.dryRun) return { decision, reasons: [] };
  const failed = outcome.deliveries.filter((d) => d.status === 'firing' && !d.delivered);
  const what = `could not deliver the alerts to ${failed.map((d) => `${d.target} (${d.detail})`).join(', ')}`;
  if (decision !== 'pass') return { decision, reasons: [what] };
  const onError = config.judgement.policies.onError;
  return {
    decision: onError === 'fail' ? 'fail' : 'inconclusive',
    reasons: [`${what} (on-error: ${onError})`],
  };
}
