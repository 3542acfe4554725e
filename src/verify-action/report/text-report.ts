// The CLI's human-readable report: plain text for a terminal, with log text
// stripped of control sequences so a log line cannot drive the terminal.
import { truncate } from '../../github/escape.js';
import { terminalLine } from '../../shared/text.js';
import type { VerifyReport } from './report.js';

const clean = terminalLine;
const hhmm = (at: number) => new Date(at).toISOString().slice(11, 16);

export function renderText(report: VerifyReport): string {
  const lines: string[] = [];
  const gate = report.dryRun ? 'dry run, not enforced' : report.gateFailed ? 'gate failed' : 'gate passed';
  lines.push(`decision: ${report.decision} (${gate})`);
  for (const reason of report.reasons) lines.push(`  - ${clean(reason)}`);
  lines.push(
    `errors: ${report.errorCount} in ${report.totalCount} logs (${report.errorRate}/min; baseline ${report.baselineRate ?? 'n/a'}/min); new error messages: ${report.newErrorCount}`,
  );
  if (report.rules.length) {
    lines.push('rules:');
    for (const r of report.rules) {
      lines.push(
        `  ${clean(r.name)}: ${r.unmeasured ? `NOT MEASURED (${clean(r.unmeasured)})` : `${r.count} / max ${r.max}`}, ${r.action}${r.breached ? ', BREACHED' : ''}`,
      );
    }
  }
  if (report.checks.length) {
    lines.push('checks:');
    for (const c of report.checks) {
      const window = c.window ? `${hhmm(c.window.start)}-${hhmm(c.window.end)}` : '-';
      const detail =
        c.status === 'error'
          ? clean(c.error ?? '')
          : `${c.errorCount} errors / ${c.total} logs, ${c.errorRate}/min`;
      lines.push(`  #${c.check} ${window} ${c.status}: ${detail}`);
    }
  }
  if (report.topMessages.length) {
    const fresh = new Set(report.newErrors.map((m) => m.message));
    lines.push('top error messages:');
    for (const m of report.topMessages.slice(0, 5)) {
      lines.push(
        `  ${String(m.count).padStart(7)} ${fresh.has(m.message) ? 'NEW ' : ''}${truncate(clean(m.message), 160)}`,
      );
    }
  }
  for (const w of report.warnings) lines.push(`warning: ${clean(w)}`);
  for (const r of report.rollback.results)
    lines.push(`rollback ${r.kind}: ${r.succeeded ? 'succeeded' : 'FAILED'}: ${clean(r.detail)}`);
  if (report.paused) {
    lines.push(`paused (nothing rolled back): ${clean(report.pause.detail)}`);
    for (const h of report.pause.resume)
      lines.push(`  to resume: ${h.text}${h.command ? `: ${h.command}` : ''}`);
  }
  for (const d of report.notifications.deliveries) {
    const what = d.status === 'firing' ? 'alert' : 'resolve';
    lines.push(
      `${what} ${clean(d.rules.join(', '))} -> ${d.target}: ${d.delivered ? 'sent' : `FAILED: ${clean(d.detail)}`}`,
    );
  }
  if (report.kibanaUrl) lines.push(`kibana: ${report.kibanaUrl}`);
  return `${lines.join('\n')}\n`;
}
