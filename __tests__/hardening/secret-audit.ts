// The secrets audit: every artefact a scenario produced (job log, summary, outputs, report,
// annotations, errors, the rollback command's environment) searched for each secret as given
// and in the forms a hostile step or a careless message would print it: base64 (at each of the
// three byte alignments, so a secret inside a longer encoded text is still found), base64url,
// hex, URL-encoded, JSON-escaped, and split over lines (found by searching the artefact with
// line breaks, blanks, quotes and commas removed).
import { tally } from './tally.js';

export interface SecretForm {
  form: string;
  text: string;
}

/** The stable middle of base64(prefix + secret) for each alignment (what any encoding of it holds). */
function base64Alignments(secret: string): string[] {
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.from('\u0000'.repeat(shift) + secret).toString('base64');
    // Drop the characters that mix in the padding bytes before and the unknown bytes after.
    const head = shift === 0 ? 0 : Math.ceil((shift * 4) / 3);
    const body = encoded.replace(/=+$/, '');
    out.push(body.slice(head, body.length - 2));
  }
  return out;
}

export function secretForms(secret: string): SecretForm[] {
  const forms: SecretForm[] = [{ form: 'plain', text: secret }];
  base64Alignments(secret).forEach((text, i) => forms.push({ form: `base64+${i}`, text }));
  forms.push({ form: 'base64url', text: Buffer.from(secret).toString('base64url').slice(0, -2) });
  forms.push({ form: 'hex', text: Buffer.from(secret).toString('hex') });
  forms.push({ form: 'HEX', text: Buffer.from(secret).toString('hex').toUpperCase() });
  forms.push({ form: 'url-encoded', text: encodeURIComponent(secret) });
  forms.push({ form: 'json-escaped', text: JSON.stringify(secret).slice(1, -1) });
  return forms.filter((f, i) => f.text.length >= 8 && forms.findIndex((g) => g.text === f.text) === i);
}

const SPLITTERS = /[\s"',\\]+|#\d+ \d+\.\d+ |\\n/g;

export interface Leak {
  artefact: string;
  secret: string;
  form: string;
}

/** Searches every artefact for every form of every secret; counts what it searched. */
export function auditSecrets(
  artefacts: Record<string, string>,
  secrets: readonly string[],
  options: { split?: boolean } = {},
): Leak[] {
  const leaks: Leak[] = [];
  let searched = 0;
  for (const [artefact, text] of Object.entries(artefacts)) {
    const joined = text.replace(SPLITTERS, '');
    for (const secret of secrets) {
      for (const { form, text: needle } of secretForms(secret)) {
        searched++;
        if (text.includes(needle)) leaks.push({ artefact, secret: secret.slice(0, 4), form });
      }
      const compact = secret.replace(SPLITTERS, '');
      if (options.split === false) continue;
      searched++;
      if (compact.length >= 12 && joined.includes(compact))
        leaks.push({ artefact, secret: secret.slice(0, 4), form: 'split' });
    }
  }
  tally('artefacts audited', Object.keys(artefacts).length);
  tally('secret forms searched', searched);
  tally('secrets leaked', leaks.length);
  return leaks;
}
