import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addJobRow } from '../../../src/build-action/history/job-rows.js';
import type { JobRow } from '../../../src/build-action/history/render.js';

const row = (label: string) => ({ label, regression: null }) as unknown as JobRow;

describe('the builds of one job', () => {
  it('each build adds its row after the earlier ones of the same job', async () => {
    const env = { RUNNER_TEMP: mkdtempSync(path.join(os.tmpdir(), 'bxg-job-rows-')), GITHUB_JOB: 'build' };
    expect(await addJobRow(env, row('api'))).toEqual([row('api')]);
    expect(await addJobRow(env, row('web'))).toEqual([row('api'), row('web')]);
    // Another job of the same run keeps its own table.
    expect(await addJobRow({ ...env, GITHUB_JOB: 'test' }, row('e2e'))).toEqual([row('e2e')]);
  });

  it('keeps the file in the temp directory, with the job id made safe for a file name', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bxg-job-rows-'));
    await addJobRow({ RUNNER_TEMP: dir, GITHUB_JOB: '../build matrix/1' }, row('api'));
    expect(readdirSync(dir)).toEqual(['buildx-gate-history-.._build_matrix_1.json']);
  });

  it('starts over from a file that is not a list of rows, and keeps nothing without RUNNER_TEMP', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bxg-job-rows-'));
    writeFileSync(path.join(dir, 'buildx-gate-history-job.json'), '{"not": "rows"');
    expect(await addJobRow({ RUNNER_TEMP: dir }, row('api'))).toEqual([row('api')]);
    expect(await addJobRow({}, row('web'))).toEqual([row('web')]);
    expect(await addJobRow({}, row('web'))).toEqual([row('web')]);
  });
});
