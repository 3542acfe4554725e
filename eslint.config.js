import js from '@eslint/js';
import redos from 'eslint-plugin-redos';
import tseslint from 'typescript-eslint';

/**
 * ReDoS: recheck (eslint-plugin-redos) analyses every regex literal in src/, which runs on
 * untrusted text (build logs, Dockerfiles, Elasticsearch messages). A fixed seed keeps its fuzzer,
 * used where the automaton analysis cannot decide (lookarounds, backreferences), deterministic.
 */
const REDOS_OPTIONS = {
  ignoreErrors: true,
  randomSeed: 1,
  timeout: 10000,
  // Results by pattern, in node_modules/.cache: a pattern is analysed again only once it changes.
  cache: { strategy: 'aggressive' },
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '__tests__/fixtures/', '.tmp/', 'bench/out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  {
    // The engine is used through its index only; src/shared/ is a leaf that imports nothing of ours.
    files: ['src/**/*.ts'],
    ignores: ['src/engine/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '(^|/)engine/(?!index\\.js$)[^/]+$',
              message: 'Use the engine through src/engine/index.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { redos },
    rules: { 'redos/no-vulnerable': ['error', REDOS_OPTIONS] },
  },
  {
    // Folders whose files other engineers were moving when the checker came in (issue 17): its 10
    // findings there (cache-bust.ts x5, setup-errors.ts, mask.ts x3, redact.ts) were reported to
    // them and are warnings until fixed or justified where they are. Remove a folder once clean.
    files: ['src/build-action/**/*.ts', 'src/log-templates/**/*.ts', 'src/verify-action/**/*.ts'],
    rules: { 'redos/no-vulnerable': ['warn', REDOS_OPTIONS] },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^\\.', message: 'src/shared/ is a leaf: it imports nothing of ours.' }] },
      ],
    },
  },
);
