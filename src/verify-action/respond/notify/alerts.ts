// Pure: breaches -> alerts, and alerts -> the two wire formats (Alertmanager's
// API v2 PostableAlert and a Slack-compatible webhook body). One alert per
// breached rule (or global threshold); its labels identify it across runs, so a
// later run of the same service and environment can resolve it.
import { truncate } from '../../../github/escape.js';
import { stripControl } from '../../../shared/text.js';
import type { NotifyTarget, RuleAction, VerifyConfig } from '../../config/config.js';
import type { Breach, CheckResult } from '../../judge/decision.js';
import type { MessageCount } from '../../measure/messages.js';

const ALERT_NAME = 'BuildxGateVerifyBreach';

/** What the job does about the breach, as the alert says it. */
const ACTION_TEXT: Record<RuleAction, string> = {
  rollback: 'rolling back',
  pause: 'pausing the rollout (nothing is rolled back)',
  fail: 'failing the deploy job',
  notify: 'notify only, the deploy goes on',
  warn: 'warning only, the deploy goes on',
};

export interface Alert {
  /** The rule's name, or the global threshold's kind (max-errors, baseline, ...). */
  rule: string;
  action: RuleAction;
  status: 'firing' | 'resolved';
  targets: NotifyTarget[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  endsAt: number;
  generatorUrl?: string;
  /** One-line summary, also the first line of the webhook text. */
  summary: string;
}

/** What alerts are made of: the deploy (scope), the rules and thresholds, and the notify settings. */
export type AlertConfig = Pick<VerifyConfig, 'scope' | 'judgement' | 'response'>;

export interface AlertContext {
  config: AlertConfig;
  /** When the alert is sent. */
  now: number;
  runUrl?: string;
}

/**
 * Log text is untrusted and goes to receivers we do not control (Slack, PagerDuty,
 * e-mail) through Alertmanager's templates: control characters and line breaks go,
 * the length is bounded, and angle brackets become look-alikes, since Slack reads
 * <!channel> and <@U...> as mentions and e-mail templates may render HTML. Every @
 * before a word gets a zero-width space after it: Mattermost and Rocket.Chat page a
 * channel on @channel, @here or @all, Discord on @everyone, and any of them a user on
 * @name. The text reads the same.
 */
export function cleanLogText(text: string, maxChars = 200): string {
  const flat = stripControl(text).replace(/\s+/g, ' ').trim().replace(/</g, '‹').replace(/>/g, '›');
  return truncate(flat.replace(/@(?=[\p{L}\p{N}_&!^])/gu, '@\u200b'), maxChars);
}

function scopeText(config: Pick<VerifyConfig, 'scope'>): string {
  const { service, environment } = config.scope;
  const where = service ?? 'deploy';
  return environment ? `${where} (${environment})` : where;
}

function severityOf(action: RuleAction): string {
  return action === 'notify' || action === 'warn' ? 'warning' : 'critical';
}

/** The identity of a rule's (or threshold's) alert: the same in every run of the same configuration. */
function alertLabels(config: AlertConfig, rule: string, action: RuleAction): Record<string, string> {
  const { service, environment } = config.scope;
  const own = config.judgement.rules.find((r) => r.name === rule)?.labels ?? {};
  return {
    alertname: ALERT_NAME,
    ...(service ? { service } : {}),
    ...(environment ? { environment } : {}),
    rule,
    severity: severityOf(action),
    ...config.response.notify.labels,
    ...own,
  };
}

const round = (n: number) => String(Math.round(n * 1000) / 1000);

/** The alert for one breach, from the check that breached. */
export function breachAlert(
  ctx: AlertContext,
  breach: Breach,
  check: CheckResult,
  targets: NotifyTarget[],
  messages: readonly MessageCount[],
): Alert {
  const { config } = ctx;
  const { version } = config.scope;
  const rule = breach.rule ?? breach.kind;
  const summary = `${scopeText(config)}: ${breach.reason} → ${ACTION_TEXT[breach.action]}`;
  const result = check.rules.find((r) => r.name === breach.rule);
  const deployedAt = new Date(config.scope.deployedAt).toISOString();
  const figures = [
    result ? `${result.count} matches since the deploy (max ${result.max}).` : '',
    `${check.errorCount} errors in ${check.total} logs since the deploy at ${deployedAt}, ${round(check.errorRate)}/min` +
      (check.baselineRate !== null ? ` (baseline ${round(check.baselineRate)}/min).` : '.'),
    version ? `Version ${version}.` : '',
    `Check ${check.check}; action: ${breach.action}.`,
  ].filter(Boolean);
  const fresh = new Set(check.newErrors.map((m) => m.message));
  const top = [...messages]
    .sort((a, b) => Number(fresh.has(b.message)) - Number(fresh.has(a.message)) || b.count - a.count)
    .slice(0, 3)
    .map((m) => `${m.count}× ${fresh.has(m.message) ? '(new) ' : ''}${cleanLogText(m.message)}`);
  const annotations: Record<string, string> = {
    summary,
    description: figures.join(' '),
    action: breach.action,
    error_count: String(check.errorCount),
    error_rate: round(check.errorRate),
    ...(check.baselineRate !== null ? { baseline_rate: round(check.baselineRate) } : {}),
    total_logs: String(check.total),
    ...(result ? { matches: String(result.count), max: String(result.max) } : {}),
    deployed_at: deployedAt,
    ...(version ? { version } : {}),
    ...(top.length ? { top_errors: top.join('\n') } : {}),
    ...(ctx.runUrl ? { run_url: ctx.runUrl } : {}),
  };
  return {
    rule,
    action: breach.action,
    status: 'firing',
    targets,
    labels: alertLabels(config, rule, breach.action),
    annotations,
    startsAt: ctx.now,
    endsAt: ctx.now + config.response.notify.resolveAfterMs,
    ...(ctx.runUrl ? { generatorUrl: ctx.runUrl } : {}),
    summary,
  };
}

/** An alert that ends now: Alertmanager resolves the firing alert with the same labels, if any. */
export function resolvedAlert(ctx: AlertContext, rule: string, action: RuleAction): Alert {
  const summary = `${scopeText(ctx.config)}: ${rule} within limits in a later verification`;
  return {
    rule,
    action,
    status: 'resolved',
    targets: ['alertmanager'],
    labels: alertLabels(ctx.config, rule, action),
    annotations: { summary, ...(ctx.runUrl ? { run_url: ctx.runUrl } : {}) },
    startsAt: ctx.now,
    endsAt: ctx.now,
    ...(ctx.runUrl ? { generatorUrl: ctx.runUrl } : {}),
    summary,
  };
}

/** Alertmanager API v2: POST /api/v2/alerts takes a list of PostableAlert. */
export function alertmanagerBody(alerts: readonly Alert[]): Record<string, unknown>[] {
  return alerts.map((a) => ({
    labels: a.labels,
    annotations: a.annotations,
    startsAt: new Date(a.startsAt).toISOString(),
    endsAt: new Date(a.endsAt).toISOString(),
    ...(a.generatorUrl ? { generatorURL: a.generatorUrl } : {}),
  }));
}

/** Slack's mrkdwn needs &, < and > escaped, or <!channel> would notify everyone. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A generic webhook body: `text` for Slack-compatible receivers (Slack, Mattermost,
 * Rocket.Chat, Discord's /slack endpoint), and the alert itself under `alert` for
 * anything that reads JSON.
 */
export function webhookBody(alert: Alert): Record<string, unknown> {
  const a = alert.annotations;
  const icon =
    alert.status === 'resolved'
      ? ':white_check_mark:'
      : alert.action === 'warn' || alert.action === 'notify'
        ? ':warning:'
        : ':rotating_light:';
  const lines = [`${icon} *buildx-gate verify*: ${slackEscape(alert.summary)}`];
  if (a.description) lines.push(slackEscape(a.description));
  if (a.top_errors) {
    lines.push(
      'Top errors since the deploy:',
      ...a.top_errors.split('\n').map((line) => `• ${slackEscape(line.replace(/`/g, "'"))}`),
    );
  }
  if (alert.generatorUrl) lines.push(`<${alert.generatorUrl.replace(/[<>|]/g, '')}|Workflow run>`);
  return {
    text: lines.join('\n'),
    alert: {
      status: alert.status,
      labels: alert.labels,
      annotations: alert.annotations,
      startsAt: new Date(alert.startsAt).toISOString(),
      endsAt: new Date(alert.endsAt).toISOString(),
      ...(alert.generatorUrl ? { generatorURL: alert.generatorUrl } : {}),
    },
  };
}
