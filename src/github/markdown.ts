// Markdown tables for job summaries. Cells are rendered already: untrusted text
// goes through escapeMarkdownInline or inlineCode (src/github/escape.ts), whose
// backslash-escaped `|` GitHub keeps inside the cell, even within <code>.

/** A table from a header and rows of already-rendered cells. */
export function table(
  header: readonly string[],
  align: readonly ('left' | 'right')[],
  rows: readonly (readonly string[])[],
): string[] {
  const rule = header.map((_, i) => (align[i] === 'right' ? '---:' : '---'));
  return [`| ${header.join(' | ')} |`, `| ${rule.join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}
