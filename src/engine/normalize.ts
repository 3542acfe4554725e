// What CI adds around buildx's own text, removed before any reader looks at a line:
// the ISO timestamp GitHub Actions puts before every line of a downloaded job log, and ANSI
// colour and cursor sequences (tty display, coloured CI output).
import { ANSI_SEQUENCE } from '../shared/text.js';

// `2024-05-01T12:00:00.1234567Z ` (GitHub) or with an offset; the fraction is optional.
const TIMESTAMP_PREFIX = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d) ?/;
const ESC = '\x1b';

// A foreground colour (SGR 30-37, 90-97). The tty display colours a step's line once the step
// has ended (blue done, red error, yellow cancelled) and leaves running steps uncoloured.
const FOREGROUND_COLOUR = /\x1b\[(?:\d+;)*(?:3[0-7]|9[0-7])m/;

export interface NormalizedLine {
  text: string;
  /** The timestamp CI put before the line, as printed, or null. */
  timestamp: string | null;
  /** The line carried a foreground colour before its escape sequences were removed. */
  coloured: boolean;
}

/** Reuses one result object: the hot path runs once per line of logs of hundreds of megabytes. */
export class LineNormalizer {
  private readonly result: NormalizedLine = { text: '', timestamp: null, coloured: false };

  normalize(line: string): NormalizedLine {
    let text = line;
    let timestamp: string | null = null;
    // Cheap shape check first so ordinary lines never run the regex.
    if (
      text.length >= 20 &&
      text.charCodeAt(4) === 45 &&
      text.charCodeAt(10) === 84 &&
      isDigit(text.charCodeAt(0))
    ) {
      const match = TIMESTAMP_PREFIX.exec(text);
      if (match !== null) {
        timestamp = match[0].trimEnd();
        text = text.slice(match[0].length);
      }
    }
    let coloured = false;
    // JSON lines (rawjson) never hold a raw ESC: JSON escapes control characters.
    if (text.charCodeAt(0) !== 123 /* { */ && text.includes(ESC)) {
      coloured = FOREGROUND_COLOUR.test(text);
      text = text.replace(ANSI_SEQUENCE, '');
    }
    this.result.text = text;
    this.result.timestamp = timestamp;
    this.result.coloured = coloured;
    return this.result;
  }
}

export function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
