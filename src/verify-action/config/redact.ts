// Credentials must never reach a log line, an error message or a report. Errors
// from the HTTP stack quote URLs (possibly with user:password@) and sometimes
// request headers, so every message leaving the verify code passes through here.

import { redactSecrets } from '../../github/redact.js';

// The scheme is bounded ({0,31}): unbounded, every position of a long `a.a.a…` run rescanned the rest.
const URL_USERINFO = /\b([a-z][a-z0-9+.-]{0,31}:\/\/)[^/\s@]*@/gi;
const AUTH_HEADER = /\b(authorization|x-api-key)(["']?\s*[:=]\s*["']?)[^"'\s,}]+(?:\s+[^"'\s,}]+)?/gi;

/** Removes user:password@ from URLs in the text. */
export function redactUrlUserinfo(text: string): string {
  return text.replace(URL_USERINFO, '$1***@');
}

/** Replaces each secret, URL userinfo and authorization header values with `***`. */
export function scrub(text: string, secrets: readonly string[]): string {
  return redactSecrets(redactUrlUserinfo(text).replace(AUTH_HEADER, '$1$2***'), secrets);
}

/** An error's message (or the thrown value as text), scrubbed: what may be logged or reported. */
export function describeError(error: unknown, secrets: readonly string[]): string {
  return scrub(error instanceof Error ? error.message : String(error), secrets);
}
