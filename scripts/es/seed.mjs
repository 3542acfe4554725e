#!/usr/bin/env node
// Seeds a test Elasticsearch node with realistic ECS logs around a deploy (see seed/generate.mjs) and
// prints, as JSON, exactly what it wrote, so tests can assert exact counts.
//
//   node scripts/es/seed.mjs [--url http://127.0.0.1:9200] [--docs 60000] [--deploy-at <iso>]
//        [--history-minutes 40] [--after-minutes 10] [--storm-share 0.25] [--seed 42]
//        [--index-prefix logs] [--message-type auto|text|match_only_text|keyword] [--message-keyword]
//        [--batch 5000] [--concurrency 3] [--summary-file path] [--keep-existing] [--allow-remote]
//        [--username u --password p | --api-key k | --bearer-token t] [--ca-cert path]
//
// The indices are `<prefix>-<service>-YYYY.MM.DD`; unless --keep-existing, every existing index
// matching `<prefix>-*` is deleted first so counts over that pattern are exact. Only loopback URLs are
// accepted unless --allow-remote, since seeding deletes indices.
import { writeFileSync } from 'node:fs';
import { URL, pathToFileURL } from 'node:url';
import {
  BASELINE_VERSION,
  DEPLOYED_ENVIRONMENT,
  DEPLOYED_SERVICE,
  DEPLOYED_VERSION,
  NEW_AFTER_DEPLOY_KINDS,
  SERVICE_NAMES,
  createTally,
  generateDocuments,
  planScenario,
  sumBy,
} from './seed/generate.mjs';
import { indexName, plannedIndices, templateBody } from './seed/indices.mjs';
import { createElasticsearch } from './seed/elasticsearch.mjs';

const DEFAULTS = {
  url: process.env.BXG_ES8_URL ?? 'http://127.0.0.1:9200',
  docs: 60_000,
  deployAt: undefined,
  historyMinutes: 40,
  afterMinutes: 10,
  stormShare: 0.25,
  seed: 42,
  indexPrefix: 'logs',
  messageType: 'auto',
  messageKeyword: false,
  batch: 5_000,
  concurrency: 3,
  summaryFile: undefined,
  keepExisting: false,
  allowRemote: false,
  username: process.env.BXG_ES_USERNAME,
  password: process.env.BXG_ES_PASSWORD,
  apiKey: process.env.BXG_ES_API_KEY,
  bearerToken: process.env.BXG_ES_BEARER_TOKEN,
  caCert: process.env.BXG_ES_CA_CERT,
};

const FLAGS = {
  '--url': ['url', String],
  '--docs': ['docs', positiveInteger],
  '--deploy-at': ['deployAt', isoDate],
  '--history-minutes': ['historyMinutes', nonNegativeNumber],
  '--after-minutes': ['afterMinutes', nonNegativeNumber],
  '--storm-share': ['stormShare', nonNegativeNumber],
  '--seed': ['seed', positiveInteger],
  '--index-prefix': ['indexPrefix', indexPrefix],
  '--message-type': ['messageType', oneOf('auto', 'text', 'match_only_text', 'keyword')],
  '--message-keyword': ['messageKeyword', true],
  '--batch': ['batch', positiveInteger],
  '--concurrency': ['concurrency', positiveInteger],
  '--summary-file': ['summaryFile', String],
  '--keep-existing': ['keepExisting', true],
  '--allow-remote': ['allowRemote', true],
  '--username': ['username', String],
  '--password': ['password', String],
  '--api-key': ['apiKey', String],
  '--bearer-token': ['bearerToken', String],
  '--ca-cert': ['caCert', String],
};

function positiveInteger(text, flag) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${flag} expects a positive integer, got '${text}'`);
  return value;
}
function nonNegativeNumber(text, flag) {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${flag} expects a number >= 0, got '${text}'`);
  return value;
}
function isoDate(text, flag) {
  const value = new Date(text);
  if (Number.isNaN(value.getTime())) throw new Error(`${flag} expects an ISO 8601 time, got '${text}'`);
  return value;
}
function indexPrefix(text, flag) {
  if (!/^[a-z0-9][a-z0-9_.-]*$/.test(text))
    throw new Error(`${flag} expects a lowercase index name prefix (a-z, 0-9, _ . -), got '${text}'`);
  return text;
}
function oneOf(...allowed) {
  return (text, flag) => {
    if (!allowed.includes(text))
      throw new Error(`${flag} expects one of ${allowed.join(', ')}, got '${text}'`);
    return text;
  };
}

export function parseSeedArgs(argv, now = new Date()) {
  const options = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const spec = FLAGS[argv[i]];
    if (!spec) throw new Error(`unknown option '${argv[i]}'; options: ${Object.keys(FLAGS).join(' ')}`);
    const [key, parse] = spec;
    if (parse === true) options[key] = true;
    else {
      const text = argv[++i];
      if (text === undefined) throw new Error(`${argv[i - 1]} expects a value`);
      options[key] = parse(text, argv[i - 1]);
    }
  }
  options.deployAt ??= new Date(now.getTime() - 10 * 60_000);
  return options;
}

function isLoopback(url) {
  const host = new URL(url).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

async function putTemplate(es, prefix, options) {
  const name = `${prefix}-seed`;
  const types = options.messageType === 'auto' ? ['match_only_text', 'text'] : [options.messageType];
  for (const messageType of types) {
    const response = await es.request(
      'PUT',
      `/_index_template/${name}`,
      templateBody(prefix, { ...options, messageType }),
    );
    if (response.status === 200) return messageType;
    const unsupported = response.status === 400 && response.text.includes('match_only_text');
    if (!(unsupported && options.messageType === 'auto'))
      throw new Error(
        `Elasticsearch at ${es.where} refused index template ${name}: ${response.text.slice(0, 500)}`,
      );
  }
  throw new Error('unreachable');
}

async function deleteExisting(es, prefix) {
  const found = await es.call(
    'GET',
    `/_cat/indices/${encodeURIComponent(`${prefix}-*`)}?format=json&h=index`,
  );
  const names = (found ?? []).map((row) => row.index).filter((name) => name.startsWith(`${prefix}-`));
  // Explicit names, never a wildcard: a real cluster refuses wildcard deletes, and so should we.
  for (let i = 0; i < names.length; i += 50) {
    await es.call('DELETE', `/${names.slice(i, i + 50).join(',')}`);
  }
  return names;
}

/** Sends the documents in bulk batches, `concurrency` requests in flight. */
async function bulkLoad(es, documents, { prefix, batch, concurrency, tally, onProgress }) {
  let written = 0;
  const inFlight = new Set();
  const send = async (body, count) => {
    const result = await es.call(
      'POST',
      '/_bulk?filter_path=errors,items.*.error',
      body,
      'application/x-ndjson',
    );
    if (result?.errors) {
      const first = result.items?.find((item) => Object.values(item)[0]?.error);
      throw new Error(`bulk indexing failed: ${JSON.stringify(first)}`);
    }
    written += count;
    onProgress(written);
  };
  let lines = [];
  let count = 0;
  for (const generated of documents) {
    tally.add(generated);
    const index = indexName(prefix, generated.doc['service.name'], generated.doc['@timestamp']);
    lines.push(`{"create":{"_index":"${index}"}}`, JSON.stringify(generated.doc));
    if (++count === batch) {
      const pending = send(lines.join('\n') + '\n', count).finally(() => inFlight.delete(pending));
      inFlight.add(pending);
      lines = [];
      count = 0;
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
  }
  if (count > 0) inFlight.add(send(lines.join('\n') + '\n', count));
  await Promise.all(inFlight);
  return written;
}

function summarise(plan, rows) {
  const inDeployedService = rows.filter(
    (row) => row.service === DEPLOYED_SERVICE && row.environment === DEPLOYED_ENVIRONMENT,
  );
  const windowSummary = (window) => {
    const windowRows = inDeployedService.filter((row) => row.window === window);
    return {
      total: windowRows.reduce((sum, row) => sum + row.count, 0),
      byLevel: sumBy(windowRows, 'level'),
      byLevelAsWritten: sumBy(windowRows, 'levelAsWritten'),
      byKind: sumBy(windowRows, 'kind'),
      byVersion: sumBy(windowRows, 'version'),
    };
  };
  return {
    totals: {
      byService: sumBy(rows, 'service'),
      byEnvironment: sumBy(rows, 'environment'),
      byLevel: sumBy(rows, 'level'),
      byLevelAsWritten: sumBy(rows, 'levelAsWritten'),
      byWindow: sumBy(rows, 'window'),
    },
    deployedService: {
      service: DEPLOYED_SERVICE,
      environment: DEPLOYED_ENVIRONMENT,
      baseline: windowSummary('baseline'),
      afterDeploy: windowSummary('afterDeploy'),
    },
  };
}

/**
 * Seeds the node and returns the summary: parameters, indices, timings and exact counts, including
 * `rows`: one count per (minute, window, service, environment, version, level as written, level, kind).
 */
export async function seedLogs(options, log = (line) => process.stderr.write(`${line}\n`)) {
  if (!options.allowRemote && !isLoopback(options.url))
    throw new Error(
      `refusing to seed ${options.url}: seeding deletes indices, so only loopback URLs are accepted without --allow-remote`,
    );
  const es = createElasticsearch({ ...options, caCertPath: options.caCert });
  try {
    const plan = planScenario(options);
    const prefix = options.indexPrefix;
    const deleted = options.keepExisting ? [] : await deleteExisting(es, prefix);
    const messageType = await putTemplate(es, prefix, options);
    const indices = plannedIndices(prefix, SERVICE_NAMES, plan.start, plan.end);
    for (const index of indices) {
      // Created up front with refresh off: much faster bulk loads; refreshed once at the end.
      const response = await es.request('PUT', `/${index}`, { settings: { 'index.refresh_interval': '-1' } });
      if (response.status !== 200 && !response.text.includes('resource_already_exists_exception'))
        throw new Error(`could not create index ${index}: ${response.text.slice(0, 300)}`);
    }
    const indexPattern = `${prefix}-*`;
    // Refreshed first, so that documents another run left behind (--keep-existing) are all counted.
    await es.call('POST', `/${indexPattern}/_refresh`);
    const before = (await es.call('GET', `/${indexPattern}/_count`)).count;
    const tally = createTally(plan);
    const started = Date.now();
    let lastReport = started;
    const written = await bulkLoad(es, generateDocuments(plan), {
      prefix,
      batch: options.batch,
      concurrency: options.concurrency,
      tally,
      onProgress: (count) => {
        if (Date.now() - lastReport > 5000) {
          lastReport = Date.now();
          log(`seed: ${count} of ${options.docs} documents written`);
        }
      },
    });
    await es.call('PUT', `/${indexPattern}/_settings`, { 'index.refresh_interval': null });
    await es.call('POST', `/${indexPattern}/_refresh`);
    const tookMs = Date.now() - started;
    const counted = await es.call('GET', `/${indexPattern}/_count`);
    if (counted.count !== before + written)
      throw new Error(
        `Elasticsearch counts ${counted.count} documents in ${indexPattern}, but ${before} were there and ${written} were written`,
      );
    const rows = tally.rows();
    return {
      url: options.url,
      indexPattern,
      indices,
      deletedIndices: deleted,
      messageField: { type: messageType, keywordSubfield: options.messageKeyword ? 'message.keyword' : null },
      seed: options.seed,
      docs: written,
      normalDocs: plan.normalDocs,
      stormDocs: plan.stormDocs,
      start: plan.start.toISOString(),
      deployAt: plan.deployAt.toISOString(),
      end: plan.end.toISOString(),
      baselineVersion: BASELINE_VERSION,
      deployedVersion: DEPLOYED_VERSION,
      newAfterDeployKinds: NEW_AFTER_DEPLOY_KINDS,
      tookMs,
      docsPerSecond: Math.round(written / (tookMs / 1000)),
      ...summarise(plan, rows),
      rows,
    };
  } finally {
    es.close();
  }
}

const USAGE = `usage: node scripts/es/seed.mjs [options]
  --url <url>               node to seed (default $BXG_ES8_URL or http://127.0.0.1:9200)
  --docs <n>                documents to write (default 60000)
  --deploy-at <iso time>    the deploy (default ten minutes ago)
  --history-minutes <n>     baseline period before the deploy (default 40)
  --after-minutes <n>       period after the deploy (default 10)
  --storm-share <0..1>      share of the documents that are the post-deploy error storm (default 0.25)
  --seed <n>                random seed (default 42)
  --index-prefix <prefix>   indices <prefix>-<service>-YYYY.MM.DD (default logs); <prefix>-* is replaced
  --message-type <type>     auto | text | match_only_text | keyword (default auto)
  --message-keyword         add a message.keyword subfield
  --batch <n>, --concurrency <n>   bulk request size and parallelism (default 5000, 3)
  --summary-file <path>     also write the summary with per-minute rows
  --keep-existing           do not delete existing <prefix>-* indices
  --allow-remote            allow a non-loopback URL
  --username/--password, --api-key, --bearer-token, --ca-cert   credentials and CA for a secured node`;

async function main() {
  if (process.argv.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let options;
  try {
    options = parseSeedArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`seed.mjs: ${error.message}\n`);
    process.exit(2);
  }
  const summary = await seedLogs(options);
  if (options.summaryFile) writeFileSync(options.summaryFile, JSON.stringify(summary, null, 2));
  const { rows: _rows, ...printed } = summary;
  process.stdout.write(`${JSON.stringify(printed, null, 2)}\n`);
  process.stderr.write(
    `seed: ${summary.docs} documents into ${summary.indexPattern} in ${(summary.tookMs / 1000).toFixed(1)}s (${summary.docsPerSecond} docs/s)\n`,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error) => {
    process.stderr.write(`seed.mjs: ${error.message}\n`);
    process.exit(1);
  });
}
