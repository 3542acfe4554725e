// One boolean grammar for every input of both actions and the CLI: the words @actions/core's
// getBooleanInput accepts (the YAML 1.2 core schema). A workflow moved from build-push-action
// meets the same rule, and a word one action takes is never refused by the other.
const TRUE_WORDS = ['true', 'True', 'TRUE'];
const FALSE_WORDS = ['false', 'False', 'FALSE'];

/** The boolean a word means, or null when it is not one of the six words. */
export function parseBooleanWord(value: string): boolean | null {
  if (TRUE_WORDS.includes(value)) return true;
  if (FALSE_WORDS.includes(value)) return false;
  return null;
}

/** What an input error says a boolean input expects. */
export function booleanExpected(value: string): string {
  return `expected true or false, got '${value}'`;
}
