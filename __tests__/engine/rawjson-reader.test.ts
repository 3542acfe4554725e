// rawjson specifics: both layouts buildx writes, vertex state over several messages, progress
// groups, base64 logs split across messages, build-check warnings.
// covers: src/engine/rawjson-reader.ts, src/engine/vertex-state.ts, src/engine/log-message.ts
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeLog } from '../../src/engine/index.js';
import { scanLogsOnlyLine } from '../../src/engine/log-message.js';
import { FIXTURES } from './real-logs.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const at = (second: number) => `2024-05-01T12:00:${String(second).padStart(2, '0')}.000000000Z`;
const lines = (...objects: object[]) => objects.map((o) => JSON.stringify(o)).join('\n') + '\n';

/** buildx 0.13 pretty-prints each object; newer buildx writes one compact object per line. */
function compact(prettyLog: string): string {
  const out: string[] = [];
  let object: string[] | null = null;
  for (const line of prettyLog.split('\n')) {
    if (object !== null) {
      object.push(line);
      if (line === '}') {
        out.push(JSON.stringify(JSON.parse(object.join('\n'))));
        object = null;
      }
    } else if (line === '{') object = [line];
    else out.push(line);
  }
  return out.join('\n');
}

describe('rawjson', () => {
  it.each(['01-multistage-clean', '06-run-fail-exit1', '08-copy-missing-file'])(
    '%s: compact (one object per line) and pretty-printed give the same report',
    (name) => {
      const pretty = readFileSync(join(FIXTURES, 'corpus', name, 'rawjson.log'), 'utf8');
      expect(analyzeLog(compact(pretty))).toEqual(analyzeLog(pretty));
    },
  );

  it('joins log lines split across messages and counts a last line without newline', () => {
    const v = 'sha256:aaa';
    const report = analyzeLog(
      lines(
        { vertexes: [{ digest: v, name: '[1/1] RUN make', started: at(0) }] },
        { logs: [{ vertex: v, stream: 1, data: b64('compil'), timestamp: at(1) }] },
        { logs: [{ vertex: v, stream: 2, data: b64('ing main.c\r\nlinking'), timestamp: at(2) }] },
        { logs: [{ vertex: v, stream: 1, data: b64(' app\ndone'), timestamp: at(3) }] },
        { vertexes: [{ digest: v, name: '[1/1] RUN make', started: at(0), completed: at(4) }] },
      ),
    );
    expect(report.steps[0]).toMatchObject({
      status: 'done',
      durationMs: 4000,
      startOffsetMs: 0,
      outputLines: 3,
      outputTail: ['compiling main.c', 'linking app', 'done'],
    });
    expect(report.format).toBe('rawjson');
  });

  it('takes the latest state, except that work done once is not undone by a later cancel', () => {
    const report = analyzeLog(
      lines(
        { vertexes: [{ digest: 'a', name: '[1/3] FROM x' }] },
        { vertexes: [{ digest: 'b', name: '[2/3] WORKDIR /app' }] },
        { vertexes: [{ digest: 'c', name: '[3/3] RUN never' }] },
        { vertexes: [{ digest: 'a', name: '[1/3] FROM x', started: at(0), completed: at(1) }] },
        {
          vertexes: [
            { digest: 'b', name: '[2/3] WORKDIR /app', started: at(1), completed: at(1), cached: true },
          ],
        },
        { vertexes: [{ digest: 'b', name: '[2/3] WORKDIR /app', started: at(1), completed: at(2) }] },
        {
          vertexes: [
            {
              digest: 'a',
              name: '[1/3] FROM x',
              started: at(2),
              completed: at(3),
              error: 'context canceled',
            },
          ],
        },
      ),
    );
    // 'c' was only announced: not a step. 'b' was first sent cached, then completed uncached.
    expect(report.steps.map((s) => `${s.status} ${s.name}`)).toEqual([
      'done [1/3] FROM x',
      'done [2/3] WORKDIR /app',
    ]);
    expect(report.totals).toMatchObject({ instructionSteps: 2, cachedInstructionSteps: 0, cachedSteps: 0 });
  });

  it('ignores a message that re-announces a started vertex without its state', () => {
    const report = analyzeLog(
      lines(
        { vertexes: [{ digest: 'a', name: '[1/1] RUN x', started: at(0), completed: at(1), cached: true }] },
        { vertexes: [{ digest: 'a', name: '[1/1] RUN x' }] },
      ),
    );
    expect(report.steps[0]!.status).toBe('cached');
  });

  it('shows a progress group (COPY --link) as one step, cached only when all members are', () => {
    const group = { id: 'g1', name: '[2/2] COPY --link app /app' };
    const report = analyzeLog(
      lines(
        {
          vertexes: [
            {
              digest: 'm1',
              name: 'copy app',
              progressGroup: group,
              started: at(0),
              completed: at(1),
              cached: true,
            },
          ],
        },
        { vertexes: [{ digest: 'm2', name: 'merge', progressGroup: group, started: at(1) }] },
        { logs: [{ vertex: 'm2', stream: 1, data: b64('merged\n'), timestamp: at(1) }] },
        {
          vertexes: [{ digest: 'm2', name: 'merge', progressGroup: group, started: at(1), completed: at(3) }],
        },
      ),
    );
    expect(report.steps).toHaveLength(1);
    expect(report.steps[0]).toMatchObject({
      name: '[2/2] COPY --link app /app',
      status: 'done',
      durationMs: 3000,
      outputLines: 1,
    });
  });

  it('reads build-check warnings (base64 text, line from the range, file from the source)', () => {
    const report = analyzeLog(
      lines({
        warnings: [
          {
            vertex: 'sha256:def',
            level: 1,
            short: b64("FromAsCasing: 'as' and 'FROM' keywords' casing do not match (line 1)"),
            detail: [b64('detail')],
            url: 'https://docs.docker.com/go/dockerfile/rule/from-as-casing/',
            sourceInfo: { filename: 'docker/app.Dockerfile', data: b64('FROM a as b') },
            range: [{ start: { line: 1 }, end: { line: 1 } }],
          },
        ],
      }),
    );
    expect(report.warnings).toEqual([
      {
        rule: 'FromAsCasing',
        message: "'as' and 'FROM' keywords' casing do not match",
        line: 1,
        file: 'docker/app.Dockerfile',
      },
    ]);
  });

  it('counts the transferred build context of the build-context vertex only', () => {
    const report = analyzeLog(
      lines(
        {
          vertexes: [
            { digest: 'i', name: '[internal] load .dockerignore', started: at(0), completed: at(0) },
          ],
        },
        { vertexes: [{ digest: 'c', name: '[internal] load build context', started: at(0) }] },
        { statuses: [{ id: 'transferring context:', vertex: 'i', current: 2, timestamp: at(0) }] },
        { statuses: [{ id: 'transferring context:', vertex: 'c', current: 1_000_000, timestamp: at(1) }] },
        { statuses: [{ id: 'transferring context:', vertex: 'c', current: 62_930_123, timestamp: at(2) }] },
        {
          vertexes: [
            { digest: 'c', name: '[internal] load build context', started: at(0), completed: at(2) },
          ],
        },
      ),
    );
    expect(report.totals.contextBytes).toBe(62_930_123);
  });
});

describe('scanLogsOnlyLine (fast path for log-only messages)', () => {
  const entry = { vertex: 'sha256:abc', stream: 1, data: b64('hello\n'), timestamp: at(0) };

  it('finds the entries of the shape buildx writes, one or several', () => {
    const ranges: number[] = [];
    const line = JSON.stringify({ logs: [entry, { ...entry, stream: 2 }] });
    expect(scanLogsOnlyLine(line, ranges)).toBe(2);
    expect(line.slice(ranges[0], ranges[1])).toBe('sha256:abc');
    expect(line.slice(ranges[2], ranges[3])).toBe(entry.data);
    expect(line.slice(ranges[6], ranges[7])).toBe(entry.data);
  });

  it.each([
    ['another key', JSON.stringify({ logs: [entry], vertexes: [] })],
    [
      'fields in another order',
      JSON.stringify({ logs: [{ data: entry.data, vertex: entry.vertex, stream: 1, timestamp: at(0) }] }),
    ],
    ['an escaped quote', JSON.stringify({ logs: [{ ...entry, vertex: 'a"b' }] })],
    ['spaces', JSON.stringify({ logs: [entry] }, null, 1)],
    ['cut short', JSON.stringify({ logs: [entry] }).slice(0, 60)],
  ])('leaves %s to JSON.parse', (_name, line) => {
    expect(scanLogsOnlyLine(line, [])).toBe(0);
  });

  it('gives the same report as the general path', () => {
    const v = 'sha256:abc';
    const messages = [
      { vertexes: [{ digest: v, name: '[1/1] RUN x', started: at(0) }] },
      { logs: [{ vertex: v, stream: 1, data: b64('one\ntwo\n'), timestamp: at(1) }] },
      {
        logs: [
          { vertex: v, stream: 1, data: b64('three\n'), timestamp: at(1) },
          { vertex: v, stream: 2, data: b64('four\n'), timestamp: at(1) },
        ],
      },
      { vertexes: [{ digest: v, name: '[1/1] RUN x', started: at(0), completed: at(2) }] },
    ];
    const fast = analyzeLog(lines(...messages));
    // Reordered keys defeat the fast path, so this goes through JSON.parse.
    const general = analyzeLog(
      messages
        .map((m) =>
          JSON.stringify(
            m.logs !== undefined ? { logs: m.logs.map(({ data, ...rest }) => ({ data, ...rest })) } : m,
          ),
        )
        .join('\n'),
    );
    expect(fast).toEqual(general);
    expect(fast.steps[0]!.outputTail).toEqual(['one', 'two', 'three', 'four']);
  });
});
