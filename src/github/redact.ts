// A RUN step can print a build secret (`cat /run/secrets/token`). The runner
// masks registered secrets in the job log, but the report file, the summary and
// the annotations are written by us, so every string in them is scrubbed here.

/** Shorter values are not masked: replacing every `1` or `ab` would garble the report. */
const MIN_SECRET_LENGTH = 3;

/** Encoded forms shorter than this are not masked (too likely to occur by chance). */
const MIN_VARIANT_LENGTH = 8;

/**
 * The forms a step prints a secret in when it means to slip it past masking (or a tool does by
 * accident): base64 at each of the three byte alignments (the stable middle, so the secret inside
 * a longer encoded text is caught), base64url, hex in both cases, URL-encoded, JSON-escaped.
 * The runner masks some of these in the job log; the report and summary are ours to scrub.
 */
export function secretVariants(secret: string): string[] {
  const variants = [secret];
  for (let shift = 0; shift < 3; shift++) {
    const padded = Buffer.from('\u0000'.repeat(shift) + secret).toString('base64');
    const encoded = padded.slice(
      0,
      padded.length - (padded.endsWith('==') ? 2 : padded.endsWith('=') ? 1 : 0),
    );
    variants.push(encoded.slice(shift === 0 ? 0 : Math.ceil((shift * 4) / 3), encoded.length - 2));
  }
  const bytes = Buffer.from(secret);
  variants.push(
    bytes.toString('base64url').slice(0, -2),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
  );
  variants.push(encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1));
  return [...new Set(variants)].filter((v, i) => i === 0 || v.length >= MIN_VARIANT_LENGTH);
}

/** Replaces every occurrence of each secret with `***`, longest first so a secret containing another goes whole. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  return replaceAll(text, usableSecrets(secrets));
}

/** redactSecrets with the secrets' forms worked out once, for scrubbing many texts. */
export function secretScrubber(secrets: readonly string[]): (text: string) => string {
  const usable = usableSecrets(secrets);
  return (text) => replaceAll(text, usable);
}

function replaceAll(text: string, usable: readonly string[]): string {
  let out = text;
  for (const secret of usable) if (out.includes(secret)) out = out.split(secret).join('***');
  return out;
}

/** The same over every string in a JSON-like value, returning a new value. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  const usable = usableSecrets(secrets);
  if (usable.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return replaceAll(v, usable);
    if (Array.isArray(v)) return redactSplits(v.map(walk), usable);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, walk(inner)]));
    }
    return v;
  };
  return walk(value) as T;
}

/**
 * Lines of output kept in order (a step's tail, the error excerpt): a secret printed in two
 * pieces, the end of one line and the start of the next, is scrubbed from both.
 */
function redactSplits(items: unknown[], secrets: readonly string[]): unknown[] {
  for (let i = 0; i + 1 < items.length; i++) {
    const first = items[i];
    const second = items[i + 1];
    if (typeof first !== 'string' || typeof second !== 'string') continue;
    for (const secret of secrets) {
      if (secret.length < MIN_VARIANT_LENGTH) continue;
      for (let cut = 1; cut < secret.length; cut++) {
        const head = secret.slice(0, cut);
        const tail = secret.slice(cut);
        if (first.endsWith(head) && second.startsWith(tail)) {
          items[i] = `${first.slice(0, first.length - head.length)}***`;
          items[i + 1] = `***${second.slice(tail.length)}`;
          break;
        }
      }
    }
  }
  return items;
}

function usableSecrets(secrets: readonly string[]): string[] {
  return [...new Set(secrets.flatMap((s) => (s.length >= MIN_SECRET_LENGTH ? secretVariants(s) : [])))]
    .filter((s) => s.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
}

/** Lines of a multi-line secret shorter than this are not masked on their own (a `}`, a blank line). */
const MIN_SECRET_LINE_LENGTH = 8;

/**
 * A secret as the runner can mask it and a log can show it. The runner masks the job log line by
 * line, so one `::add-mask::` for a multi-line value (a PEM key, a JSON credentials file) never
 * matches, and a step that prints it leaves each line in the output tail and the error excerpt.
 * So the value comes with each of its lines of 8 characters or more (trimmed, line ends of either
 * kind). A `-----BEGIN ... KEY-----` marker line is masked too: harmless, and it keeps the rule
 * simple; a short line (`}`, `a`) is not, since masking it everywhere would garble the log.
 */
export function secretParts(secret: string): string[] {
  if (!/[\r\n]/.test(secret)) return [secret];
  const lines = secret
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line.length >= MIN_SECRET_LINE_LENGTH);
  return [...new Set([secret, ...lines])];
}

/** Query parameters that carry a credential in a URL, besides the names that look like secrets. */
const CREDENTIAL_PARAMS = /^(?:sig|signature|code|x-amz-(?:signature|credential|security-token))$/i;
const SECRET_PARAM_WORDS =
  /(?:^|[_-])(?:token|key|apikey|secret|password|passwd|pword|auth|credentials?)(?:$|[_-])/i;

function decodeSafely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The credentials a URL carries: the password of its userinfo (or the user, when it is alone: a
 * token as `https://TOKEN@host/`) and the values of query parameters that hold one (`?token=`,
 * `access_token`, `X-Amz-Signature`...), as written and percent-decoded. A Git context URL shows up
 * in buildx's own command line, BuildKit's step names and its errors. Text that is not a URL has none.
 */
export function urlCredentials(text: string): string[] {
  const scheme = text.indexOf('://');
  if (scheme <= 0) return [];
  const rest = text.slice(scheme + 3);
  const found: string[] = [];
  let authorityEnd = rest.length;
  for (const stop of ['/', '?', '#']) {
    const at = rest.indexOf(stop);
    if (at !== -1 && at < authorityEnd) authorityEnd = at;
  }
  const authority = rest.slice(0, authorityEnd);
  const at = authority.lastIndexOf('@');
  if (at > 0) {
    const userinfo = authority.slice(0, at);
    const colon = userinfo.indexOf(':');
    const secret = colon === -1 ? userinfo : userinfo.slice(colon + 1);
    if (secret !== '') found.push(secret, decodeSafely(secret));
  }
  const query = rest.indexOf('?', authorityEnd);
  if (query !== -1) {
    const hash = rest.indexOf('#', query);
    for (const pair of rest.slice(query + 1, hash === -1 ? undefined : hash).split('&')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = decodeSafely(pair.slice(0, eq));
      const value = pair.slice(eq + 1);
      if (value !== '' && (SECRET_PARAM_WORDS.test(name) || CREDENTIAL_PARAMS.test(name)))
        found.push(value, decodeSafely(value));
    }
  }
  return [...new Set(found)];
}
