// List inputs read exactly as docker/build-push-action reads them (its
// Util.getInputList in @docker/actions-toolkit): the value is CSV, records split
// on newlines, and each record splits on commas unless the input keeps commas
// (build-args, labels, secrets... whose values legitimately contain them), in
// which case a record's fields are joined back. Double quotes protect commas
// and newlines; relaxed quotes keep a `"` inside a bare field literally. Using
// the same CSV parser with the same options is what makes a workflow written
// for build-push-action mean the same thing here.
import { parse } from 'csv-parse/sync';

export interface ListOptions {
  /** Keep commas inside an item: one item per line (or per quoted field). */
  ignoreComma?: boolean;
  /** False turns quote handling off (outputs: `type=local,dest="./x"` keeps its quotes). */
  quote?: boolean;
}

export class ListSyntaxError extends Error {}

/** Splits a raw input value (as the runner passes it, untrimmed) into items. */
export function parseList(raw: string, options: ListOptions = {}): string[] {
  // core.getInput trims the value, and every item is trimmed: secrets too.
  const input = raw.trim();
  if (input === '') return [];
  let records: string[][];
  try {
    records = parse(input, {
      columns: false,
      relaxQuotes: true,
      relaxColumnCount: true,
      skipEmptyLines: true,
      ...(options.quote === false ? { quote: false } : {}),
    });
  } catch (error) {
    throw new ListSyntaxError(error instanceof Error ? error.message : String(error));
  }
  const items: string[] = [];
  for (const record of records) {
    if (record.length === 1) {
      const only = record[0] ?? '';
      items.push(...(options.ignoreComma ? [only] : only.split(',')));
    } else if (options.ignoreComma) {
      items.push(record.join(','));
    } else {
      items.push(...record);
    }
  }
  return items.filter((item) => item !== '').map((item) => item.trim());
}
