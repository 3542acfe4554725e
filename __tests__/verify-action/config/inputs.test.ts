// covers: src/verify-action/config/inputs.ts, src/verify-action/config/config.ts
// covers: src/verify-action/config/connection-inputs.ts, src/verify-action/config/input-values.ts
// covers: src/verify-action/config/response-inputs.ts, src/verify-action/config/rules-input.ts
import { describe, expect, it } from '@jest/globals';
import { secretsOf } from '../../../src/verify-action/config/config.js';
import { InputError } from '../../../src/shared/input-error.js';
import { parseDeployedAt } from '../../../src/verify-action/config/inputs.js';
import { parseRules } from '../../../src/verify-action/config/rules-input.js';
import { configFrom, DEPLOYED, NOW } from '../helpers.js';

describe('deployed-at', () => {
  it.each([
    ['', NOW],
    ['2026-11-27T11:50:00Z', DEPLOYED],
    ['2026-11-27T13:50:00+02:00', DEPLOYED],
    ['2026-11-27T11:50:00.000Z', DEPLOYED],
    [String(DEPLOYED), DEPLOYED],
  ])('%j', (text, at) => {
    expect(parseDeployedAt(text, NOW)).toBe(at);
  });

  it.each([
    ['1700000000', /epoch seconds.*1700000000000/],
    ['2026-11-27T11:50:00', /time zone/],
    ['yesterday', /ISO 8601/],
    ['2026-11-28T11:50:00Z', /in the future/],
  ])('refuses %j', (text, message) => {
    expect(() => parseDeployedAt(text, NOW)).toThrow(message);
  });
});

describe('inputs', () => {
  it('applies the ECS defaults', () => {
    const config = configFrom({});
    expect(config.scope.index).toBe('logs-*');
    expect(config.scope.fields).toEqual({
      timestamp: '@timestamp',
      level: 'log.level',
      message: 'message',
      service: 'service.name',
      environment: 'service.environment',
      version: 'service.version',
    });
    expect(config.scope.levels).toEqual(['error', 'fatal', 'critical']);
    expect(config.scope.ingestDelayMs).toBe(30_000);
    expect(config.schedule.intervalMs).toBe(30_000);
    expect(config.schedule.durationMs).toBe(300_000);
    expect(config.scope.baselineWindowMs).toBe(1_800_000);
    expect(config.judgement.thresholds).toEqual({
      maxIncrease: 2,
      minErrors: 5,
      newErrorLookbackMs: 7 * 24 * 3_600_000,
      normalizeByVolume: false,
      confidence: 0.99,
      breachAction: 'fail',
      breachNotify: [],
    });
    expect(config.judgement.policies).toEqual({
      onNoData: 'inconclusive',
      onError: 'fail',
      onInconclusive: 'fail',
    });
    expect(config.judgement.failureLimit).toBe(0);
    expect(config.response.dryRun).toBe(false);
    expect(config.connection).toEqual({
      url: 'http://127.0.0.1:9200',
      auth: { kind: 'none' },
      requestTimeoutMs: 30_000,
      retries: 3,
    });
  });

  it('reads thresholds, scope, policies and the levels list', () => {
    const config = configFrom({
      levels: 'ERROR, Fatal\nalert',
      service: 'checkout',
      environment: 'prod',
      version: '1.4.2',
      'max-errors': '100',
      'max-error-rate': '2.5',
      'max-increase': 'off',
      'max-new-errors': '0',
      'failure-limit': '2',
      'on-no-data': 'pass',
      'on-error': 'inconclusive',
      'on-inconclusive': 'pass',
      'dry-run': 'TRUE',
      duration: '0',
      query: '{"term": {"host.name": "web-1"}}',
    });
    expect(config.scope.levels).toEqual(['ERROR', 'Fatal', 'alert']);
    expect(config).toMatchObject({
      scope: { service: 'checkout', environment: 'prod', version: '1.4.2' },
      judgement: { failureLimit: 2 },
      response: { dryRun: true },
      schedule: { durationMs: 0 },
    });
    expect(config.judgement.thresholds).toMatchObject({ maxErrors: 100, maxErrorRate: 2.5, maxNewErrors: 0 });
    expect(config.judgement.thresholds.maxIncrease).toBeUndefined();
    expect(config.judgement.policies).toEqual({
      onNoData: 'pass',
      onError: 'inconclusive',
      onInconclusive: 'pass',
    });
    expect(config.scope.extraQuery).toEqual({ term: { 'host.name': 'web-1' } });
  });

  it.each([
    [{ 'elasticsearch-url': '' }, /elasticsearch-url: required/],
    [{ 'cloud-id': 'x:eHl6' }, /give one, not both/],
    [{ 'elasticsearch-url': 'ftp://es' }, /elasticsearch-url: expected an http or https URL/],
    [{ 'api-key': 'k', username: 'u', password: 'p' }, /api-key and username: choose one/],
    [{ username: 'u' }, /password: required with username/],
    [{ interval: '30' }, /interval: expected a duration like 30s/],
    [{ interval: '10m', duration: '5m' }, /interval: 10m is longer than duration 5m/],
    [{ 'max-errors': '-1' }, /max-errors: expected a whole number/],
    [{ 'max-increase': '0' }, /max-increase: expected a number > 0/],
    [{ 'on-error': 'pass' }, /on-error: expected one of fail, inconclusive, got 'pass'/],
    [{ 'on-no-data': 'ignore' }, /on-no-data: expected one of pass, fail, inconclusive/],
    [{ 'dry-run': 'yes' }, /dry-run: expected true or false/],
    [{ levels: ' , ' }, /levels: has no items/],
    [{ index: 'logs-*,' }, /index: 'logs-\*,' is not an index pattern/],
    [{ 'level-field': 'log level' }, /level-field: 'log level' is not a field name/],
    [{ query: 'match: x\nterm: y' }, /query: expected one Elasticsearch query object/],
    [{ 'ca-cert': 'not a pem' }, /ca-cert: expected a PEM certificate/],
    [{ 'ca-fingerprint': 'abc' }, /ca-fingerprint: expected a SHA-256 fingerprint/],
    [{ 'deployment-id': 'abc', 'github-token': 't' }, /deployment-id: expected a GitHub deployment id/],
    [{ 'rollback-event': 'rollback' }, /github-token: required/],
    [{ 'rollback-event': 'rollback', 'github-token': 't' }, /repository: expected owner\/name/],
    [{ 'rollback-workflow-inputs': 'a: b' }, /only applies with rollback-workflow/],
    [{ 'kibana-url': 'javascript:alert(1)' }, /kibana-url: expected an http or https URL/],
    [{ 'kibana-url': 'https://elastic:pw@kibana.example.com' }, /kibana-url: must not hold credentials/],
    [{ 'baseline-window': '0' }, /baseline-window: must be more than 0 while max-increase is set/],
    [
      { 'elasticsearch-url': 'https://elastic:50%zz@es.example.com' },
      /elasticsearch-url: the user:password part has a malformed %-escape/,
    ],
    [
      { 'deployed-at': '', duration: '0' },
      /duration: 0s with deployed-at left to now measures nothing.*ingest-delay \(30s\)/,
    ],
    [{ 'deployed-at': '', duration: '30s' }, /duration: 30s with deployed-at left to now/],
  ])('refuses %j', (inputs, message) => {
    expect(() => configFrom(inputs as Record<string, string>)).toThrow(message);
    expect(() => configFrom(inputs as Record<string, string>)).toThrow(InputError);
  });

  it('moves credentials out of the URL and never echoes them', () => {
    const config = configFrom({ 'elasticsearch-url': 'https://elastic:s3cr%40t@es.example.com:9200/' });
    expect(config.connection.url).toBe('https://es.example.com:9200');
    expect(config.connection.auth).toEqual({ kind: 'basic', username: 'elastic', password: 's3cr@t' });
    let message = '';
    try {
      configFrom({ 'elasticsearch-url': 'https://elastic:hunter2@[bad' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/elasticsearch-url: not a URL/);
    expect(message).not.toContain('hunter2');
  });

  it('masks basic credentials also in their Authorization header form', () => {
    const config = configFrom({ username: 'elastic', password: 'hunter2' });
    expect(secretsOf(config)).toEqual(['hunter2', Buffer.from('elastic:hunter2').toString('base64')]);
  });

  it('normalises a CA fingerprint and picks the auth method', () => {
    const fp = 'a'.repeat(64);
    const config = configFrom({ 'ca-fingerprint': fp, 'api-key': 'Zm9vOmJhcg==' });
    expect(config.connection.caFingerprint).toBe('AA:'.repeat(31) + 'AA');
    expect(config.connection.auth).toEqual({ kind: 'api-key', apiKey: 'Zm9vOmJhcg==' });
    expect(configFrom({ 'bearer-token': 'tok' }).connection.auth).toEqual({ kind: 'bearer', token: 'tok' });
  });

  it('builds the GitHub rollback triggers from the run environment', () => {
    const config = configFrom(
      {
        'rollback-workflow': 'rollback.yml',
        'rollback-workflow-inputs': 'version: 1.4.1\nforce: true',
        'rollback-event': 'deploy-rollback',
        'rollback-event-payload': '{"team": "payments"}',
        'deployment-id': '42',
        'deployment-state': 'inactive',
        'github-token': 'ghs_x',
      },
      NOW,
      { GITHUB_REPOSITORY: 'acme/shop', GITHUB_REF: 'refs/heads/main' },
    );
    expect(config.response.rollback).toEqual({
      workflow: { id: 'rollback.yml', ref: 'refs/heads/main', inputs: { version: '1.4.1', force: 'true' } },
      event: { type: 'deploy-rollback', payload: { team: 'payments' } },
      deployment: { id: 42, state: 'inactive' },
      githubToken: 'ghs_x',
      repository: 'acme/shop',
    });
  });
});

describe('rules', () => {
  it('expresses the two rules from the product brief', () => {
    const rules = parseRules(
      `
- name: timeouts
  phrase: timeout
  levels: [error, ERROR]
  max: 10
  consecutive: 2
  action: rollback
- name: auth failures
  phrase: auth failed
  field: error.message
  max: 50
  action: fail
- name: slow payments
  query: { range: { "event.duration": { gte: 5000000000 } } }
  max: 0
  action: warn
`,
      'message',
    );
    expect(rules).toEqual([
      {
        name: 'timeouts',
        phrase: 'timeout',
        field: 'message',
        levels: ['error', 'ERROR'],
        max: 10,
        consecutive: 2,
        action: 'rollback',
        notify: [],
        labels: {},
      },
      {
        name: 'auth failures',
        phrase: 'auth failed',
        field: 'error.message',
        levels: [],
        max: 50,
        consecutive: 1,
        action: 'fail',
        notify: [],
        labels: {},
      },
      {
        name: 'slow payments',
        query: { range: { 'event.duration': { gte: 5000000000 } } },
        field: 'message',
        levels: [],
        max: 0,
        consecutive: 1,
        action: 'warn',
        notify: [],
        labels: {},
      },
    ]);
  });

  it.each([
    ['name: x', /expected a YAML list/],
    ['- [1, 2]', /rules\[0\]: expected a mapping/],
    ['- phrase: x\n  max: 1', /rules\[0\].name: expected a name/],
    ['- name: a\n  max: 1', /rules\[0\].phrase: give exactly one of phrase or query/],
    ['- name: a\n  phrase: x\n  query: {match_all: {}}\n  max: 1', /give exactly one/],
    [
      '- name: a\n  phrase: x\n  max: 1\n- name: b\n  phrase: y\n  max: -1',
      /rules\[1\].max: expected a whole number >= 0/,
    ],
    ['- name: a\n  phrase: x\n  max: 1.5', /rules\[0\].max/],
    [
      '- name: a\n  phrase: x\n  max: 1\n  action: restart',
      /rules\[0\].action: expected one of rollback, pause, fail, notify, warn/,
    ],
    [
      '- name: a\n  phrase: x\n  max: 1\n  consecutive: 0',
      /rules\[0\].consecutive: expected a whole number >= 1/,
    ],
    ['- name: a\n  phrase: x\n  max: 1\n  levels: [1]', /rules\[0\].levels/],
    ['- name: a\n  phrase: x\n  max: 1\n  treshold: 3', /rules\[0\].treshold: unknown key/],
    [
      '- name: a\n  query: {match_all: {}}\n  field: m\n  max: 1',
      /rules\[0\].field: only applies to phrase rules/,
    ],
    [
      '- name: a\n  phrase: x\n  max: 1\n- name: a\n  phrase: y\n  max: 1',
      /rules\[1\].name: 'a' is used twice/,
    ],
    ['- name: a\n  phrase: [x', /rules: not valid YAML/],
  ])('refuses %j', (yaml, message) => {
    expect(() => parseRules(yaml, 'message')).toThrow(message);
  });

  // A phrase the analyzer reduces to no term never matches: the rule would watch nothing.
  it.each([
    ['***', /no letter or digit/],
    ['!!!', /no letter or digit/],
    [' -> ', /no letter or digit/],
    ['the', /only English stop words/],
    ['To Be Or Not To Be', /only English stop words/],
  ])('refuses the phrase %j, which analyses to no terms', (phrase, why) => {
    const yaml = `- {name: watch, phrase: ${JSON.stringify(phrase)}, max: 1}`;
    expect(() => parseRules(yaml, 'message')).toThrow(/^rules\[0\]\.phrase: /);
    expect(() => parseRules(yaml, 'message')).toThrow(why);
    expect(() => parseRules(yaml, 'message')).toThrow(/rule 'watch'/);
  });

  it.each(['to be continued', '500', 'ошибка', 'éé', 'null pointer', 'a1'])(
    'keeps the phrase %j, which has a term',
    (phrase) => {
      expect(parseRules(`- {name: w, phrase: ${JSON.stringify(phrase)}, max: 1}`, 'message')).toHaveLength(1);
    },
  );

  it('treats an empty input as no rules', () => {
    expect(parseRules('', 'message')).toEqual([]);
    expect(parseRules('# none yet\n', 'message')).toEqual([]);
  });
});
