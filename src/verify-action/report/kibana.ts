// A Kibana Discover link showing the same errors over the same time range. The
// query travels as a custom DSL filter (Kibana's KQL cannot match levels
// case-insensitively), rison-encoded as Discover's _g/_a state.
import type { VerifyConfig } from '../config/config.js';
import type { CheckResult } from '../judge/decision.js';
import type { SearchPlan } from '../measure/plan.js';
import { levelsQuery, scopeFilters } from '../measure/query.js';
import { windowAt } from '../measure/window.js';

type Rison = null | boolean | number | string | Rison[] | { [key: string]: Rison | undefined };

const RISON_ID = /^[^-0-9 '!:(),*@$][^ '!:(),*@$]*$/;

/** Rison (https://github.com/Nanonid/rison) text for a JSON value. */
export function rison(value: Rison): string {
  if (value === null) return '!n';
  if (value === true) return '!t';
  if (value === false) return '!f';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '!n';
    return String(value).replace('+', '');
  }
  if (typeof value === 'string') {
    if (value !== '' && RISON_ID.test(value)) return value;
    return `'${value.replace(/[!']/g, (c) => `!${c}`)}'`;
  }
  if (Array.isArray(value)) return `!(${value.map(rison).join(',')})`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined) as [string, Rison][];
  return `(${entries.map(([k, v]) => `${rison(k)}:${rison(v)}`).join(',')})`;
}

function encode(risonText: string): string {
  // Percent-encode what a URL needs, but keep rison's punctuation readable.
  return encodeURIComponent(risonText).replace(/%3A/g, ':').replace(/%2C/g, ',');
}

export interface DiscoverLink {
  kibanaUrl: string;
  dataView?: string;
  from: number;
  to: number;
  /** The errors query: the same scope filters and levels the check used. */
  query: Record<string, unknown>;
  label: string;
  columns: string[];
}

export function discoverUrl(link: DiscoverLink): string {
  const g = {
    filters: [],
    refreshInterval: { pause: true, value: 0 },
    time: { from: new Date(link.from).toISOString(), to: new Date(link.to).toISOString() },
  };
  const a = {
    columns: link.columns,
    filters: [
      {
        $state: { store: 'appState' },
        meta: {
          alias: link.label,
          disabled: false,
          negate: false,
          type: 'custom',
          key: 'query',
          value: JSON.stringify(link.query),
          ...(link.dataView ? { index: link.dataView } : {}),
        },
        query: link.query as Rison,
      },
    ],
    ...(link.dataView ? { index: link.dataView } : {}),
    query: { language: 'kuery', query: '' },
  } as unknown as Rison;
  return `${link.kibanaUrl}/app/discover#/?_g=${encode(rison(g as unknown as Rison))}&_a=${encode(rison(a))}`;
}

/** Discover over the baseline and the window, filtered like the checks; null without kibana-url. */
export function kibanaLink(
  config: Pick<VerifyConfig, 'scope' | 'output'>,
  plan: SearchPlan,
  last: CheckResult,
): string | null {
  const { kibana } = config.output;
  const { scope } = config;
  if (!kibana) return null;
  const window = windowAt(config, last.at);
  return discoverUrl({
    kibanaUrl: kibana.url,
    ...(kibana.dataView ? { dataView: kibana.dataView } : {}),
    from: window.baselineStart,
    to: Math.max(window.end, window.deployedAt),
    query: {
      bool: { filter: [...scopeFilters(config, plan), levelsQuery(plan.fields.level, scope.levels)] },
    },
    label: `buildx-gate: errors${scope.service ? ` of ${scope.service}` : ''}`,
    columns: [scope.fields.level, scope.fields.message],
  });
}
