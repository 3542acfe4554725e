import { describe, expect, it } from '@jest/globals';
import { renderAaCheck } from '../../../src/verify-action/report/summary-aa.js';
import type { VerifyReport } from '../../../src/verify-action/report/report.js';

const rate = (significant: boolean) =>
  ({
    kind: 'baseline',
    unit: 'per-minute',
    after: { errors: 15, exposure: 15, rate: 1 },
    before: { errors: 15, exposure: 15, rate: 1 },
    ratio: 1,
    maxIncrease: 2,
    confidence: 0.99,
    pValue: significant ? 0.001 : 0.9,
    significant,
  }) as const;

const report = (aa: VerifyReport['aa']) => ({ aa }) as VerifyReport;

describe('the A/A section of the summary', () => {
  it('says the gate found nothing where nothing changed', () => {
    const out = renderAaCheck(
      report({
        splitAt: '2026-12-04T10:15:00.000Z',
        newKindCount: 0,
        newKinds: [],
        rate: rate(false),
        newKindsReliable: true,
      }),
    ).join('\n');
    expect(out).toContain(
      "**A/A check** (the same judgement between the baseline's halves, cut at 10:15 UTC",
    );
    expect(out).toContain('no rise in the error rate (1x, p = 0.9); no new kind of error.');
  });

  it('says the new-kind judgement is unreliable, and escapes the kinds it lists', () => {
    const out = renderAaCheck(
      report({
        splitAt: '2026-12-04T10:15:00.000Z',
        newKindCount: 1,
        newKinds: [
          {
            template: 'x <*> `| <img src=x>',
            message: 'x 1 `| <img src=x>',
            count: 3,
            firstSeen: null,
            variantOf: null,
          },
        ],
        rate: rate(true),
        newKindsReliable: false,
      }),
    ).join('\n');
    expect(out).toContain('the rate test is noisy for this service');
    expect(out).toContain('**the new-kind judgement is unreliable for this service**');
    expect(out).not.toContain('<img');
  });

  it('is absent without an A/A check', () => {
    expect(renderAaCheck(report(null))).toEqual([]);
  });
});
