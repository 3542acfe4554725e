// The secret-name rule is BuildKit's SecretsUsedInArgOrEnv check: its own test cases
// (frontend/dockerfile/dockerfile_check_test.go, testSecretsUsedInArgOrEnv: every ARG/ENV name of
// that Dockerfile, flagged or not) and the examples in its comment, then the rule's regexes
// (validations.go, getSecretsRegex) as an oracle on generated names.
// covers: src/shared/secret-names.ts
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { looksLikeSecretName } from '../../../../src/build-action/history/record/secret-names.js';

const BUILDKIT_LINT_TEST: Array<[string, boolean]> = [
  ['SECRET_PASSPHRASE', true],
  ['SUPER_Secret', true],
  ['password', true],
  ['secret', true],
  ['super_duper_secret_token', true],
  ['auth', true],
  ['apikey', true],
  ['sunflower', false],
  ['git_key', true],
  ['PUBLIC_KEY', false],
  ['public_token', false],
  ['SECRET_PASSPHRASE_FILE', false],
  ['password_file', false],
  ['secret_File', false],
  ['AUTH_MODULE_VERSION', false],
  // Skipped there by `# check=skip=...` directives, so flagged by name.
  ['alternate_password', true],
];

const BUILDKIT_COMMENT = ['api_key', 'DATABASE_PASSWORD', 'GITHUB_TOKEN', 'secret_MESSAGE', 'AUTH'];

const MORE: Array<[string, boolean]> = [
  ['DB_PASSWORD', true],
  ['NPM_TOKEN', true],
  ['AWS_SECRET_ACCESS_KEY', true],
  ['GOOGLE_APPLICATION_CREDENTIALS', true],
  ['REGISTRY_CREDENTIAL', true],
  ['MY_PWORD', true],
  ['ROOT_PASSWD', true],
  // A word in the middle counts, not only the first or last.
  ['A_KEY_B', true],
  ['__KEY', true],
  ['KEY_', true],
  // Whole words only, and only `_` separates them.
  ['KEYBOARD', false],
  ['MONKEY', false],
  ['PASSWORDS', false],
  ['API-KEY', false],
  ['SECRET.NAME', false],
  ['SecretKey', false],
  ['NODE_ENV', false],
  ['VERSION', false],
  ['', false],
  // An allowed word anywhere clears it.
  ['TOKEN_VERSION', false],
  ['SSH_KEY_FILE', false],
  ['PUBLIC_API_KEY', false],
  // Go's (?i) folds KELVIN SIGN to k and LONG S to s (checked with Go 1.26's regexp); not ß to ss.
  ['API_\u212aEY', true],
  ['PA\u017f\u017fWORD', true],
  ['pa\u00dfwd', false],
  ['TO\u0130KEN', false],
];

describe('looksLikeSecretName (BuildKit SecretsUsedInArgOrEnv)', () => {
  it.each(BUILDKIT_LINT_TEST)('BuildKit lint test: %s -> %s', (name, flagged) => {
    expect(looksLikeSecretName(name)).toBe(flagged);
  });

  it.each(BUILDKIT_COMMENT)('BuildKit example: %s is a secret', (name) => {
    expect(looksLikeSecretName(name)).toBe(true);
  });

  it.each(MORE)('%s -> %s', (name, flagged) => {
    expect(looksLikeSecretName(name)).toBe(flagged);
  });

  it("agrees with BuildKit's regexes on generated names", () => {
    // Go's (?i) is Unicode simple case folding, as JavaScript's `iu`.
    const deny =
      /(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)/iu;
    const allow = /(?:_|^)(?:public|file|version)(?:_|$)/iu;
    const pieces = [
      '_',
      '_',
      'key',
      'KEY',
      '\u212aey',
      'api',
      'apikey',
      'auth',
      'credential',
      'credentials',
      'PassWord',
      'pa\u017fswd',
      'pword',
      'secret',
      'token',
      'public',
      'FILE',
      'version',
      's',
      'x',
      '-',
      '.',
      '\u0130',
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 8 }), (parts) => {
        const name = parts.join('');
        expect(looksLikeSecretName(name)).toBe(deny.test(name) && !allow.test(name));
      }),
      { numRuns: 3000 },
    );
  });
});
