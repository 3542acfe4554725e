// The summary's A/A section: what the same judgement found between the two halves of the
// baseline, where nothing changed, so a reader can tell the gate's noise from the deploy's effect.
// Markdown; the kinds' templates and examples are log text (untrusted): through escape.ts.
import { inlineCode, truncate } from '../../github/escape.js';
import type { VerifyReport } from './report.js';

const hhmm = (iso: string) => `${iso.slice(11, 16)} UTC`;

export function renderAaCheck(report: VerifyReport): string[] {
  const aa = report.aa;
  if (!aa) return [];
  const found: string[] = [];
  if (aa.rate) {
    const { rate } = aa;
    const ratio =
      rate.ratio === null ? (rate.after.errors > 0 ? 'up from 0' : 'no errors') : `${rate.ratio}x`;
    found.push(
      rate.significant
        ? `the error rate rose more than ${rate.maxIncrease}x (${ratio}, p = ${rate.pValue}): the rate test is noisy for this service`
        : `no rise in the error rate (${ratio}, p = ${rate.pValue})`,
    );
  }
  if (aa.newKindCount !== null)
    found.push(
      aa.newKindCount === 0
        ? 'no new kind of error'
        : `${aa.newKindCount} new kind${aa.newKindCount === 1 ? '' : 's'} of error: **the new-kind judgement is unreliable for this service**, so max-new-errors is reported, not applied`,
    );
  if (found.length === 0) return [];
  const out = [
    `**A/A check** (the same judgement between the baseline's halves, cut at ${hhmm(aa.splitAt)}, where nothing changed): ${found.join('; ')}.`,
    '',
  ];
  for (const k of aa.newKinds.slice(0, 5))
    out.push(
      `- ${inlineCode(truncate(k.template, 160))} × ${k.count}: ${inlineCode(truncate(k.message, 160))}`,
    );
  if (aa.newKinds.length) out.push('');
  return out;
}
