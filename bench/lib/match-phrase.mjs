// What Elasticsearch's match_phrase sees of a text, for benches that simulate the verify action's
// baseline counts offline. It belongs to the bench, not to the code under test: the model of the
// search engine stays the same whichever tree's miner is measured.

/** The words of a text as the standard analyzer yields them (Unicode letters and digits, lowercased). */
export function analyzedWords(text) {
  return text.toLowerCase().match(/[\p{L}\p{N}_]+(?:[.:'][\p{L}\p{N}_]+)*/gu) ?? [];
}

/** A text's words once, spaced, so a phrase is found with one `includes`. */
export function haystackOf(text) {
  return ` ${analyzedWords(text).join(' ')} `;
}

/** Whether a haystack (haystackOf) holds every phrase as consecutive words. */
export function holdsPhrases(haystack, phrases) {
  return phrases.every((p) => {
    const words = analyzedWords(p);
    return words.length > 0 && haystack.includes(` ${words.join(' ')} `);
  });
}
