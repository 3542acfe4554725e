import { describe, expect, it } from '@jest/globals';
import { defaultReportPath } from '../../../src/verify-action/report/report-path.js';

const RUN = { GITHUB_RUN_ID: '1234', GITHUB_RUN_ATTEMPT: '1' };

describe('the default report path', () => {
  it('differs between two verify steps of one job (step ids from GITHUB_ACTION)', () => {
    const first = defaultReportPath({ ...RUN, GITHUB_ACTION: 'verify-api' }, '/tmp/r', 'a1b2');
    const second = defaultReportPath({ ...RUN, GITHUB_ACTION: 'verify-web' }, '/tmp/r', 'c3d4');
    expect(first).not.toBe(second);
    expect(first).toBe('/tmp/r/buildx-gate-verify-1234-1-verify-api-a1b2.json');
  });

  it('differs between two runs of the same step (the unique suffix)', () => {
    const env = { ...RUN, GITHUB_ACTION: '__buildx-gate_verify' };
    expect(defaultReportPath(env, '/t', 'x1')).not.toBe(defaultReportPath(env, '/t', 'x2'));
  });

  it('keeps a hostile step id inside the temp directory', () => {
    const path = defaultReportPath({ GITHUB_ACTION: '../../etc/passwd' }, '/t', 'z');
    expect(path).toBe('/t/buildx-gate-verify-etc_passwd-z.json');
    expect(defaultReportPath({}, '/t', 'z')).toBe('/t/buildx-gate-verify-step-z.json');
  });
});
