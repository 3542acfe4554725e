// Build-check warnings as buildx words them, in all three places they appear: the vertex line
// `#1 WARN: FromAsCasing: ... (line 1)`, the rawjson `short` field, and the closing summary
// ` - FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)`.
import type { BuildWarning } from './report.js';

const RULE_MESSAGE = /^([A-Za-z][\w-]*): (.*?)(?: \(line (\d+)\))?$/;

export function parseWarningText(text: string, file: string | null = null): BuildWarning {
  const trimmed = text.trim();
  const match = RULE_MESSAGE.exec(trimmed);
  if (match === null) return { rule: 'WARN', message: trimmed, line: null, file };
  return {
    rule: match[1]!,
    message: match[2]!,
    line: match[3] !== undefined ? Number(match[3]) : null,
    file,
  };
}
