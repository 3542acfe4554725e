// What pasting does to buildx's output: a terminal wraps lines at its width, and a tty display's
// rows, padded to the terminal width, may come out joined on one line.

/** Widths terminals are commonly set to: a line of exactly this length may go on in the next. */
export const WRAP_WIDTHS: ReadonlySet<number> = new Set([80, 100, 120, 132, 160, 200]);

/**
 * Where a joined row starts: `=> ` after the padding of the row before, or after its time column.
 * Written so that each position is decided in constant time or by a scan back to the previous `=`
 * (the line is untrusted): the padding is its last blank after a blank (the rest of the padding
 * stays on the row before, which is trimmed), and the `[+] Building` header is looked for only
 * behind a blank that a row follows. `\s{2,}` and a lookbehind tried at every blank were
 * quadratic on long runs of blanks (ReDoS suite).
 */
const JOINED_ROW =
  /(?:(?<=\s)\s|(?<=\d(?:\.\d+)?s) | (?==> )(?<=\[\+\] Building [^=]*? ))(?==> (?!=>))|(?<=\s)(?==> => )/;

/**
 * The rows of a tty frame pasted as one line (`[+] Building 1.5s (10/11)   => [a 1/3] FROM ...
 * 0.1s => => resolve ...`), null when the line is not that. A step name may hold ` => ` (a shell
 * arrow), so a row starts only after padding or a time column.
 */
export function splitJoinedRows(text: string): string[] | null {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith('[+] Building ') && !trimmed.startsWith('=> ')) return null;
  const rows = trimmed.split(JOINED_ROW).filter((row) => row.trim().length > 0);
  return rows.length > 1 ? rows.map((row) => row.trim()) : null;
}
