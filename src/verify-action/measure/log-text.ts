// What a measurement keeps of a text taken from Elasticsearch (a log message, a
// level or version value, a shard failure's reason): scrubbed once, here where it
// enters, of the configuration's secrets and of any credential shape (an
// application logs the request it failed with), and capped, so every artefact
// made from it (report, summary, alerts, webhook) gets the same bounded, clean
// text. The template miner reads a kept line through miningText.
import { scrubber } from '../config/redact.js';
import { WILDCARD } from '../../log-templates/index.js';

/** The most characters of a message kept; past it, an ellipsis and the message's length. */
export const MAX_MESSAGE_CHARS = 2048;
/**
 * How far past the cap a message is scrubbed: a secret cut by the cap is still found whole
 * (the longest encoded form of a long secret is under this), and a megabyte message is not
 * scanned for every form of every secret.
 */
const SCRUB_MARGIN = 4096;

const MARK_START = '… [';
const MARK_END = ' characters]';

/** Turns an untrusted text from a response into what may be kept. */
export type LogText = (text: string) => string;

/** The cap's mark, from which miningText knows a kept line was cut. */
function mark(head: string, length: number): string {
  // Not between the two halves of a surrogate pair.
  const code = head.charCodeAt(head.length - 1);
  const whole = code >= 0xd800 && code <= 0xdbff ? head.slice(0, -1) : head;
  return `${whole}${MARK_START}${length}${MARK_END}`;
}

export function logTextReader(secrets: readonly string[]): LogText {
  const scrub = scrubber(secrets);
  return (text) => {
    const cut = text.length > MAX_MESSAGE_CHARS + SCRUB_MARGIN;
    const clean = scrub(cut ? text.slice(0, MAX_MESSAGE_CHARS + SCRUB_MARGIN) : text);
    return cut || clean.length > MAX_MESSAGE_CHARS
      ? mark(clean.slice(0, MAX_MESSAGE_CHARS), text.length)
      : clean;
  };
}

/** Without the configuration's secrets: the credential shapes and the cap only. */
export const plainLogText: LogText = logTextReader([]);

/**
 * A kept line as the template miner should see it: a capped line without its mark and without
 * its last word, which the cap may have cut (a word search for it would match nothing), ending
 * in a wildcard instead; and each scrubbed part a wildcard, since the line in the index holds
 * something else there. The phrases mined from it then match the line as Elasticsearch holds it.
 */
export function miningText(line: string): string {
  let text = line;
  const at = line.lastIndexOf(MARK_START);
  if (at !== -1 && line.endsWith(MARK_END)) {
    const kept = line.slice(0, at);
    let space = kept.length - 1;
    while (space >= 0 && !/\s/.test(kept[space]!)) space--;
    text = `${kept.slice(0, space + 1)}${WILDCARD}`;
  }
  return text.split('***').join(WILDCARD);
}
