// Alerts to Alertmanager and the webhook: the inputs, the exact payloads, and a
// whole verification through a fake transport that records every request.
// covers: src/verify-action/respond/notify/alerts.ts, src/verify-action/respond/notify/deliver.ts
// covers: src/verify-action/respond/notify/notifier.ts, src/verify-action/config/notify-inputs.ts
// covers: src/verify-action/config/notify-labels.ts, src/verify-action/report/summary-actions.ts
import { describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { secretsOf } from '../../../src/verify-action/config/config.js';
import {
  alertmanagerBody,
  breachAlert,
  cleanLogText,
  webhookBody,
} from '../../../src/verify-action/respond/notify/alerts.js';
import { deliver, fetchTransport } from '../../../src/verify-action/respond/notify/deliver.js';
import type { HttpTransport } from '../../../src/verify-action/ports.js';
import { renderSummary } from '../../../src/verify-action/report/summary.js';
import { runVerification } from '../../../src/verify-action/run.js';
import { configFrom, DEPLOYED } from '../helpers.js';
import { BURST, depsFor } from '../run-fixtures.js';

interface Sent {
  url: string;
  body: unknown;
  headers: Record<string, string>;
}

/** Records each POST and answers with the scripted statuses (the last one repeats). */
function recordingTransport(statuses: (number | Error)[] = [200]) {
  const sent: Sent[] = [];
  const transport: HttpTransport = {
    post: async (url, body, headers) => {
      sent.push({ url, body: JSON.parse(body), headers });
      const answer = statuses[Math.min(sent.length - 1, statuses.length - 1)]!;
      if (answer instanceof Error) throw answer;
      return { status: answer, body: answer >= 400 ? 'boom' : '' };
    },
  };
  return { sent, transport };
}

const AM = 'http://alertmanager.monitoring:9093';
const HOOK = 'https://hooks.slack.example/services/T000/B000/XXXXSECRET';

const NOTIFY_RULES = `
- name: timeouts
  phrase: timeout
  max: 10
  action: rollback
  notify: [alertmanager, webhook]
- name: auth failed
  phrase: auth failed
  max: 2
  action: pause
  notify: [alertmanager]
  labels: {team: security}`;

const base = {
  service: 'checkout',
  environment: 'production',
  version: '1.4.2',
  'alertmanager-url': AM,
  'webhook-url': HOOK,
  duration: '0',
};

describe('notify inputs', () => {
  it('takes a base URL, adds the API path, and turns user:password@ into basic auth', () => {
    const config = configFrom({ ...base, 'alertmanager-url': 'https://am:s3cret@am.example.com/prefix/' });
    expect(config.response.notify.alertmanager).toEqual({
      url: 'https://am.example.com/prefix/api/v2/alerts',
      headers: { Authorization: `Basic ${Buffer.from('am:s3cret').toString('base64')}` },
    });
    expect(secretsOf(config)).toEqual(expect.arrayContaining(['s3cret']));
    expect(
      configFrom({ ...base, 'alertmanager-url': `${AM}/api/v2/alerts` }).response.notify.alertmanager!.url,
    ).toBe(`${AM}/api/v2/alerts`);
  });

  it('reads header lines, and masks their values and the webhook URL', () => {
    const config = configFrom({
      ...base,
      'alertmanager-headers': 'Authorization: Bearer am-token-123\nX-Scope-OrgID: shop\n# a comment\n',
      'webhook-headers': 'X-Signature: sig-456789',
    });
    expect(config.response.notify.alertmanager!.headers).toEqual({
      Authorization: 'Bearer am-token-123',
      'X-Scope-OrgID': 'shop',
    });
    expect(config.response.notify.webhook).toEqual({ url: HOOK, headers: { 'X-Signature': 'sig-456789' } });
    expect(secretsOf(config)).toEqual(
      expect.arrayContaining(['Bearer am-token-123', 'am-token-123', 'sig-456789', HOOK]),
    );
  });

  it('defaults: resolve after 1h, no labels, and action notify alerts every configured target', () => {
    const config = configFrom({
      ...base,
      rules: '- {name: auth, phrase: auth failed, max: 1, action: notify}',
    });
    expect(config.response.notify.resolveAfterMs).toBe(3_600_000);
    expect(config.response.notify.labels).toEqual({});
    expect(config.judgement.rules[0]!.notify).toEqual(['alertmanager', 'webhook']);
    expect(config.judgement.rules[0]!.labels).toEqual({});
  });

  it.each([
    [{ 'alertmanager-url': 'ftp://am' }, /^alertmanager-url: expected an http or https URL$/],
    [{ 'alertmanager-url': 'not a url' }, /^alertmanager-url: not a URL: 'not a url'$/],
    [{ 'webhook-url': 'hooks.slack.com/services/SECRET' }, /^webhook-url: not a URL$/],
    [{ 'alertmanager-url': `${AM}?x=1` }, /^alertmanager-url: expected a base URL/],
    [
      { 'alertmanager-headers': 'Bearer only-a-token-SECRET' },
      /^alertmanager-headers: line 1 is not a header/,
    ],
    [{ 'alertmanager-headers': 'A: 1\na: 2' }, /^alertmanager-headers: header a is given twice$/],
    [{ 'alertmanager-url': '', 'alertmanager-headers': 'A: 1' }, /^alertmanager-headers: only applies with/],
    [{ 'alert-resolve-after': '0' }, /^alert-resolve-after: expected a duration above 0/],
    [{ 'alert-resolve-after': '60' }, /^alert-resolve-after: expected a duration/],
    [{ 'alert-labels': 'team: [a, b]' }, /^alert-labels.team: expected a non-empty text value$/],
    [{ 'alert-labels': '{"0team": x}' }, /^alert-labels.0team: not a label name/],
    [{ 'alert-labels': 'service: other' }, /^alert-labels.service: set by buildx-gate itself/],
    [{ 'breach-notify': 'pagerduty' }, /^breach-notify: unknown target 'pagerduty'/],
    [{ 'webhook-url': '', 'breach-notify': 'webhook' }, /^breach-notify: webhook is not configured/],
    [
      { rules: '- {name: a, phrase: x, max: 1, notify: [webhook]}', 'webhook-url': '' },
      /^rules\[0\].notify: webhook is not configured \(set the webhook-url input\)$/,
    ],
    [
      { rules: '- {name: a, phrase: x, max: 1, notify: slack}' },
      /^rules\[0\].notify: unknown target 'slack'/,
    ],
    [
      { rules: '- {name: a, phrase: x, max: 1, labels: {rule: b}}' },
      /^rules\[0\].labels.rule: set by buildx-gate itself/,
    ],
    [{ rules: '- {name: a, phrase: x, max: 1, labels: [a]}' }, /^rules\[0\].labels: expected a mapping/],
    [
      { rules: '- {name: a, phrase: x, max: 1, action: notify}', 'alertmanager-url': '', 'webhook-url': '' },
      /^rules\[0\].action: notify needs alertmanager-url or webhook-url/,
    ],
    [
      { 'breach-action': 'notify', 'alertmanager-url': '', 'webhook-url': '' },
      /^breach-action: notify needs/,
    ],
  ])('refuses %j', (inputs, error) => {
    expect(() => configFrom({ ...base, ...inputs })).toThrow(error);
  });

  it('never quotes a secret input in its error', () => {
    for (const inputs of [
      { 'webhook-url': 'hooks.slack.com/services/SECRET' },
      { 'alertmanager-headers': 'Bearer SECRET' },
      { 'webhook-headers': 'SECRET' },
    ] as Record<string, string>[]) {
      expect(() => configFrom({ ...base, ...inputs })).toThrow(/^(?:(?!SECRET).)*$/);
    }
  });
});

describe('alert payloads', () => {
  const config = configFrom({ ...base, rules: NOTIFY_RULES, 'alert-labels': 'cluster: eu-1' });
  const check = {
    check: 2,
    at: DEPLOYED + 300_000,
    status: 'breached' as const,
    window: { start: DEPLOYED, end: DEPLOYED + 270_000 },
    total: 5000,
    errorCount: 412,
    errorRate: 91.556,
    baselineRate: 0.5,
    baselineErrors: 15,
    baselineTotal: 30_000,
    increase: 183.1,
    comparison: null,
    comparisons: [],
    rules: [
      {
        name: 'timeouts',
        count: 57,
        max: 10,
        action: 'rollback' as const,
        consecutive: 1,
        streak: 1,
        breached: true,
      },
      {
        name: 'auth failed',
        count: 3,
        max: 2,
        action: 'pause' as const,
        consecutive: 1,
        streak: 1,
        breached: true,
      },
    ],
    newErrors: [{ message: 'auth failed for <!channel> user\u001b[31m x', count: 3 }],
    breaches: [],
    warnings: [],
    newErrorCount: 1,
    aa: null,
    flags: { emptyWindow: false, incomplete: null, levelMismatch: null },
  };
  const now = DEPLOYED + 301_000;
  const alert = breachAlert(
    { config, now, runUrl: 'https://github.com/acme/shop/actions/runs/7' },
    {
      kind: 'rule',
      rule: 'auth failed',
      action: 'pause',
      reason: "rule 'auth failed' matched 3 times, max 2",
    },
    check,
    ['alertmanager'],
    [
      { message: 'upstream timeout after 3021ms', count: 300 },
      { message: 'auth failed for <!channel> user\u001b[31m x', count: 3 },
    ],
  );

  it('is an Alertmanager API v2 PostableAlert with the identity labels, the figures and a 1h endsAt', () => {
    expect(alertmanagerBody([alert])).toEqual([
      {
        labels: {
          alertname: 'BuildxGateVerifyBreach',
          service: 'checkout',
          environment: 'production',
          rule: 'auth failed',
          severity: 'critical',
          cluster: 'eu-1',
          team: 'security',
        },
        annotations: {
          summary:
            "checkout (production): rule 'auth failed' matched 3 times, max 2 → pausing the rollout (nothing is rolled back)",
          description:
            '3 matches since the deploy (max 2). 412 errors in 5000 logs since the deploy at 2026-11-27T11:50:00.000Z, 91.556/min (baseline 0.5/min). Version 1.4.2. Check 2; action: pause.',
          action: 'pause',
          error_count: '412',
          error_rate: '91.556',
          baseline_rate: '0.5',
          total_logs: '5000',
          matches: '3',
          max: '2',
          deployed_at: '2026-11-27T11:50:00.000Z',
          version: '1.4.2',
          top_errors: '3× (new) auth failed for ‹!channel› user x\n300× upstream timeout after 3021ms',
          run_url: 'https://github.com/acme/shop/actions/runs/7',
        },
        startsAt: new Date(now).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        generatorURL: 'https://github.com/acme/shop/actions/runs/7',
      },
    ]);
  });

  it('lets a rule label override the severity, and omits unset service and environment', () => {
    const bare = configFrom({
      'alertmanager-url': AM,
      duration: '0',
      rules: '- {name: x, phrase: x, max: 0, action: notify, labels: {severity: page}}',
    });
    const a = breachAlert(
      { config: bare, now },
      { kind: 'rule', rule: 'x', action: 'notify', reason: 'r' },
      check,
      ['alertmanager'],
      [],
    );
    expect(a.labels).toEqual({ alertname: 'BuildxGateVerifyBreach', rule: 'x', severity: 'page' });
    expect(a.annotations).not.toHaveProperty('top_errors');
    expect(a.annotations).not.toHaveProperty('run_url');
  });

  it('bounds and cleans log text', () => {
    expect(cleanLogText(`a\u0007b\r\n\tc <script>\u202e ${'x'.repeat(500)}`)).toMatch(/^ab c ‹script› x+…$/);
    expect(cleanLogText('x'.repeat(500))).toHaveLength(200);
  });

  // Mattermost and Rocket.Chat page a whole channel on @channel, @here or @all, Discord on
  // @everyone and @here, Slack on <!channel>, <!here> and <@U...>: a log line must page nobody.
  it('neutralises mentions in log text, to the webhook and to Alertmanager, keeping it readable', () => {
    const hostile = [
      '@channel db down',
      'ping @here and @all',
      '@everyone look',
      'cc <!channel> <!here|here> <@U0123ABCD> <@&987654321> <!subteam^S0123|oncall>',
      'mail bob@example.com',
    ];
    const a = breachAlert(
      { config, now },
      { kind: 'rule', rule: 'auth failed', action: 'pause', reason: 'r' },
      check,
      ['alertmanager', 'webhook'],
      hostile.map((message, i) => ({ message, count: 10 - i })),
    );
    const webhookText = (webhookBody(a) as { text: string }).text;
    const amText = JSON.stringify(alertmanagerBody([a]));
    for (const text of [webhookText, a.annotations.top_errors!, amText]) {
      expect(text).not.toMatch(/@(?:channel|here|all|everyone)\b/);
      expect(text).not.toMatch(/<[!@]/);
      expect(text).not.toMatch(/@[A-Za-z0-9&]/);
    }
    expect(a.annotations.top_errors).toContain('10× @\u200bchannel db down');
    expect(cleanLogText('ping @here, mail bob@example.com')).toBe(
      'ping @\u200bhere, mail bob@\u200bexample.com',
    );
  });

  it('gives the webhook Slack-compatible text, escaped, and the alert as JSON', () => {
    const body = webhookBody(alert) as { text: string; alert: Record<string, unknown> };
    expect(body.text).toBe(
      [
        ":rotating_light: *buildx-gate verify*: checkout (production): rule 'auth failed' matched 3 times, max 2 → pausing the rollout (nothing is rolled back)",
        '3 matches since the deploy (max 2). 412 errors in 5000 logs since the deploy at 2026-11-27T11:50:00.000Z, 91.556/min (baseline 0.5/min). Version 1.4.2. Check 2; action: pause.',
        'Top errors since the deploy:',
        '• 3× (new) auth failed for ‹!channel› user x',
        '• 300× upstream timeout after 3021ms',
        '<https://github.com/acme/shop/actions/runs/7|Workflow run>',
      ].join('\n'),
    );
    expect(body.text).not.toContain('<!channel>');
    expect(body.alert).toMatchObject({ status: 'firing', labels: { rule: 'auth failed', team: 'security' } });
    const hostile = webhookBody({ ...alert, summary: 'a <!here> & <b>', annotations: {} }) as {
      text: string;
    };
    expect(hostile.text).toContain('a &lt;!here&gt; &amp; &lt;b&gt;');
  });
});

describe('a verification that notifies', () => {
  const deps = (statuses?: (number | Error)[]) => {
    const t = recordingTransport(statuses);
    return {
      ...depsFor(BURST),
      http: t.transport,
      runUrl: 'https://github.com/acme/shop/actions/runs/7',
      sent: t.sent,
    };
  };

  it('sends one Alertmanager request with an alert per breached rule, and the webhook one per alert', async () => {
    const d = deps();
    const config = configFrom({
      ...base,
      rules: NOTIFY_RULES,
      'alertmanager-headers': 'Authorization: Bearer tok-123456',
    });
    const report = await runVerification(config, d);
    expect(report.decision).toBe('rollback');
    const am = d.sent.filter((s) => s.url === `${AM}/api/v2/alerts`);
    expect(am).toHaveLength(1);
    expect(am[0]!.headers).toEqual({ Authorization: 'Bearer tok-123456' });
    const alerts = am[0]!.body as { labels: Record<string, string>; startsAt: string; endsAt: string }[];
    expect(alerts.map((a) => a.labels.rule)).toEqual(['timeouts', 'auth failed']);
    expect(Date.parse(alerts[0]!.endsAt) - Date.parse(alerts[0]!.startsAt)).toBe(3_600_000);
    const hook = d.sent.filter((s) => s.url === HOOK);
    expect(hook).toHaveLength(1);
    expect((hook[0]!.body as { text: string }).text).toContain(
      "rule 'timeouts' matched 57 times, max 10 → rolling back",
    );
    expect(report.notifications.sent).toBe(3);
    expect(report.notifications.failed).toBe(false);
    expect(report.notifications.deliveries.map((x) => [x.target, x.rules, x.delivered])).toEqual([
      ['alertmanager', ['timeouts', 'auth failed'], true],
      ['webhook', ['timeouts'], true],
    ]);
    const summary = renderSummary(report, config.judgement.rules);
    expect(summary).toContain('### Alerts');
    expect(summary).toContain('| rollback + alerts alertmanager, webhook | **breached** → rollback |');
    expect(summary).toContain('| timeouts | firing, ends 13:00 UTC unless resolved |');
    const printed = JSON.stringify(report) + summary;
    expect(printed).not.toContain('XXXXSECRET');
    expect(printed).not.toContain('tok-123456');
  });

  it('alerts once per rule while the watch goes on, and a notify rule does not fail the deploy', async () => {
    const d = deps();
    const config = configFrom({
      ...base,
      'webhook-url': '',
      duration: '3m',
      interval: '1m',
      'max-increase': 'off',
      rules:
        '- {name: auth failed, phrase: auth failed, max: 2, action: notify}\n- {name: t, phrase: timeout, max: 100}',
    });
    const report = await runVerification(config, d);
    expect(report.checks).toHaveLength(3);
    expect(report.decision).toBe('pass');
    expect(report.gateFailed).toBe(false);
    expect(report.breachedRules).toEqual(['auth failed']);
    const firing = d.sent.filter((s) =>
      (s.body as { endsAt: string }[]).some((a) => Date.parse(a.endsAt) > DEPLOYED + 11 * 60_000),
    );
    expect(firing).toHaveLength(1);
    expect((firing[0]!.body as { labels: { severity: string } }[])[0]!.labels.severity).toBe('warning');
    // The other notify-less rule is not resolved: it has no alertmanager target.
    expect(d.sent).toHaveLength(1);
  });

  it('resolves the alert of a rule that is within limits in a later verification', async () => {
    const d = {
      ...deps(),
      ...depsFor({ total: 1000, errors: 2, baselineTotal: 6000, baselineErrors: 12, rules: [0, 0] }),
    };
    const t = recordingTransport();
    const config = configFrom({ ...base, rules: NOTIFY_RULES });
    const report = await runVerification(config, { ...d, http: t.transport });
    expect(report.decision).toBe('pass');
    expect(t.sent).toHaveLength(1);
    const body = t.sent[0]!.body as { labels: Record<string, string>; startsAt: string; endsAt: string }[];
    expect(body.map((a) => a.labels.rule)).toEqual(['timeouts', 'auth failed']);
    expect(body.every((a) => a.startsAt === a.endsAt)).toBe(true);
    expect(body[1]!.labels).toMatchObject({ team: 'security', severity: 'critical' });
    expect(report.notifications.alerts.map((a) => a.status)).toEqual(['resolved', 'resolved']);
    expect(report.notifications.sent).toBe(0);
  });

  it('does not resolve anything when it could not measure', async () => {
    const t = recordingTransport();
    const d = depsFor(() => {
      throw new Error('connect ECONNREFUSED');
    });
    const report = await runVerification(configFrom({ ...base, rules: NOTIFY_RULES }), {
      ...d,
      http: t.transport,
    });
    expect(report.decision).toBe('fail');
    expect(t.sent).toHaveLength(0);
  });

  it('retries a 503 and a refused connection, then delivers', async () => {
    const d = deps([503, new TypeError('fetch failed'), 200]);
    const report = await runVerification(
      configFrom({
        ...base,
        rules: '- {name: a, phrase: auth failed, max: 2, action: pause, notify: [alertmanager]}',
      }),
      d,
    );
    expect(d.sent).toHaveLength(3);
    expect(report.notifications.deliveries[0]).toMatchObject({ delivered: true, attempts: 3 });
  });

  it('turns a pass into fail (on-error fail) or inconclusive when an alert cannot be delivered', async () => {
    const rules = '- {name: auth failed, phrase: auth failed, max: 2, action: notify}';
    for (const [onError, decision] of [
      ['fail', 'fail'],
      ['inconclusive', 'inconclusive'],
    ] as const) {
      const d = deps([400]);
      const config = configFrom({
        ...base,
        'webhook-url': '',
        'max-increase': 'off',
        rules,
        'on-error': onError,
      });
      const report = await runVerification(config, d);
      expect(d.sent).toHaveLength(1); // a 400 is not retried
      expect(report.decision).toBe(decision);
      expect(report.gateFailed).toBe(true);
      expect(report.notifications.failed).toBe(true);
      expect(report.reasons.at(-1)).toBe(
        `could not deliver the alerts to alertmanager (HTTP 400: boom) (on-error: ${onError})`,
      );
      expect(renderSummary(report, config.judgement.rules)).toContain(
        'alertmanager: **FAILED** (HTTP 400: boom)',
      );
    }
  });

  // Express answers an unknown route with `Cannot POST <path>`: the webhook's token, echoed.
  it.each([
    ['the path', (path: string) => `<!DOCTYPE html><html><body><pre>Cannot POST ${path}</pre></body></html>`],
    ['the path, URL-encoded', (path: string) => `{"error":"no route ${encodeURIComponent(path)}"}`],
    ['the token alone', (path: string) => `unknown token ${path.split('/').at(-1)}`],
    ['the last two segments', (path: string) => `no hook ${path.split('/').slice(-2).join('/')}`],
  ])('scrubs a webhook answer that echoes %s, before it is logged or reported', async (_what, echo) => {
    const token = 'aUd1tW3bh00kT0kenQ7z9K3m';
    const url = `https://chat.example.com/services/T0AB12CD3/B0EF45GH6/${token}`;
    const path = new URL(url).pathname;
    const logs: string[] = [];
    const d = {
      ...depsFor(BURST, logs),
      http: { post: async () => ({ status: 404, body: echo(path) }) } satisfies HttpTransport,
    };
    const config = configFrom({
      ...base,
      'alertmanager-url': '',
      'webhook-url': url,
      'max-increase': 'off',
      'max-errors': '0',
      'breach-notify': 'webhook',
    });
    const report = await runVerification(config, d);
    expect(report.notifications.deliveries[0]!.delivered).toBe(false);
    const everything = [JSON.stringify(report), renderSummary(report), ...logs].join('\n');
    for (const secret of [token, path, 'T0AB12CD3', 'B0EF45GH6']) {
      expect({ secret, leaked: everything.includes(secret) }).toEqual({ secret, leaked: false });
    }
    expect(report.notifications.deliveries[0]!.detail).toMatch(/^HTTP 404: /);
  });

  it('counts the webhook path and its token-like segments among the secrets, not its plain words', () => {
    const config = configFrom({
      'webhook-url':
        'https://discord.example/api/webhooks/1234567890123/Zk-3_abcDEFghiJKLmnoPQRstu?wait=true&token=q1w2e3r4t5',
    });
    const secrets = secretsOf(config);
    expect(secrets).toEqual(
      expect.arrayContaining([
        '/api/webhooks/1234567890123/Zk-3_abcDEFghiJKLmnoPQRstu',
        '1234567890123',
        'Zk-3_abcDEFghiJKLmnoPQRstu',
        'q1w2e3r4t5',
      ]),
    );
    expect(secrets).not.toContain('api');
    expect(secrets).not.toContain('webhooks');
    expect(secrets).not.toContain('true');
  });

  it('alerts on global thresholds through breach-notify, and sends nothing in a dry run', async () => {
    const d = deps();
    const config = configFrom({
      ...base,
      'breach-notify': 'webhook',
      'max-errors': '100',
      'max-increase': 'off',
    });
    const report = await runVerification(config, d);
    expect(report.decision).toBe('fail');
    expect(d.sent.map((s) => s.url)).toEqual([HOOK]);
    expect((d.sent[0]!.body as { alert: { labels: Record<string, string> } }).alert.labels).toMatchObject({
      rule: 'max-errors',
      severity: 'critical',
    });
    const dry = deps();
    const dryReport = await runVerification(
      configFrom({ ...base, rules: NOTIFY_RULES, 'dry-run': 'true' }),
      dry,
    );
    expect(dry.sent).toHaveLength(0);
    expect(dryReport.notifications.wouldNotify).toEqual(['timeouts', 'auth failed']);
    expect(renderSummary(dryReport)).toContain('Dry run: alerts would have been sent for');
  });
});

describe('delivery over real HTTP (loopback)', () => {
  const options = (timeoutMs = 2000) => ({
    transport: fetchTransport,
    timeoutMs,
    retries: 1,
    sleep: async () => {},
    secrets: ['SECRETPATH'],
  });

  it('reports a refused connection after its retries, without the secret URL', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const result = await deliver(
      { url: `http://127.0.0.1:${port}/hook/SECRETPATH`, headers: {} },
      {},
      options(),
    );
    expect(result).toEqual({ delivered: false, attempts: 2, detail: 'ECONNREFUSED after 2 attempts' });
  });

  it('times out a server that does not answer, and posts JSON with the headers', async () => {
    const seen: { type?: string; auth?: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ type: req.headers['content-type'], auth: req.headers.authorization, body });
        if (req.url === '/slow') return; // never answers
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ok = await deliver(
        { url: `${url}/ok`, headers: { Authorization: 'Bearer t-1' } },
        [{ a: 1 }],
        options(),
      );
      expect(ok).toEqual({ delivered: true, attempts: 1, detail: 'HTTP 200' });
      expect(seen[0]).toEqual({ type: 'application/json', auth: 'Bearer t-1', body: '[{"a":1}]' });
      const slow = await deliver({ url: `${url}/slow`, headers: {} }, {}, options(200));
      expect(slow).toEqual({ delivered: false, attempts: 2, detail: 'timed out after 2 attempts' });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
