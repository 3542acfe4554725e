// Types of indices.mjs for the TypeScript tests.
export function indexName(prefix: string, service: string, timestamp: string): string;
export function plannedIndices(prefix: string, services: string[], start: Date, end: Date): string[];
export function templateBody(
  prefix: string,
  options: { messageType: 'text' | 'match_only_text'; messageKeyword: boolean },
): Record<string, unknown>;
