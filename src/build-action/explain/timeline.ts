// The steps of a build as a mermaid Gantt chart, which GitHub renders in job
// summaries. Bars are coloured by outcome through mermaid's task tags: `done`
// (grey) for cached, `active` (blue) for steps that ran, `crit` (red) for the
// failed step. Start times come from the log when it carries them (rawjson), else
// from when the action saw each step appear, else steps are laid end to end by
// duration. Every label passes through mermaidLabel: the names come from the
// Dockerfile and the build output, both untrusted.
import type { BuildReport, StepReport } from '../../engine/index.js';
import { mermaidLabel } from '../../github/escape.js';

export interface TimelineOptions {
  /** Start of each step (by vertex name) in ms since the build began, as observed while streaming. */
  observedStartMs?: ReadonlyMap<string, number>;
  /** When each step was seen settled (DONE, CACHED, ERROR, CANCELED), ms since the build began. */
  observedEndMs?: ReadonlyMap<string, number>;
  /** Most bars drawn; the longest steps and the failed one are kept. */
  maxBars?: number;
}

interface Bar {
  step: StepReport;
  start: number;
  end: number;
}

const DEFAULT_MAX_BARS = 60;

/** Bar colours by outcome; set through theme variables since the default theme's are pastels. */
export const GANTT_COLOURS = { cached: '#afb8c1', ran: '#54aeff', failed: '#ff8182' } as const;

// Borders a shade darker than the fills; text in black on all three. Sections and
// grid in translucent grey, which reads on GitHub's light and dark backgrounds alike
// (the default theme alternates purple and yellow bands).
const GANTT_INIT = {
  themeVariables: {
    sectionBkgColor: 'rgba(128, 128, 128, 0.1)',
    sectionBkgColor2: 'rgba(128, 128, 128, 0.1)',
    altSectionBkgColor: 'rgba(128, 128, 128, 0)',
    gridColor: 'rgba(128, 128, 128, 0.35)',
    doneTaskBkgColor: GANTT_COLOURS.cached,
    doneTaskBorderColor: '#6e7781',
    activeTaskBkgColor: GANTT_COLOURS.ran,
    activeTaskBorderColor: '#0969da',
    critBkgColor: GANTT_COLOURS.failed,
    critBorderColor: '#cf222e',
    taskTextDarkColor: '#1f2328',
    taskTextColor: '#1f2328',
  },
};

function tagOf(step: StepReport): string {
  if (step.status === 'error') return 'crit, ';
  if (step.status === 'cached') return 'done, ';
  if (step.status === 'done') return 'active, ';
  return '';
}

function sectionOf(step: StepReport): string {
  if (step.kind === 'internal') return 'internal';
  if (step.kind !== 'instruction') return 'export';
  const stage = step.stage ?? 'build';
  return step.platform ? `${stage} ${step.platform}` : stage;
}

// A task line that starts with one of these is read as a gantt statement, not a
// task; a leading YYYY-MM-DD is lexed as a date token, which breaks the chart.
const GANTT_KEYWORDS =
  /^((gantt|title|section|dateFormat|axisFormat|tickInterval|todayMarker|excludes|includes|weekday|weekend|click|call|href|accTitle|accDescr|inclusiveEndDates|topAxis|displayMode)\b|\d{4}-\d\d-\d\d)/i;

function labelOf(step: StepReport): string {
  const withoutPrefix = step.name.replace(/^\[[^\]]*\]\s*/, '');
  const index = step.index !== null && step.total !== null ? `${step.index}/${step.total} ` : '';
  const label = mermaidLabel(`${index}${withoutPrefix}`, 50);
  return GANTT_KEYWORDS.test(label) ? `step ${label}` : label;
}

/**
 * Each step's bar. Where the log carries start times (rawjson) they and the durations decide;
 * else the times the action saw each step start and settle, else steps are laid end to end by
 * duration. The steps of one stage run one after another, so a bar never starts before the
 * previous step of its stage ended (a duration that BuildKit counts from before the step's first
 * line would otherwise overlap it).
 */
function layout(steps: readonly StepReport[], options: TimelineOptions): Bar[] {
  const logged = steps.every((s) => s.startOffsetMs !== null);
  const { observedStartMs: seenStart, observedEndMs: seenEnd } = options;
  const bars: Bar[] = [];
  const stageEnd = new Map<string, number>();
  let cursor = 0;
  for (const step of steps) {
    const duration = step.durationMs ?? 0;
    let start = logged ? step.startOffsetMs! : (seenStart?.get(step.name) ?? cursor);
    const observedEnd = logged ? undefined : seenEnd?.get(step.name);
    let end = observedEnd ?? start + duration;
    if (step.kind === 'instruction') {
      const section = sectionOf(step);
      const previous = stageEnd.get(section);
      if (previous !== undefined && start < previous) {
        // Keep the step's own length where only its duration is known.
        end = observedEnd === undefined ? previous + (end - start) : Math.max(end, previous);
        start = previous;
      }
      stageEnd.set(section, Math.max(end, start));
    }
    end = Math.max(end, start);
    bars.push({ step, start, end });
    cursor = Math.max(cursor, end);
  }
  return bars;
}

/** The chart's first line: our colours, never text from the build. */
export const GANTT_DIRECTIVE = `%%{init: ${JSON.stringify(GANTT_INIT)}}%%`;

/** Mermaid source for the chart, or null when there is nothing to draw. */
export function renderTimeline(report: BuildReport, options: TimelineOptions = {}): string | null {
  const steps = report.steps.filter((s) => s.status !== 'incomplete' || s.durationMs !== null);
  if (steps.length === 0) return null;
  let bars = layout(steps, options);
  const maxBars = options.maxBars ?? DEFAULT_MAX_BARS;
  if (bars.length > maxBars) {
    const keep = new Set(
      [...bars]
        .sort(
          (a, b) =>
            Number(b.step.status === 'error') - Number(a.step.status === 'error') ||
            b.end - b.start - (a.end - a.start),
        )
        .slice(0, maxBars),
    );
    bars = bars.filter((b) => keep.has(b));
  }
  const origin = Math.min(...bars.map((b) => b.start));
  const span = Math.max(1, Math.max(...bars.map((b) => b.end)) - origin);
  // Cached and instant steps still get a sliver, or mermaid draws nothing for them.
  const minWidth = Math.max(1, Math.round(span / 200));
  // Tick labels without leading zeros ('%-S'): 0.500 s, 45 s, 2:30, 1:05:00.
  const axisFormat =
    span >= 3_600_000 ? '%-H:%M:%S' : span >= 60_000 ? '%-M:%S' : span >= 10_000 ? '%-S s' : '%-S.%L s';

  const lines = [
    `%%{init: ${JSON.stringify(GANTT_INIT)}}%%`,
    'gantt',
    '  dateFormat x',
    `  axisFormat ${axisFormat}`,
    '  todayMarker off',
  ];
  const sections = new Map<string, Bar[]>();
  for (const bar of bars) {
    const section = sectionOf(bar.step);
    sections.set(section, [...(sections.get(section) ?? []), bar]);
  }
  let id = 0;
  for (const [section, sectionBars] of sections) {
    lines.push(`  section ${mermaidLabel(section, 40)}`);
    for (const bar of sectionBars) {
      const start = Math.round(bar.start - origin);
      const end = Math.max(start + minWidth, Math.round(bar.end - origin));
      lines.push(`  ${labelOf(bar.step)} :${tagOf(bar.step)}s${++id}, ${start}, ${end}`);
    }
  }
  return lines.join('\n');
}
