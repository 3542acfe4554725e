// Types of seed.mjs for the TypeScript tests and bench that import it.

export interface SeedOptions {
  url: string;
  docs: number;
  deployAt: Date;
  historyMinutes: number;
  afterMinutes: number;
  /** Share of the documents that are the post-deploy error storm of checkout in production. */
  stormShare: number;
  seed: number;
  indexPrefix: string;
  messageType: 'auto' | 'text' | 'match_only_text';
  messageKeyword: boolean;
  batch: number;
  concurrency: number;
  summaryFile?: string;
  keepExisting: boolean;
  allowRemote: boolean;
  username?: string;
  password?: string;
  apiKey?: string;
  bearerToken?: string;
  caCert?: string;
}

export type NormalisedLevel = 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'critical';

/** One count per (minute, window, service, environment, version, level as written, level, message kind). */
export interface SeedRow {
  /** Start of the UTC minute, e.g. '2026-11-27T18:45:00.000Z'. */
  minute: string;
  window: 'baseline' | 'afterDeploy';
  service: string;
  environment: string;
  version: string;
  levelAsWritten: string;
  level: NormalisedLevel;
  /** e.g. 'timeout', 'auth_failed', 'undefined_currency', 'http_access'. */
  kind: string;
  count: number;
}

export interface WindowCounts {
  total: number;
  byLevel: Record<string, number>;
  byLevelAsWritten: Record<string, number>;
  byKind: Record<string, number>;
  byVersion: Record<string, number>;
}

export interface SeedSummary {
  url: string;
  indexPattern: string;
  indices: string[];
  deletedIndices: string[];
  messageField: { type: 'text' | 'match_only_text'; keywordSubfield: 'message.keyword' | null };
  seed: number;
  docs: number;
  normalDocs: number;
  stormDocs: number;
  start: string;
  deployAt: string;
  end: string;
  baselineVersion: string;
  deployedVersion: string;
  newAfterDeployKinds: string[];
  tookMs: number;
  docsPerSecond: number;
  totals: {
    byService: Record<string, number>;
    byEnvironment: Record<string, number>;
    byLevel: Record<string, number>;
    byLevelAsWritten: Record<string, number>;
    byWindow: Record<string, number>;
  };
  /** checkout in production, before and after the deploy. */
  deployedService: {
    service: string;
    environment: string;
    baseline: WindowCounts;
    afterDeploy: WindowCounts;
  };
  rows: SeedRow[];
}

/** Parses seed.mjs's command-line flags (see its header) into options, with defaults. */
export function parseSeedArgs(argv: string[], now?: Date): SeedOptions;

/** Seeds the node and returns exact counts of what it wrote. */
export function seedLogs(options: SeedOptions, log?: (line: string) => void): Promise<SeedSummary>;
