// Bytes are cut into lines before decoding, and rawjson's log-only messages are read straight
// from the bytes. Both shortcuts must give exactly the report of the general path: the text
// splitter and JSON.parse.
// covers: src/engine/byte-lines.ts, src/engine/log-message.ts
import { describe, expect, it } from '@jest/globals';
import { ByteLineRouter } from '../../src/engine/byte-lines.js';
import { BuildLogAnalyzer, analyzeLog, type BuildReport } from '../../src/engine/index.js';
import { LogBytesScanner } from '../../src/engine/log-message.js';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const at = (second: number) => `2024-05-01T12:00:${String(second).padStart(2, '0')}.000000000Z`;
const A = `sha256:${'a'.repeat(64)}`;
const B = `sha256:${'b'.repeat(64)}`;
const log = (vertex: string, text: string, second = 1, stream = 1) => ({
  vertex,
  stream,
  data: b64(text),
  timestamp: at(second),
});

/** A build that exercises the log-only fast path and everything around it. */
const MESSAGES: object[] = [
  {
    vertexes: [
      { digest: A, name: '[build 1/2] RUN printf "quote \\" back\\\\slash" && echo', started: at(0) },
      { digest: B, name: '[build 2/2] RUN echo ünïcödé ✓', started: at(0) },
    ],
  },
  { logs: [log(A, 'one\ntwo\n')] },
  { logs: [log(A, 'three\n')] }, // same head as the message before
  { logs: [log(A, 'why???\n')] }, // base64 with a slash, which JSON may escape
  { logs: [log(A, 'four\n', 1, 2)] }, // another stream: another head
  { logs: [log(A, 'part of a ')] }, // a line split across messages
  { logs: [log(A, 'line\nfive\n')] },
  { logs: [log(A, 'six\n'), log(B, 'b one\n'), log(A, 'seven\n')] }, // several entries
  { logs: [log(B, 'b two\r\nb three\n')] },
  { logs: [log(B, '[output clipped, log limit 2MiB reached]\n')] },
  {
    logs: [log(A, 'eight\n')],
    vertexes: [{ digest: B, name: '[build 2/2] RUN echo ünïcödé ✓', started: at(0) }],
  },
  { logs: [log(B, 'ünïcödé output ✓\n')] },
  { statuses: [{ id: 'transferring context:', vertex: A, current: 42, timestamp: at(2) }] },
  { logs: [log(A, 'no newline at the end')] },
  {
    vertexes: [
      {
        digest: A,
        name: '[build 1/2] RUN printf "quote \\" back\\\\slash" && echo',
        started: at(0),
        completed: at(3),
      },
    ],
  },
  { logs: [log(B, 'after\n')] },
  {
    vertexes: [
      {
        digest: B,
        name: '[build 2/2] RUN echo ünïcödé ✓',
        started: at(0),
        completed: at(4),
        error: 'process "/bin/sh -c echo" did not complete successfully: exit code: 1',
      },
    ],
  },
];

const compactLog = (messages: object[]) =>
  messages.map((m) => JSON.stringify(m)).join('\n') + '\nERROR: failed to solve: exit code: 1\n';
/** buildx 0.13's layout: no message is on one line, so every one goes through JSON.parse. */
const prettyLog = (messages: object[]) =>
  messages.map((m) => JSON.stringify(m, null, 2)).join('\n') + '\nERROR: failed to solve: exit code: 1\n';

function feedBytes(bytes: Uint8Array, size: number): BuildReport {
  const analyzer = new BuildLogAnalyzer();
  for (let i = 0; i < bytes.length; i += size) analyzer.write(bytes.subarray(i, i + size));
  return analyzer.end();
}

/** The same build with ASCII names only: then even a chunk holding the whole log is read as bytes. */
const ASCII_MESSAGES = JSON.parse(JSON.stringify(MESSAGES).replaceAll('ünïcödé ✓', 'unicode')) as object[];

describe.each([
  ['non-ASCII names', MESSAGES],
  ['ASCII only', ASCII_MESSAGES],
])('log-only messages read as bytes (%s)', (_sample, messages) => {
  const text = compactLog(messages);
  const bytes = Buffer.from(text, 'utf8');
  const general = analyzeLog(prettyLog(messages));

  it('the general path reads the sample as intended', () => {
    expect(general.format).toBe('rawjson');
    expect(general.unrecognizedLines).toBe(0);
    expect(general.totals.outputLines).toBe(16);
    expect(general.steps.find((s) => s.name.startsWith('[build 1/2]'))?.outputTail).toEqual([
      'one',
      'two',
      'three',
      'why???',
      'four',
      'part of a line',
      'five',
      'six',
      'seven',
      'eight',
      'no newline at the end',
    ]);
    expect(general.steps.find((s) => s.name.startsWith('[build 2/2]'))?.outputTail).toEqual([
      'b one',
      'b two',
      'b three',
      'ünïcödé output ✓',
      'after',
    ]);
  });

  it.each([1, 2, 7, 64, 333, bytes.length])(
    'in chunks of %i bytes gives the report of JSON.parse',
    (size) => {
      expect(feedBytes(bytes, size)).toEqual(general);
    },
  );

  it('gives the report of the text path', () => {
    expect(analyzeLog(bytes)).toEqual(analyzeLog(text));
  });

  it.each([
    [
      'an escaped slash in the data',
      (line: string) =>
        line.replace(/"data":"([^"]*)"/, (_m, d: string) => `"data":"${d.replace(/\//g, '\\/')}"`),
    ],
    ['an escaped character in the digest', (line: string) => line.replace('sha256:a', 'sha256:\\u0061')],
    ['spaces between tokens', (line: string) => line.replace('{"logs":[', '{"logs": [')],
    [
      'a key after the logs',
      (line: string) => line.replace(/^\{"logs":(.*)\}$/, '{"logs":$1,"vertexes":[]}'),
    ],
    ['CRLF line ends', (line: string) => `${line}\r`],
  ])('declines %s and leaves it to the general path', (_name, change) => {
    const changed = text
      .split('\n')
      .map((line) => (line.startsWith('{"logs"') && line.includes('"data":"') ? change(line) : line))
      .join('\n');
    expect(changed).not.toBe(text);
    const changedBytes = Buffer.from(changed, 'utf8');
    expect(feedBytes(changedBytes, changedBytes.length)).toEqual(analyzeLog(changed));
    expect(feedBytes(changedBytes, 5)).toEqual(analyzeLog(changed));
    if (!changed.includes('\r')) expect(analyzeLog(changedBytes)).toEqual(general);
  });

  it('leaves a log-only line that cuts a pretty-printed object short to the general path', () => {
    const pretty = JSON.stringify(messages[0], null, 2).split('\n');
    const logOnly = JSON.stringify({ logs: [log(A, 'cut in\n')] });
    // The rest of the object after the log-only line no longer belongs to an object.
    const broken = [...pretty.slice(0, 4), logOnly, logOnly, ...pretty.slice(4), text].join('\n');
    const report = analyzeLog(Buffer.from(broken, 'utf8'));
    expect(report).toEqual(analyzeLog(broken));
    expect(report.unrecognizedLines).toBe(pretty.length);
  });

  it('reads text and bytes mixed in one log as the text alone', () => {
    const analyzer = new BuildLogAnalyzer();
    const cut = text.indexOf('"data"', text.indexOf('part of a') - 40);
    analyzer.write(bytes.subarray(0, Buffer.byteLength(text.slice(0, cut - 20))));
    analyzer.write(text.slice(cut - 20, cut));
    analyzer.write(Buffer.from(text.slice(cut), 'utf8'));
    expect(analyzer.end()).toEqual(analyzeLog(text));
  });
});

describe('LogBytesScanner', () => {
  const line = (message: object) => Buffer.from(JSON.stringify(message), 'latin1');
  const scan = (scanner: LogBytesScanner, bytes: Buffer) => scanner.scan(bytes, 0, bytes.length);

  it('reads a repeated head without reading the fields again, and the same ranges', () => {
    const scanner = new LogBytesScanner();
    const first = line({ logs: [log(A, 'x\n')] });
    expect(scan(scanner, first)).toBe(1);
    expect(scanner.repeatedHead).toBe(false);
    const second = line({ logs: [log(A, 'second line\n', 5)] });
    expect(scan(scanner, second)).toBe(1);
    expect(scanner.repeatedHead).toBe(true);
    expect(second.toString('latin1', scanner.ranges[0], scanner.ranges[1])).toBe(A);
    expect(second.toString('latin1', scanner.ranges[2], scanner.ranges[3])).toBe(b64('second line\n'));
    const other = line({ logs: [log(B, 'y\n')] });
    expect(scan(scanner, other)).toBe(1);
    expect(scanner.repeatedHead).toBe(false);
    expect(other.toString('latin1', scanner.ranges[0], scanner.ranges[1])).toBe(B);
  });

  it.each([
    ['a second entry after a repeated head', { logs: [log(A, 'x\n'), log(B, 'y\n')] }, 2],
    ['a trailing key', { logs: [log(A, 'x\n')], vertexes: [] }, 0],
    ['an extra entry field', { logs: [{ ...log(A, 'x\n'), extra: 1 }] }, 0],
    [
      'another key of the same length as timestamp',
      { logs: [{ vertex: A, stream: 1, data: b64('x\n'), timestamq: at(1) }] },
      0,
    ],
    [
      'a quote-free shape with a quote in the timestamp',
      { logs: [{ ...log(A, 'x\n'), timestamp: 'a"b' }] },
      0,
    ],
  ])('after a repeated head, still checks the rest: %s', (_name, message, entries) => {
    const scanner = new LogBytesScanner();
    expect(scan(scanner, line({ logs: [log(A, 'x\n')] }))).toBe(1);
    const bytes = line(message);
    expect(scan(scanner, bytes)).toBe(entries);
  });

  it('finds the entries of a line in the middle of a larger buffer', () => {
    const scanner = new LogBytesScanner();
    const text = JSON.stringify({ logs: [log(A, 'x\n')] });
    const bytes = Buffer.from(`junk\n${text}\n${text}`, 'latin1');
    expect(scanner.scan(bytes, 5, 5 + text.length)).toBe(1);
    expect(scanner.scan(bytes, 6 + text.length, bytes.length)).toBe(1);
    expect(scanner.repeatedHead).toBe(true);
    expect(bytes.toString('latin1', scanner.ranges[0], scanner.ranges[1])).toBe(A);
    // The same line cut short is not a message.
    expect(scanner.scan(bytes, 6 + text.length, bytes.length - 2)).toBe(0);
  });
});

describe('ByteLineRouter', () => {
  /** Routes the input in chunks; returns what the reader took and what the splitter got. */
  function route(input: string, chunkSize: number, maxLineBytes = 1000) {
    const taken: string[] = [];
    const passed: Buffer[] = [];
    const router = new ByteLineRouter(
      { push: (bytes) => passed.push(Buffer.from(bytes)) },
      (bytes, start, end) => {
        const line = bytes.toString('latin1', start, end);
        if (!line.startsWith('{take')) return false;
        taken.push(line);
        return true;
      },
      maxLineBytes,
    );
    const bytes = Buffer.from(input, 'utf8');
    for (let i = 0; i < bytes.length; i += chunkSize) router.push(bytes.subarray(i, i + chunkSize));
    router.flush();
    return { taken, passed: Buffer.concat(passed).toString('utf8') };
  }

  it.each([1, 3, 16, 4096])(
    'offers only whole, plain ASCII lines, the rest in order to the splitter (chunks of %i)',
    (size) => {
      const input = [
        'plain line',
        '{take 1}',
        '{take 2}',
        '{leave}',
        '{take but\rCR}',
        '{take but \\ backslash}',
        '  {take not at the start}',
        '{take 3}',
        '{take but a long line ' + 'x'.repeat(100) + '}',
        '{take 4}',
        '{take without LF',
      ].join('\n');
      const { taken, passed } = route(input, size, 100);
      expect(taken).toEqual(['{take 1}', '{take 2}', '{take 3}', '{take 4}']);
      const left = input
        .split('\n')
        .filter((line) => !['{take 1}', '{take 2}', '{take 3}', '{take 4}'].includes(line))
        .join('\n');
      expect(passed).toBe(left);
    },
  );

  it('leaves a chunk with non-ASCII bytes to the splitter', () => {
    const { taken, passed } = route('{take é}\n{take 1}\n', 4096);
    expect(taken).toEqual([]);
    expect(passed).toBe('{take é}\n{take 1}\n');
  });

  it('passes a line longer than it holds on to the splitter as it streams', () => {
    const long = `{take ${'y'.repeat(300)}}`;
    const { taken, passed } = route(`${long}\n{take 5}\n`, 7, 100);
    expect(taken).toEqual(['{take 5}']);
    expect(passed).toBe(`${long}\n`);
  });
});
