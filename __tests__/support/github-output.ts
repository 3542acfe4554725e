// Reads the runner's file commands back: GITHUB_OUTPUT and GITHUB_STATE hold one entry per value,
// `name<<delimiter`, the value's lines, then the delimiter alone on its line (what @actions/core
// and src/github/workflow-commands.ts write). It replaces the parsers the integration, hardening
// and post-step tests each wrote (seven files).
//
// The copies read two grammars; both are kept:
// - by default the name is any text without `<` or a line break, and every entry ends with a line
//   break after its closing delimiter (the build action's tests);
// - `{ wordNames: true, openEnd: true }` is what the verify action's tests read: names of word
//   characters and `-` only, and the last closing delimiter may end the file without a line break.
// On what the actions write both give the same values. A name given twice keeps its last value.

export interface FileCommandGrammar {
  /** A name is `[\w-]+`; by default, anything without `<` or a line break. */
  wordNames?: boolean;
  /** The closing delimiter may end the text without its line break. */
  openEnd?: boolean;
}

/** name -> value of every `name<<delimiter` entry in the text of GITHUB_OUTPUT or GITHUB_STATE. */
export function parseFileCommands(text: string, grammar: FileCommandGrammar = {}): Record<string, string> {
  const name = grammar.wordNames ? '[\\w-]+' : '[^<\\n]+';
  const end = grammar.openEnd ? '$' : '\\n';
  const entry = new RegExp(`^(${name})<<(\\S+)\\n([\\s\\S]*?)\\n\\2${end}`, 'gm');
  const values: Record<string, string> = {};
  for (const match of text.matchAll(entry)) values[match[1]!] = match[3]!;
  return values;
}
