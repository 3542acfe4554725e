// ` 1.2s` at the end of a tty display line: the step's time. Read by hand, not with
// /\s+(\d+(?:\.\d+)?)s$/: unanchored at the start, that regex tries every position of the line and
// goes quadratic on a long run of blanks or digits (a hostile step can print 4 MB lines).

const isDigit = (code: number) => code >= 48 && code <= 57;
const isBlank = (char: string) => char.trim() === '';

/** The time at the end of `text` and where its leading blanks start, or null. */
export function trailingTime(text: string): { index: number; seconds: string } | null {
  const end = text.length - 1;
  if (end < 2 || text[end] !== 's') return null;
  let start = end;
  while (start > 0 && isDigit(text.charCodeAt(start - 1))) start--;
  if (start === end) return null;
  if (text[start - 1] === '.' && start >= 2 && isDigit(text.charCodeAt(start - 2))) {
    start--;
    while (start > 0 && isDigit(text.charCodeAt(start - 1))) start--;
  }
  let index = start;
  while (index > 0 && isBlank(text[index - 1]!)) index--;
  if (index === start) return null;
  return { index, seconds: text.slice(start, end) };
}

/** `text` without its trailing time (and the blanks before it). */
export function withoutTrailingTime(text: string): string {
  const time = trailingTime(text);
  return time === null ? text : text.slice(0, time.index);
}
