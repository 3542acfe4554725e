// The verification's side effects, each behind a small interface: the log
// store, the clock, the log, the rollback triggers and the alerts' HTTP. The
// action and the CLI wire the real ones (index.ts, src/cli/verify.ts); tests
// pass fakes. Each port brings its own vocabulary (a search request, the
// mapping's field caps, the store's errors), so every phase can speak it and
// this file imports nothing but the config's types.
import type { ConnectionConfig } from './config/config.js';

/** _field_caps `fields`: field -> mapping type -> capabilities (several types when indices disagree). */
export type FieldCaps = Record<string, Record<string, { searchable?: boolean; aggregatable?: boolean }>>;

export interface SearchRequest {
  index: string;
  /** Query-string options: a pattern that matches nothing must be an error. */
  params: { allow_no_indices: false; ignore_unavailable: false };
  body: Record<string, unknown>;
}

export interface ServerInfo {
  version: string;
  major: number;
  /** `elasticsearch`, or e.g. `opensearch` for refused servers. */
  distribution: string;
  clusterName?: string;
  /** Which client major serves this server. */
  clientMajor: 8 | 9;
}

export type LogStoreErrorKind =
  | 'unreachable'
  | 'timeout'
  | 'auth'
  | 'index-not-found'
  | 'index-closed'
  | 'bad-request'
  | 'rate-limited'
  | 'unavailable'
  | 'unsupported'
  | 'server';

/** What a LogStore throws: what went wrong, in words without secrets. */
export class LogStoreError extends Error {
  override name = 'LogStoreError';
  constructor(
    readonly kind: LogStoreErrorKind,
    message: string,
    readonly status?: number,
    /** The index the error is about (index-closed). */
    readonly index?: string,
  ) {
    super(message);
  }
}

/** The log store the verification reads; a fake in tests, Elasticsearch in production. */
export interface LogStore {
  readonly server: ServerInfo;
  fieldCaps(index: string, fields: string[]): Promise<FieldCaps>;
  /**
   * The closed indices the pattern matches: a search (expand_wildcards=open, the default) skips
   * them without a word, and with them whatever they hold.
   */
  closedIndices(index: string): Promise<string[]>;
  search(request: SearchRequest): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}

/**
 * How a command ended: its exit code; 'timeout' when it ran longer than its timeout and was
 * stopped; interrupted when this process was told to stop (SIGINT, SIGTERM) and passed it on.
 */
export type ShellResult = number | 'timeout' | { interrupted: NodeJS.Signals };

/** Runs the rollback and pause commands (bash in production). */
export interface Shell {
  /**
   * Runs the command with bash, streaming its output; resolves when bash exits (a child it left
   * behind is not waited for). A timeout or a stop signal stops everything it started.
   */
  run(
    command: string,
    env: Record<string, string>,
    onOutput: (text: string) => void,
    timeoutMs?: number,
  ): Promise<ShellResult>;
}

interface HttpResponse {
  status: number;
  body: string;
}

/** The alerts' HTTP: one POST (fetch in production, a recorder in tests). */
export interface HttpTransport {
  post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpResponse>;
}

export interface GitHubApi {
  request(route: string, params: Record<string, unknown>): Promise<{ status: number }>;
}

export interface RollbackDeps {
  shell: Shell;
  /** Created only when a GitHub trigger is configured (it loads @actions/github). */
  github: (token: string) => Promise<GitHubApi>;
  onOutput: (text: string) => void;
  secrets: readonly string[];
}

export interface VerifyDeps {
  /** Opens the store; its errors are scrubbed of the secrets. */
  connect(connection: ConnectionConfig, secrets: readonly string[]): Promise<LogStore>;
  clock: Clock;
  log: Logger;
  rollback: Omit<RollbackDeps, 'secrets'>;
  /** This workflow run's page, for the rollback's payload; absent outside a workflow run. */
  runUrl?: string;
  /** For alerts to Alertmanager and the webhook (default: fetch). */
  http?: HttpTransport;
}
