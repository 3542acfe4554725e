// Integration tests need the real Docker engine and Elasticsearch node that
// scripts/docker and scripts/es start (.ci/run does both).
import unit from './jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...unit,
  testMatch: ['<rootDir>/__tests__/**/*.itest.ts'],
  testTimeout: 300000,
};
