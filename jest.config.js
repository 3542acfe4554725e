// ESM throughout: the @actions/* packages ship only ESM, so tests run under
// --experimental-vm-modules (see package.json) and swc emits ES modules.
import { PRODUCT_VERSION_GLOBAL, packageVersion } from './scripts/product-version.mjs';

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  // src/ runs unbundled here: what scripts/bundle.mjs defines for dist/ (src/shared/version.ts).
  globals: { [PRODUCT_VERSION_GLOBAL]: packageVersion() },
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'es6' } },
    ],
  },
  // Sources import siblings as './x.js' (NodeNext); jest resolves the .ts file.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
  testTimeout: 20000,
};
