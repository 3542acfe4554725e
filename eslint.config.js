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

// The verify action's layers, bottom up: a file imports from its own layer and those below it,
// never from one above. The spine (index, main, run, watch at src/verify-action/) is on top and
// may import every layer; ports.ts sits between config/ and the phases. The same order is
// checked on the real import graph by __tests__/architecture/verify-layers.test.ts.
const VERIFY_LAYERS = ['config', 'ports', 'elasticsearch', 'measure', 'judge', 'respond', 'report'];
const VERIFY_SPINE = ['index', 'main', 'run', 'watch'];
const VERIFY_ORDER =
  'spine (index, main, run, watch) > report > respond > judge > measure > elasticsearch > ports > config > src/shared';

/** A later block's no-restricted-imports replaces an earlier one's, so each block repeats these. */
const THROUGH_ENGINE_INDEX = {
  regex: '(^|/)engine/(?!index\\.js$)[^/]+$',
  message: 'Use the engine through src/engine/index.ts.',
};
const THROUGH_HISTORY_INDEX = {
  regex: '(^|/)history/(?!index\\.js$)',
  message: "Use the build action's history through its front door, src/build-action/history/index.ts.",
};

/** The imports a verify layer may not make: the folders above it, and the root files above it. */
function verifyLayerBlock(layer, i) {
  const root = layer === 'ports' ? '\\./' : '(\\.\\./)+';
  const folders = VERIFY_LAYERS.slice(i + 1).filter((l) => l !== 'ports');
  const rootFiles = [...VERIFY_SPINE, ...(layer === 'config' ? ['ports'] : [])];
  const message = `verify ${layer === 'ports' ? 'ports.ts' : `${layer}/`} may not import a layer above it: ${VERIFY_ORDER}.`;
  return {
    files: layer === 'ports' ? ['src/verify-action/ports.ts'] : [`src/verify-action/${layer}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            THROUGH_ENGINE_INDEX,
            THROUGH_HISTORY_INDEX,
            ...(folders.length ? [{ regex: `^${root}(${folders.join('|')})/`, message }] : []),
            { regex: `^${root}(${rootFiles.join('|')})\\.js$`, message },
          ],
        },
      ],
    },
  };
}

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
      'no-restricted-imports': ['error', { patterns: [THROUGH_ENGINE_INDEX] }],
    },
  },
  {
    // History (src/build-action/history/) is used through its front door, history/index.ts; inside
    // it, its files import each other. The exceptions: the post step (next block), and
    // scripts/bundle.mjs (not linted by this block), which names the cache worker's entry point
    // (history/store/cache-worker-index.ts) and the undici stand-in (history/store/no-undici.ts).
    files: ['src/**/*.ts'],
    ignores: ['src/engine/**', 'src/build-action/history/**', 'src/build-action/post/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [THROUGH_ENGINE_INDEX, THROUGH_HISTORY_INDEX] }],
    },
  },
  {
    // The post step only joins the cache worker: through the front door esbuild would load all of
    // history into it (+48 KiB, measured), so it alone imports history/store/worker-join.ts too.
    files: ['src/build-action/post/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            THROUGH_ENGINE_INDEX,
            { ...THROUGH_HISTORY_INDEX, regex: '(^|/)history/(?!index\\.js$|store/worker-join\\.js$)' },
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
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^\\.\\./', message: 'src/shared/ is a leaf: it imports nothing of ours outside it.' },
          ],
        },
      ],
    },
  },
  ...VERIFY_LAYERS.map(verifyLayerBlock),
);
