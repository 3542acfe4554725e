// The validated configuration of one verification, shared by the action and the
// CLI. inputs.ts builds it from raw strings; nothing else reads raw inputs.
//
// It is a record of sections, one per concern, and each phase is handed only
// the sections it reads (a parameter typed Pick<VerifyConfig, 'scope' |
// 'judgement'>, say): the connection (how to reach Elasticsearch), the scope
// (which logs, around which deploy), the schedule (when to check), the
// judgement (what counts as a breach and what a breach decides), the response
// (what to do about a decision) and the output (where the report goes).

export type Auth =
  | { kind: 'none' }
  | { kind: 'api-key'; apiKey: string }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'bearer'; token: string };

export interface ConnectionConfig {
  /** Exactly one of url and cloudId is set. */
  url?: string;
  cloudId?: string;
  auth: Auth;
  caCert?: string;
  caFingerprint?: string;
  requestTimeoutMs: number;
  /** Retries after the first attempt on 429/502/503/504, timeouts and connection errors. */
  retries: number;
}

interface FieldNames {
  timestamp: string;
  level: string;
  message: string;
  service: string;
  environment: string;
  version: string;
}

/**
 * What a breach leads to. rollback, pause and fail fail the job; notify and warn
 * do not (notify sends alerts, warn only reports).
 */
export type RuleAction = 'rollback' | 'pause' | 'fail' | 'notify' | 'warn';

/** Whether a breach with this action fails the job (and so counts against failure-limit). */
export function blocksDeploy(action: RuleAction): boolean {
  return action !== 'warn' && action !== 'notify';
}

/** Where alerts go: Prometheus Alertmanager (API v2) or a generic JSON webhook. */
export type NotifyTarget = 'alertmanager' | 'webhook';

export interface Rule {
  name: string;
  /** A phrase matched with match_phrase on `field`; exclusive with `query`. */
  phrase?: string;
  /** An explicit Elasticsearch query (DSL object); exclusive with `phrase`. */
  query?: Record<string, unknown>;
  field: string;
  /** Levels that count, matched case-insensitively; empty means any level. */
  levels: string[];
  /** The most matches tolerated in the window. */
  max: number;
  /** Breached in this many consecutive checks before it counts (1 = at once). */
  consecutive: number;
  action: RuleAction;
  /** Targets alerted when the rule breaches (any action); empty: none. */
  notify: NotifyTarget[];
  /** Extra Alertmanager labels for this rule's alerts (may override severity). */
  labels: Record<string, string>;
}

export type NoDataPolicy = 'pass' | 'fail' | 'inconclusive';
export type ErrorPolicy = 'fail' | 'inconclusive';
export type InconclusivePolicy = 'fail' | 'pass';

export interface Thresholds {
  maxErrors?: number;
  /** Errors per minute over the window. */
  maxErrorRate?: number;
  /** Window rate over baseline rate; undefined disables the baseline gate. */
  maxIncrease?: number;
  /** The baseline gate only trips from this many errors in the window (so 0 -> 1 passes). */
  minErrors: number;
  /** Compare errors / all logs instead of errors per minute. */
  normalizeByVolume: boolean;
  /** Confidence of the rate test behind max-increase (0.99: a rise is called at p < 0.01). */
  confidence: number;
  /** Most new error messages (absent from the baseline) tolerated; undefined = report only. */
  maxNewErrors?: number;
  /** How far before the baseline a new kind must be absent too (capped by what the index holds), ms. */
  newErrorLookbackMs: number;
  /** What a breach of the global thresholds (not rules) leads to. */
  breachAction: RuleAction;
  /** Targets alerted when a global threshold breaches. */
  breachNotify: NotifyTarget[];
}

interface Policies {
  onNoData: NoDataPolicy;
  onError: ErrorPolicy;
  onInconclusive: InconclusivePolicy;
}

export interface RollbackConfig {
  command?: string;
  /** How long rollback-command may run before it is stopped and counted as failed. */
  commandTimeoutMs?: number;
  workflow?: { id: string; ref?: string; inputs: Record<string, string> };
  event?: { type: string; payload: Record<string, unknown> };
  deployment?: { id: number; state: 'failure' | 'inactive' };
  githubToken?: string;
  /** owner/repo for the GitHub triggers. */
  repository?: string;
}

/** Which logs are verified, around which deploy: what the searches filter on and the windows span. */
interface ScopeConfig {
  index: string;
  fields: FieldNames;
  levels: string[];
  service?: string;
  environment?: string;
  version?: string;
  /** The documented raw extra query, ANDed with the structured filters. */
  extraQuery?: Record<string, unknown>;
  deployedAt: number;
  /** How late logs become searchable: each window ends this long before its check. */
  ingestDelayMs: number;
  /** The period before the deploy that the window is compared with; 0: no baseline. */
  baselineWindowMs: number;
}

/** When the checks run: every interval, for duration (0: once, at once). */
interface ScheduleConfig {
  intervalMs: number;
  durationMs: number;
}

/** What counts as a breach, and what the checks' breaches decide. */
interface JudgementConfig {
  thresholds: Thresholds;
  rules: Rule[];
  failureLimit: number;
  policies: Policies;
}

/** What is done about a decision: rollback, pause and alerts, or (dry run) nothing but the report. */
export interface ResponseConfig {
  dryRun: boolean;
  rollback: RollbackConfig;
  notify: NotifyConfig;
  /** Run on a pause decision, with the rollback command's BXG_* environment, stopped after timeoutMs. */
  pause?: { command: string; timeoutMs: number };
}

/** Where the findings go besides the outputs and the summary. */
interface OutputConfig {
  kibana?: { url: string; dataView?: string };
  reportPath?: string;
}

export interface VerifyConfig {
  connection: ConnectionConfig;
  scope: ScopeConfig;
  schedule: ScheduleConfig;
  judgement: JudgementConfig;
  response: ResponseConfig;
  output: OutputConfig;
}

export interface NotifyEndpoint {
  /** Where alerts are POSTed (Alertmanager: the full /api/v2/alerts URL). */
  url: string;
  /** Request headers (credentials among them): secret. */
  headers: Record<string, string>;
}

export interface NotifyConfig {
  alertmanager?: NotifyEndpoint;
  /** The URL itself is secret (Slack-style webhooks carry their token in the path). */
  webhook?: NotifyEndpoint;
  /** Labels on every alert (e.g. cluster, team). */
  labels: Record<string, string>;
  /** A sent alert's endsAt is this long after it was sent. */
  resolveAfterMs: number;
}

/** The secrets in a configuration, to mask in logs and scrub from error messages. */
export function secretsOf(config: Pick<VerifyConfig, 'connection' | 'response'>): string[] {
  const auth = config.connection.auth;
  const { rollback, notify } = config.response;
  const secrets: string[] = [];
  if (auth.kind === 'api-key') secrets.push(auth.apiKey);
  if (auth.kind === 'basic') {
    // The Authorization header's form too, should an HTTP error ever quote it.
    secrets.push(auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString('base64'));
  }
  if (auth.kind === 'bearer') secrets.push(auth.token);
  if (rollback.githubToken) secrets.push(rollback.githubToken);
  for (const endpoint of [notify.alertmanager, notify.webhook]) {
    for (const value of Object.values(endpoint?.headers ?? {})) {
      secrets.push(value);
      // "Bearer xyz" / "Basic abc": the credential alone too, should it be quoted apart.
      const credential = value.split(/\s+/).at(-1);
      if (credential && credential.length >= 6 && credential !== value) secrets.push(credential);
      // Basic credentials (from user:password@ in alertmanager-url too): the password in clear.
      if (/^basic\s/i.test(value) && credential) {
        const password = Buffer.from(credential, 'base64').toString().split(':').slice(1).join(':');
        if (password) secrets.push(password);
      }
    }
  }
  if (notify.webhook) secrets.push(...webhookSecrets(notify.webhook.url));
  return secrets.filter((s) => s.length > 0);
}

/**
 * A part of a webhook URL that may be its credential: 8 characters or more with a digit, or
 * 16 or more with an upper-case letter, digit or underscore (Slack's T.../B.../token, Discord's
 * id and token, Mattermost's key, a ?token= value), not a word such as services or webhooks.
 */
function tokenLike(part: string): boolean {
  return (part.length >= 8 && /\d/.test(part)) || (part.length >= 16 && /[A-Z0-9_]/.test(part));
}

/**
 * The webhook URL, and what of it a receiver or a proxy may quote on its own: the path
 * (Express answers `Cannot POST /services/T0/B0/<token>`), its token-like segments and
 * query values, as written and decoded.
 */
function webhookSecrets(url: string): string[] {
  const secrets = [url];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return secrets;
  }
  const decode = (text: string) => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  const segments = parsed.pathname
    .split('/')
    .flatMap((s) => [s, decode(s)])
    .filter(tokenLike);
  const values = [...parsed.searchParams.values()].filter(tokenLike);
  if (segments.length > 0) secrets.push(parsed.pathname, decode(parsed.pathname), ...segments);
  if (values.length > 0) secrets.push(parsed.search.slice(1), ...values);
  return [...new Set(secrets)];
}
