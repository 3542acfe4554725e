import { describe, it, expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import {
  contextSources,
  fromLinesOfImage,
  locateStep,
  numberedSteps,
  parseDockerfile,
} from '../../src/engine/dockerfile.js';

const corpus = new URL('../fixtures/corpus', import.meta.url).pathname;
const corpusDockerfile = (name: string) => readFileSync(`${corpus}/${name}/Dockerfile`, 'utf8');

describe('parseDockerfile', () => {
  it('reads stages, names and the steps BuildKit numbers (corpus 01)', () => {
    const df = parseDockerfile(corpusDockerfile('01-multistage-clean'));
    expect(df.stages.map((s) => [s.name, s.base, s.baseIsStage])).toEqual([
      ['deps', 'local/busybox-full:1', false],
      ['build', 'deps', true],
      ['runtime', 'local/busybox:1', false],
    ]);
    // ENV, LABEL and CMD make no step; FROM of a stage makes none either: [build 1/3] is COPY.
    expect(numberedSteps(df.stages[0]).map((i) => [i.keyword, i.line])).toEqual([
      ['FROM', 1],
      ['WORKDIR', 2],
      ['COPY', 3],
      ['RUN', 4],
    ]);
    expect(numberedSteps(df.stages[1]).map((i) => [i.keyword, i.line])).toEqual([
      ['COPY', 10],
      ['RUN', 11],
      ['COPY', 14],
    ]);
    expect(numberedSteps(df.stages[2]).map((i) => i.line)).toEqual([16, 18, 19, 20]);
    const run = df.instructions.find((i) => i.line === 4)!;
    expect(run.endLine).toBe(6);
    expect(run.args).toBe(
      'echo "resolving dependencies..." && while read -r dep; do echo "  fetched $dep"; done < deps.txt && mkdir -p /deps && cp deps.txt /deps/lock.txt',
    );
  });

  it('honours the escape directive, comments inside continuations and flags', () => {
    const df = parseDockerfile(
      [
        '# escape=`',
        '# syntax=docker/dockerfile:1',
        '',
        'FROM --platform=$BUILDPLATFORM mcr.microsoft.com/windows AS base',
        'RUN echo a `',
        '# a comment inside the continuation',
        '    && echo b',
        'COPY --from=base --chmod=0755 C:\\tools\\ C:\\tools\\',
      ].join('\r\n'),
    );
    expect(df.escapeChar).toBe('`');
    expect(df.directives).toEqual({ escape: '`', syntax: 'docker/dockerfile:1' });
    expect(df.stages[0].platform).toBe('$BUILDPLATFORM');
    const [from, run, copy] = df.instructions;
    expect(from.line).toBe(4);
    expect([run.line, run.endLine, run.args]).toEqual([5, 7, 'echo a && echo b']);
    expect(copy.flags).toEqual(['--from=base', '--chmod=0755']);
    expect(copy.argsWithoutFlags).toBe('C:\\tools\\ C:\\tools\\');
  });

  it('stops reading directives at the first other line', () => {
    const df = parseDockerfile('FROM a\n# escape=`\nRUN x \\\n y\n');
    expect(df.directives).toEqual({});
    expect(df.instructions[1].args).toBe('x y');
  });

  it('skips heredoc bodies so later line numbers stay right', () => {
    const df = parseDockerfile(
      [
        'FROM alpine',
        'RUN <<EOF',
        'FROM not-an-instruction',
        'echo hi',
        'EOF',
        'COPY <<-"CONF" /etc/app.conf',
        '\tport=1',
        '\tCONF',
        'RUN ["echo", "<<NOT"]',
        'CMD x',
      ].join('\n'),
    );
    expect(df.instructions.map((i) => [i.keyword, i.line, i.endLine])).toEqual([
      ['FROM', 1, 1],
      ['RUN', 2, 5],
      ['COPY', 6, 8],
      ['RUN', 9, 9],
      ['CMD', 10, 10],
    ]);
    expect(df.stages).toHaveLength(1);
  });

  it('keeps global ARGs apart and never throws on garbage', () => {
    const df = parseDockerfile('ARG BASE=alpine\nFROM $BASE\n\u0000\u0001 garbage \\');
    expect(df.globalArgs.map((a) => a.args)).toEqual(['BASE=alpine']);
    expect(df.stages[0].base).toBe('$BASE');
    expect(df.instructions).toHaveLength(3);
    expect(parseDockerfile('').instructions).toEqual([]);
  });
});

describe('fromLinesOfImage', () => {
  it('matches the image as BuildKit prints it, Docker Hub prefixes added', () => {
    const df = parseDockerfile(
      'FROM node:20 AS a\nFROM local/busybox:1\nFROM ghcr.io/acme/base:2\nFROM a\nFROM localhost:5000/x\n',
    );
    const lines = (printed: string) => fromLinesOfImage(df, printed).map((i) => i.line);
    expect(lines('docker.io/library/node:20')).toEqual([1]);
    expect(lines('docker.io/local/busybox:1')).toEqual([2]);
    expect(lines('ghcr.io/acme/base:2')).toEqual([3]);
    expect(lines('localhost:5000/x')).toEqual([5]);
    expect(lines('docker.io/library/node:18')).toEqual([]);
  });
});

describe('locateStep', () => {
  const df = parseDockerfile(corpusDockerfile('01-multistage-clean'));

  it('uses the stage and index of the step name', () => {
    expect(
      locateStep(df, { stage: 'build', index: 2, instruction: 'RUN', name: '[build 2/3] RUN mkdir -p /out' })
        ?.line,
    ).toBe(11);
    expect(
      locateStep(df, {
        stage: 'runtime',
        index: 4,
        instruction: 'COPY',
        name: '[runtime 4/4] COPY config.ini /app/config.ini',
      })?.line,
    ).toBe(20);
  });

  it('finds single-stage steps without a stage name (corpus 08)', () => {
    const single = parseDockerfile(corpusDockerfile('08-copy-missing-file'));
    expect(
      locateStep(single, {
        stage: null,
        index: 3,
        instruction: 'COPY',
        name: '[3/5] COPY package.json package-lock.json ./',
      })?.line,
    ).toBe(3);
  });

  it('falls back to the text when the index disagrees, variables expanded', () => {
    const step = {
      stage: 'build',
      index: 9,
      instruction: 'RUN',
      name: '[build 9/9] RUN mkdir -p /out  && cat src/*.txt > /out/app.txt  && echo "built app.txt with $(wc -l < /out/app.txt) lines (mode=release)"',
    };
    expect(locateStep(df, step)?.line).toBe(11);
  });

  it('maps stage-N names of unnamed stages', () => {
    const two = parseDockerfile('FROM a AS build\nRUN x\nFROM b\nCOPY --from=build /x /x\n');
    expect(
      locateStep(two, {
        stage: 'stage-1',
        index: 2,
        instruction: 'COPY',
        name: '[stage-1 2/2] COPY --from=build /x /x',
      })?.line,
    ).toBe(4);
    expect(
      locateStep(two, { stage: 'nope', index: 2, instruction: 'COPY', name: '[nope 2/2] RUN y' }),
    ).toBeNull();
  });
});

describe('contextSources', () => {
  const sourcesOf = (line: string) =>
    contextSources(parseDockerfile(`FROM x\n${line}\n`).stages[0]!.instructions[1]!);
  it.each([
    ['COPY . .', ['.']],
    ['COPY --chown=1:1 a b /dst/', ['a', 'b']],
    ['COPY ["a b", "c", "/d"]', ['a b', 'c']],
    ['COPY --from=build /app /app', null],
    ['ADD https://example.com/x.tgz /x', []],
    ['COPY <<EOF /x\nhi\nEOF', null],
    ['RUN --mount=type=bind,target=/src make', ['.']],
    ['RUN --mount=type=bind,source=go.sum,target=go.sum go mod download', ['go.sum']],
    ['RUN --mount=type=cache,target=/root/.cache go build', null],
    ['RUN --mount=type=bind,from=deps,target=/d ls', null],
    ['RUN make', null],
  ])('%s', (line, expected) => expect(sourcesOf(line)).toEqual(expected));
});
