// Types of generate.mjs for the TypeScript tests.
import type { NormalisedLevel, SeedRow } from '../seed.d.mts';

export const BASELINE_VERSION: string;
export const DEPLOYED_VERSION: string;
export const DEPLOYED_SERVICE: string;
export const DEPLOYED_ENVIRONMENT: string;
export const SERVICE_NAMES: string[];
export const NEW_AFTER_DEPLOY_KINDS: string[];

export interface ScenarioOptions {
  docs: number;
  deployAt: Date;
  historyMinutes: number;
  afterMinutes: number;
  stormShare: number;
  seed: number;
}

export interface ScenarioPlan extends ScenarioOptions {
  start: Date;
  end: Date;
  stormDocs: number;
  normalDocs: number;
}

/** One generated log: the ECS document (dotted field names) and what it stands for. */
export interface GeneratedLog {
  doc: Record<string, string | number>;
  kind: string;
  level: NormalisedLevel;
}

export function createRandom(seed: number): {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(items: T[]): T;
  weighted<T extends { weight: number }>(items: T[]): T;
  hex(length: number): string;
};
export function planScenario(options: ScenarioOptions): ScenarioPlan;
export function generateDocuments(plan: ScenarioPlan): Generator<GeneratedLog>;
export function createTally(plan: ScenarioPlan): { add(generated: GeneratedLog): void; rows(): SeedRow[] };
/** Sums rows (anything with a count) by the given properties into nested records. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function sumBy(rows: { count: number }[], ...keys: string[]): Record<string, any>;
