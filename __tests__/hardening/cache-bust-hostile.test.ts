// ARG names come from the Dockerfile, which whoever opens a pull request controls. They were
// pasted into a RegExp: `ARG (` threw (the cache analysis was lost to a warning) and `ARG (a+)+`
// backtracked exponentially on a RUN holding `$aaaa…!`.
// covers: src/build-action/explain/cache-bust.ts
import { describe, expect, it } from '@jest/globals';
import { findCacheBusts, referencesVariable } from '../../src/build-action/explain/cache-bust.js';
import { parseDockerfile } from '../../src/engine/dockerfile.js';
import { clean01, step } from '../build-action/reports.js';

describe('ARG names from a hostile Dockerfile', () => {
  it.each([
    ['echo $VERSION', 'VERSION', true],
    ['echo ${VERSION:-x}', 'VERSION', true],
    ['echo $VERSIONS', 'VERSION', false],
    ['echo VERSION', 'VERSION', false],
    ['echo $', 'VERSION', false],
    ['echo $a', '(a+)+', false],
    ['echo $.*', '.*', false],
  ])('%j uses %j: %s', (text, name, expected) => {
    expect(referencesVariable(text, name)).toBe(expected);
  });

  it.each(['(', '(a+)+', '(a+)+$', '[', '.*', '\\'])('ARG %j neither throws nor backtracks', (name) => {
    const dockerfile = parseDockerfile(`FROM alpine:3 AS app\nARG ${name}\nRUN echo $${'a'.repeat(40)}!\n`);
    const report = {
      ...clean01,
      steps: [
        step({ name: '[app 1/2] FROM docker.io/library/alpine:3', status: 'cached' }),
        step({ name: `[app 2/2] RUN echo $${'a'.repeat(40)}!`, status: 'done', durationMs: 5 }),
      ],
    };
    const started = performance.now();
    expect(() =>
      findCacheBusts(dockerfile, report, { hasDockerignore: true, noCache: false, noCacheStages: [] }),
    ).not.toThrow();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
