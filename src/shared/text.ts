// Untrusted text (build output, log messages from Elasticsearch) loses what
// would let it act instead of show: terminal escape sequences, control
// characters, bidirectional overrides. Escaping for a target (HTML, markdown,
// workflow commands) comes after this, in src/github/escape.ts.

/** CSI and OSC sequences (OSC terminated by BEL or ST, or by the end of the text) and two-character escapes. */
export const ANSI_SEQUENCE = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]/g;

/**
 * Bidirectional overrides and isolates reorder how text displays ("Trojan Source"):
 * a log line could show one command and contain another.
 */
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/** Removes escape sequences, C0/C1 control characters and bidi controls, keeping tabs and line breaks. */
export function stripControl(text: string): string {
  return text
    .replace(ANSI_SEQUENCE, '')
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, '')
    .replace(BIDI_CONTROLS, '');
}

/**
 * One line of log text for a terminal or a CI job log: escape sequences and bidi
 * controls removed, other control characters (line breaks too) turned into
 * spaces, and never a leading `::` (the Actions runner runs `::command::` lines,
 * even indented, as workflow commands).
 */
export function terminalLine(text: string): string {
  return text
    .replace(ANSI_SEQUENCE, '')
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, ' ')
    .replace(BIDI_CONTROLS, '')
    .replace(/^(\s*)::/, '$1: :');
}
