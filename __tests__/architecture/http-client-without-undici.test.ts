// scripts/bundle.mjs gives the top-level @actions/http-client (the one @actions/cache and
// @actions/core use) a stand-in for undici that throws (src/build-action/history/store/no-undici.ts).
// That holds only while http-client takes nothing from undici but ProxyAgent, used in
// getAgentDispatcher() alone, and while neither package calls getAgentDispatcher(). An upgrade
// that changes either fails here, before a build's history could fail at run time.
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');
const modules = (...parts: string[]) => path.join(ROOT, 'node_modules', ...parts);

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => path.join(dir, f));
}

describe('@actions/http-client without undici, for @actions/cache and @actions/core', () => {
  it('http-client takes only ProxyAgent from undici, and builds it only in getAgentDispatcher()', () => {
    const text = readFileSync(modules('@actions', 'http-client', 'lib', 'index.js'), 'utf8');
    expect([...text.matchAll(/^import .* from 'undici';$/gm)].map((m) => m[0])).toEqual([
      "import { ProxyAgent } from 'undici';",
    ]);
    expect(text.match(/new ProxyAgent\(/g)).toHaveLength(1);
    const builder = text.slice(text.indexOf('_getProxyAgentDispatcher(parsedUrl, proxyUrl) {'));
    expect(builder.indexOf('new ProxyAgent(')).toBeGreaterThan(0);
    // Every call of the builder is inside getAgentDispatcher(): the method around it, by the
    // last method header (four spaces in, as tsc emits class members) before the call.
    const calls = [...text.matchAll(/this\._getProxyAgentDispatcher\(/g)];
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) {
      const headers = [...text.slice(0, call.index).matchAll(/^ {4}(?:async )?(\w+)\([^)]*\) \{$/gm)];
      expect(headers.at(-1)?.[1]).toBe('getAgentDispatcher');
    }
  });

  it.each([
    ['@actions', 'cache', 'lib'],
    ['@actions', 'core', 'lib'],
  ])('%s/%s never calls getAgentDispatcher()', (...parts) => {
    const calling = sources(modules(...parts)).filter((file) =>
      readFileSync(file, 'utf8').includes('getAgentDispatcher'),
    );
    expect(calling).toEqual([]);
  });
});
