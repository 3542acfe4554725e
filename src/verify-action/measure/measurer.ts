// Measures one check: its search and, with messages on a text field, the search
// that counts the error templates. Keeps what the report needs (the last request
// and measurement, each check's latency and searches) and, after an early
// verdict, fetches the report's top messages with one more search.
import type { VerifyConfig } from '../config/config.js';
import { describeError } from '../config/redact.js';
import type { Clock, SearchRequest } from '../ports.js';
import { logTextReader, type LogText } from './log-text.js';
import type { Measurement, Observation, TemplateFindings } from './measurement.js';
import type { MessageCount } from './messages.js';
import { buildCheckRequest, parseCheckResponse } from './query.js';
import { checkResponseShape } from './response-shape.js';
import type { Session } from './session.js';
import { countTemplates } from './template-query.js';
import type { CheckWindow } from './window.js';

/** The top messages for the report, fetched after an early verdict. */
export interface MessageSample {
  topMessages: MessageCount[];
  baselineMessages: string[];
  templates: TemplateFindings | null;
  sampled: boolean;
}

/** What the measuring kept for the report. */
export interface MeasureRecord {
  lastRequest: SearchRequest | null;
  lastMeasurement: Measurement | null;
  /** The top messages fetched after an early verdict; null when the last check had them. */
  messages: MessageSample | null;
  latencies: number[];
  /** Searches each check made (1, or 2 when it counted error templates). */
  roundTrips: number[];
  messageRequests: number;
  warnings: string[];
}

/** Nothing measured (the setup failed), or nothing yet. */
export function nothingMeasured(): MeasureRecord {
  return {
    lastRequest: null,
    lastMeasurement: null,
    messages: null,
    latencies: [],
    roundTrips: [],
    messageRequests: 0,
    warnings: [],
  };
}

export type MeasureConfig = Pick<VerifyConfig, 'connection' | 'scope' | 'judgement'>;

export class Measurer {
  readonly latencies: number[] = [];
  readonly roundTrips: number[] = [];
  lastRequest: SearchRequest | null = null;
  lastMeasurement: Measurement | null = null;
  /** Every text taken from a response, scrubbed of the secrets and capped (log-text.ts). */
  private readonly text: LogText;

  constructor(
    private readonly config: MeasureConfig,
    private readonly session: Session,
    private readonly clock: Clock,
    private readonly secrets: readonly string[],
  ) {
    this.text = logTextReader(secrets);
  }

  /** One search, its answer checked against the request (response-shape.ts) before it is read. */
  private readonly search = async (request: SearchRequest): Promise<Record<string, unknown>> => {
    const response = await this.session.store.search(request);
    checkResponseShape(request, response);
    return response;
  };

  /**
   * One check. The last scheduled one (`final`) also counts the logs stamped after its time: the
   * verdict rests on it, and an earlier check decides only on breaches, which counts stamped
   * ahead cannot undo. (A watch replayed on past data, as tests do, sees later data as ahead.)
   */
  async measure(window: CheckWindow, at: number, messages: boolean, final = true): Promise<Observation> {
    const checkedAt = final ? at : undefined;
    const request = buildCheckRequest(this.config, this.session.plan, window, { messages, checkedAt });
    this.lastRequest = request;
    const started = this.clock.now();
    try {
      const { plan } = this.session;
      const response = await this.search(request);
      const measurement = parseCheckResponse(this.config, plan, window, response, {
        messages,
        text: this.text,
        checkedAt,
      });
      const more = await countTemplates(this.search, this.config, plan, window, measurement);
      this.latencies.push(this.clock.now() - started);
      this.roundTrips.push(1 + more);
      this.lastMeasurement = measurement;
      return { kind: 'measured', at, measurement };
    } catch (error) {
      return { kind: 'error', at, message: describeError(error, this.secrets) };
    }
  }

  /** What was measured; when the last measurement lacks the messages (an early verdict), one more search for them. */
  async record(): Promise<MeasureRecord> {
    const record: MeasureRecord = {
      ...nothingMeasured(),
      lastRequest: this.lastRequest,
      lastMeasurement: this.lastMeasurement,
      latencies: this.latencies,
      roundTrips: this.roundTrips,
    };
    const m = this.lastMeasurement;
    if (!m || m.messagesIncluded) return record;
    try {
      const { sample, searches } = await this.fetchMessages(m);
      return { ...record, messages: sample, messageRequests: searches };
    } catch (error) {
      return {
        ...record,
        warnings: [`top error messages unavailable: ${describeError(error, this.secrets)}`],
      };
    }
  }

  private async fetchMessages(m: Measurement): Promise<{ sample: MessageSample; searches: number }> {
    const { config, session } = this;
    const window = {
      baselineStart: m.baseline?.start ?? m.window.start,
      deployedAt: m.window.start,
      end: m.window.end,
    };
    const response = await this.search(buildCheckRequest(config, session.plan, window, { messages: true }));
    const fetched = parseCheckResponse(config, session.plan, window, response, { text: this.text });
    const more = await countTemplates(this.search, config, session.plan, window, fetched);
    const { topMessages, baselineMessages, sampled } = fetched;
    return {
      sample: { topMessages, baselineMessages, sampled, templates: fetched.templates ?? null },
      searches: 1 + more,
    };
  }
}
