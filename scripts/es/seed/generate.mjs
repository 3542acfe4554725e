// Deterministic generator of realistic ECS application logs around a deploy: several services in two
// environments, a baseline period with a normal error rate, then a production deploy of `checkout`
// with an error storm full of upstream timeouts and failed authentications. Pure: no I/O, no clock;
// every document is tallied so callers know the exact counts Elasticsearch must report.

export const BASELINE_VERSION = '1.14.2';
export const DEPLOYED_VERSION = '1.15.0';
export const DEPLOYED_SERVICE = 'checkout';
export const DEPLOYED_ENVIRONMENT = 'production';

/** Share of the normal traffic per service. */
const SERVICES = [
  { name: DEPLOYED_SERVICE, weight: 0.3, hosts: 4, version: BASELINE_VERSION },
  { name: 'payments', weight: 0.2, hosts: 3, version: '3.2.0' },
  { name: 'catalog', weight: 0.25, hosts: 3, version: '0.48.1' },
  { name: 'search', weight: 0.15, hosts: 2, version: '5.0.3' },
  { name: 'auth-gateway', weight: 0.1, hosts: 2, version: '1.2.7' },
];
export const SERVICE_NAMES = SERVICES.map((service) => service.name);
const ENVIRONMENTS = [
  { name: 'production', weight: 0.8 },
  { name: 'staging', weight: 0.2 },
];

/** How one normalised level is spelled by the different loggers that feed the same cluster. */
const LEVEL_SPELLINGS = {
  debug: ['DEBUG', 'debug'],
  info: ['INFO', 'info', 'Info'],
  warn: ['WARN', 'warn', 'Warn'],
  error: ['ERROR', 'error', 'Error'],
  fatal: ['FATAL', 'fatal'],
  critical: ['critical', 'CRITICAL'],
};

// Normal traffic: mostly access lines, a trickle of warnings and errors (about 2 %).
const NORMAL_MIX = [
  { kind: 'http_access', level: 'info', weight: 70 },
  { kind: 'cache_miss', level: 'debug', weight: 12 },
  { kind: 'slow_query', level: 'warn', weight: 6 },
  { kind: 'payment_declined', level: 'warn', weight: 4 },
  { kind: 'retrying', level: 'info', weight: 6 },
  { kind: 'connection_refused', level: 'error', weight: 0.8 },
  { kind: 'timeout', level: 'error', weight: 0.5 },
  { kind: 'auth_failed', level: 'error', weight: 0.3 },
  { kind: 'null_pointer', level: 'error', weight: 0.3 },
  { kind: 'disk_pressure', level: 'critical', weight: 0.05 },
  { kind: 'out_of_memory', level: 'fatal', weight: 0.05 },
];

// The storm after the bad deploy: the two failure modes of the product brief plus a brand-new error.
const STORM_MIX = [
  { kind: 'timeout', level: 'error', weight: 40 },
  { kind: 'auth_failed', level: 'error', weight: 25 },
  { kind: 'auth_failed', level: 'warn', weight: 5 },
  { kind: 'undefined_currency', level: 'error', weight: 15 },
  { kind: 'connection_refused', level: 'error', weight: 8 },
  { kind: 'timeout', level: 'critical', weight: 4 },
  { kind: 'out_of_memory', level: 'fatal', weight: 3 },
];

/** Message kinds that never occur before the deploy (for the "new error messages" feature). */
export const NEW_AFTER_DEPLOY_KINDS = ['undefined_currency'];

const PATHS = ['/api/cart', '/api/checkout', '/api/orders', '/api/products', '/api/search', '/api/session'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const UPSTREAMS = ['payments-api', 'inventory-api', 'pricing-api', 'auth-api'];
const JAVA_CLASSES = ['CartService.applyCoupon', 'OrderMapper.toDto', 'PriceCalculator.total'];

/** Small, fast, seedable PRNG (mulberry32); the same seed gives the same logs on every machine. */
export function createRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)],
    weighted: (items) => {
      const total = items.reduce((sum, item) => sum + item.weight, 0);
      let roll = next() * total;
      for (const item of items) {
        roll -= item.weight;
        if (roll < 0) return item;
      }
      return items[items.length - 1];
    },
    hex: (length) => {
      let out = '';
      while (out.length < length)
        out += Math.floor(next() * 4294967296)
          .toString(16)
          .padStart(8, '0');
      return out.slice(0, length);
    },
  };
}

function renderMessage(kind, random, service) {
  const ip = `10.${random.int(0, 9)}.${random.int(0, 255)}.${random.int(1, 254)}`;
  switch (kind) {
    case 'http_access': {
      const status = random.weighted([
        { value: 200, weight: 90 },
        { value: 201, weight: 4 },
        { value: 304, weight: 3 },
        { value: 404, weight: 3 },
      ]).value;
      const method = random.pick(METHODS);
      const path = `${random.pick(PATHS)}/${random.int(1000, 99999)}`;
      return {
        message: `${ip} - - "${method} ${path} HTTP/1.1" ${status} ${random.int(120, 48000)} ${random.int(2, 900)}ms`,
        status,
        method,
        path,
      };
    }
    case 'cache_miss':
      return { message: `cache miss for key product:${random.int(1, 500000)} (ttl=${random.int(30, 600)}s)` };
    case 'slow_query':
      return {
        message: `slow query took ${random.int(1001, 9000)}ms: SELECT * FROM orders WHERE customer_id = ${random.int(1, 900000)}`,
      };
    case 'payment_declined':
      return { message: `payment declined for order ${random.int(100000, 999999)}: insufficient funds` };
    case 'retrying':
      return {
        message: `retrying request to ${random.pick(UPSTREAMS)} (attempt ${random.int(1, 3)} of 3) after ${random.int(50, 800)}ms`,
      };
    case 'connection_refused':
      return {
        message: `connection refused: dial tcp ${ip}:${random.pick([5432, 6379, 9092])}: connect: connection refused`,
        status: 503,
        errorType: 'ConnectException',
      };
    case 'timeout':
      return {
        message: `upstream request timeout after 30000ms calling ${random.pick(UPSTREAMS)} ${random.pick(PATHS)} (request_id=${random.hex(12)})`,
        status: 504,
        errorType: 'TimeoutException',
      };
    case 'auth_failed':
      return {
        message: `auth failed for user u-${random.int(10000, 99999)}: invalid token`,
        status: 401,
        errorType: 'AuthenticationException',
      };
    case 'null_pointer':
      return {
        message: `java.lang.NullPointerException at com.shop.${service}.${random.pick(JAVA_CLASSES)}(${random.pick(JAVA_CLASSES).split('.')[0]}.java:${random.int(40, 400)})`,
        status: 500,
        errorType: 'java.lang.NullPointerException',
      };
    case 'undefined_currency':
      return {
        message: `TypeError: Cannot read properties of undefined (reading 'currency') in PriceFormatter.format for cart ${random.int(100000, 999999)}`,
        status: 500,
        errorType: 'TypeError',
      };
    case 'disk_pressure':
      return {
        message: `disk usage ${random.int(95, 99)}% on /var/lib/${service} exceeds the critical threshold`,
      };
    case 'out_of_memory':
      return {
        message: `java.lang.OutOfMemoryError: Java heap space (heap ${random.int(1900, 2048)}MB of 2048MB)`,
        status: 500,
        errorType: 'java.lang.OutOfMemoryError',
      };
    default:
      throw new Error(`unknown message kind ${kind}`);
  }
}

/**
 * Plans the scenario: the time range, and how many documents fall into normal traffic and the storm.
 * @param {{docs: number, deployAt: Date, historyMinutes: number, afterMinutes: number, stormShare: number, seed: number}} options
 */
export function planScenario(options) {
  const { docs, deployAt, historyMinutes, afterMinutes, stormShare } = options;
  if (!Number.isInteger(docs) || docs < 1) throw new Error(`docs must be a positive integer, got ${docs}`);
  if (!(stormShare >= 0 && stormShare < 1))
    throw new Error(`storm share must be in [0, 1), got ${stormShare}`);
  const start = new Date(deployAt.getTime() - historyMinutes * 60_000);
  const end = new Date(deployAt.getTime() + afterMinutes * 60_000);
  const stormDocs = afterMinutes > 0 ? Math.round(docs * stormShare) : 0;
  return { ...options, start, end, stormDocs, normalDocs: docs - stormDocs };
}

/**
 * Yields the scenario's documents, in no particular time order.
 * `rolloutMinutes` after the deploy, production checkout runs both versions (a rolling update).
 */
export function* generateDocuments(plan) {
  const random = createRandom(plan.seed);
  const startMs = plan.start.getTime();
  const deployMs = plan.deployAt.getTime();
  const spanMs = plan.end.getTime() - startMs;
  const afterMs = plan.end.getTime() - deployMs;
  const rolloutMs = Math.min(2 * 60_000, afterMs);

  const versionOf = (service, environment, timestampMs) => {
    if (service.name !== DEPLOYED_SERVICE) return service.version;
    // Staging got the new version long before; production switches at the deploy.
    if (environment === 'staging' || timestampMs >= deployMs + rolloutMs) return DEPLOYED_VERSION;
    if (timestampMs < deployMs) return BASELINE_VERSION;
    const progress = (timestampMs - deployMs) / rolloutMs;
    return random.next() < progress ? DEPLOYED_VERSION : BASELINE_VERSION;
  };

  const build = (service, environment, timestampMs, entry) => {
    const rendered = renderMessage(entry.kind, random, service.name);
    const level = random.pick(LEVEL_SPELLINGS[entry.level]);
    const doc = {
      '@timestamp': new Date(timestampMs).toISOString(),
      'log.level': level,
      message: rendered.message,
      'service.name': service.name,
      'service.environment': environment,
      'service.version': versionOf(service, environment, timestampMs),
      'host.name': `${service.name}-${environment.slice(0, 4)}-${random.int(1, service.hosts)}`,
      'trace.id': random.hex(32),
      'transaction.id': random.hex(16),
      'event.dataset': `${service.name}.log`,
      'log.logger': `com.shop.${service.name}.${entry.kind}`,
      'ecs.version': '8.11.0',
    };
    if (rendered.status !== undefined) doc['http.response.status_code'] = rendered.status;
    if (rendered.method !== undefined) doc['http.request.method'] = rendered.method;
    if (rendered.path !== undefined) doc['url.path'] = rendered.path;
    if (rendered.errorType !== undefined) doc['error.type'] = rendered.errorType;
    return { doc, kind: entry.kind, level: entry.level };
  };

  for (let i = 0; i < plan.normalDocs; i++) {
    const service = random.weighted(SERVICES);
    const environment = random.weighted(ENVIRONMENTS).name;
    const timestampMs = startMs + Math.floor(random.next() * spanMs);
    yield build(service, environment, timestampMs, random.weighted(NORMAL_MIX));
  }
  const checkout = SERVICES[0];
  for (let i = 0; i < plan.stormDocs; i++) {
    const timestampMs = deployMs + Math.floor(random.next() * afterMs);
    yield build(checkout, DEPLOYED_ENVIRONMENT, timestampMs, random.weighted(STORM_MIX));
  }
}

/**
 * Counts what was generated, in every cut a test may need to assert: one row per (minute, window,
 * service, environment, version, level as written, normalised level, message kind).
 */
export function createTally(plan) {
  const rows = new Map();
  const deployMs = plan.deployAt.getTime();
  return {
    add({ doc, kind, level }) {
      const minute = doc['@timestamp'].slice(0, 16) + ':00.000Z';
      // The deploy minute holds documents of both windows.
      const window = Date.parse(doc['@timestamp']) < deployMs ? 'baseline' : 'afterDeploy';
      const key = [
        minute,
        window,
        doc['service.name'],
        doc['service.environment'],
        doc['service.version'],
        doc['log.level'],
        level,
        kind,
      ].join('\u0000');
      const row = rows.get(key);
      if (row) row.count++;
      else
        rows.set(key, {
          minute,
          window,
          service: doc['service.name'],
          environment: doc['service.environment'],
          version: doc['service.version'],
          levelAsWritten: doc['log.level'],
          level,
          kind,
          count: 1,
        });
    },
    rows: () => [...rows.values()].sort((a, b) => (a.minute < b.minute ? -1 : a.minute > b.minute ? 1 : 0)),
  };
}

/** Sums tally rows by one or more of their properties, e.g. sumBy(rows, 'service', 'level'). */
export function sumBy(rows, ...keys) {
  const out = {};
  for (const row of rows) {
    let node = out;
    keys.forEach((key, index) => {
      const value = row[key];
      if (index === keys.length - 1) node[value] = (node[value] ?? 0) + row.count;
      else node = node[value] ??= {};
    });
  }
  return out;
}
