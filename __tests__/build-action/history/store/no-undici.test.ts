// The stand-in the bundle gives @actions/http-client for undici (scripts/bundle.mjs). Nothing may
// build it (architecture/http-client-without-undici.test.ts checks that); if something does, it
// must say why instead of failing somewhere inside undici.
import { describe, expect, it } from '@jest/globals';
import { ProxyAgent } from '../../../../src/build-action/history/store/no-undici.js';

describe("undici's ProxyAgent in the bundle", () => {
  it('refuses to be built, naming what is missing', () => {
    expect(() => new ProxyAgent()).toThrow(
      "buildx-gate bundles @actions/cache's @actions/http-client without undici: getAgentDispatcher() is not available",
    );
  });
});
