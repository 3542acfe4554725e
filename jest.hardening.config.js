// The hardening suite (npm run test:hardening): hostile logs, every regular expression on
// adversarial input, wrong values for every input, Elasticsearch faults, rollback refusals and a
// secrets audit. It needs the Docker engines and Elasticsearch (.ci/run starts them), counts what
// it tries, and prints the counts at the end (__tests__/hardening/tally.ts).
// The adversarial *.test.ts files beside the suites need no services: the unit suite runs them.
import unit from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...unit,
  testMatch: ['<rootDir>/__tests__/hardening/**/*.htest.ts'],
  globalSetup: '<rootDir>/__tests__/hardening/tally-setup.mjs',
  globalTeardown: '<rootDir>/__tests__/hardening/tally-report.mjs',
  testTimeout: 120000,
};
