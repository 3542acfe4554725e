// The summary's sections for what the verification did beyond deciding: the
// pause (and how to resume) and the alerts sent. Markdown, every text through
// escape.ts (rule names and commands come from the workflow, details from servers).
import { escapeMarkdownInline, inlineCode } from '../../github/escape.js';
import { table } from '../../github/markdown.js';
import type { Rule } from '../config/config.js';
import type { VerifyReport } from './report.js';

const md = escapeMarkdownInline;

const hhmm = (iso: string) => `${iso.slice(11, 16)} UTC`;

export function renderPause(report: VerifyReport): string[] {
  if (report.decision !== 'pause') return [];
  if (!report.paused) return ['Dry run: the rollout would have been paused.', ''];
  const p = report.pause;
  const command =
    p.succeeded === null
      ? 'no pause-command is set'
      : p.succeeded
        ? md(p.detail)
        : `**FAILED**: ${md(p.detail)}; the rollout may still be progressing`;
  return [
    '### ⏸️ Paused: the rollout is stopped, what runs stays',
    '',
    `This job fails, so the jobs that need it (later environments) do not run; nothing was rolled back; ${command}.`,
    '',
    '**To resume**',
    '',
    ...p.resume.map((h) => `- ${md(h.text)}${h.command ? `: ${inlineCode(h.command)}` : ''}`),
    '',
  ];
}

export function renderNotifications(report: VerifyReport): string[] {
  const n = report.notifications;
  const out: string[] = [];
  if (n.alerts.length) {
    const rows = n.alerts.map((a) => {
      const state = a.status === 'firing' ? `firing, ends ${hhmm(a.endsAt)} unless resolved` : 'resolved';
      const labels = Object.entries(a.labels)
        .filter(([k]) => k !== 'alertname')
        .map(([k, v]) => inlineCode(`${k}=${v}`))
        .join(' ');
      const delivery = n.deliveries
        .filter((d) => d.status === a.status && d.rules.includes(a.rule))
        .map((d) => `${d.target}: ${d.delivered ? 'sent' : `**FAILED** (${md(d.detail)})`}`)
        .join('<br>');
      return [md(a.rule), state, labels, delivery || 'pending'];
    });
    out.push('### Alerts', '', ...table(['Rule', 'Alert', 'Labels', 'Delivery'], [], rows), '');
  }
  if (n.wouldNotify.length) {
    out.push(`Dry run: alerts would have been sent for ${n.wouldNotify.map(inlineCode).join(', ')}.`, '');
  }
  return out;
}

/** ` + alerts alertmanager, webhook` after a rule's action, when it alerts. */
export function alertsTo(rule: Rule | undefined): string {
  return rule?.notify.length ? ` + alerts ${rule.notify.join(', ')}` : '';
}
