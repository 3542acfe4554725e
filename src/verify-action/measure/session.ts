// Before the first check: connect, read the mapping and resolve the search plan,
// once. A failure here is not thrown: it becomes the one check that could not
// measure, decided by the on-error policy like any other.
import type { VerifyConfig } from '../config/config.js';
import { describeError } from '../config/redact.js';
import { LogStoreError, type LogStore, type ServerInfo, type VerifyDeps } from '../ports.js';
import { fieldsToInspect, MappingError, resolvePlan, type SearchPlan } from './plan.js';

/** A connected store with the search plan resolved from its mapping. */
export interface Session {
  store: LogStore;
  plan: SearchPlan;
  warnings: string[];
}

/** Why there is no session, and the server when it answered before the failure. */
export interface SessionFailure {
  failure: string;
  server: ServerInfo | null;
}

export async function openSession(
  config: Pick<VerifyConfig, 'connection' | 'scope' | 'judgement'>,
  deps: Pick<VerifyDeps, 'connect' | 'log'>,
  secrets: readonly string[],
): Promise<Session | SessionFailure> {
  let store: LogStore | null = null;
  try {
    store = await deps.connect(config.connection, secrets);
    deps.log.info(`Elasticsearch ${store.server.version} (client ${store.server.clientMajor}.x)`);
    const caps = await store.fieldCaps(config.scope.index, fieldsToInspect(config));
    const resolved = resolvePlan(config, caps);
    const { warnings } = resolved;
    const closed = await store.closedIndices(config.scope.index);
    const plan = closed.length > 0 ? { ...resolved.plan, closedIndices: closed } : resolved.plan;
    for (const w of warnings) deps.log.warning(w);
    return { store, plan, warnings };
  } catch (error) {
    await store?.close().catch(() => {});
    const message = describeError(error, secrets);
    if (!(error instanceof LogStoreError || error instanceof MappingError)) {
      deps.log.debug(`setup failed: ${message}`);
    }
    return { failure: message, server: store?.server ?? null };
  }
}
