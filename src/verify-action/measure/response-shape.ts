// An HTTP 200 is not yet a measurement: a proxy in front of the cluster (an auth
// proxy's login page, a gateway answering with an empty body or stripping what it
// does not know) can answer 200 with something else, and a missing aggregation
// read as 0 would be no logs, or no errors: a pass. So each response is checked
// against the request it answers: hits (and their total when it was tracked),
// _shards, and every aggregation asked for, at every level, with the type's
// shape. What is missing is a measurement error, decided by on-error. Pure.
import type { SearchRequest } from '../ports.js';

/** A response that does not answer the request: the check could not measure. */
class ResponseShapeError extends Error {
  override name = 'ResponseShapeError';
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const isCount = (v: unknown) => typeof v === 'number' && Number.isFinite(v);

/** What a body that is not an object is, without quoting it (it may be anything). */
function describeBody(body: unknown): string {
  if (body === null) return 'null';
  if (Array.isArray(body)) return 'an array';
  if (typeof body === 'string') {
    const head = body.trimStart();
    if (head === '') return 'an empty body';
    return head.startsWith('<') ? 'HTML' : 'text';
  }
  return typeof body;
}

const HINT = 'not what Elasticsearch answers to this search (a proxy, a login page or a gateway in between?)';

function missing(path: string, what: string): never {
  throw new ResponseShapeError(`the search response has no ${path} (${what}): ${HINT}`);
}

/** The aggregation type a request names (the one key that is not aggs/meta). */
function aggregationType(spec: Json): string {
  return Object.keys(spec).find((k) => k !== 'aggs' && k !== 'aggregations' && k !== 'meta') ?? '?';
}

/** Checks one aggregation's answer, and its sub-aggregations in each bucket. */
function checkAggregation(path: string, spec: Json, answer: unknown): void {
  const type = aggregationType(spec);
  const what = `a ${type} aggregation`;
  if (!isObject(answer)) missing(path, what);
  const subs = (spec.aggs ?? spec.aggregations) as Json | undefined;
  const checkSubs = (bucketPath: string, bucket: unknown) => {
    if (!isObject(bucket)) missing(bucketPath, `a bucket of ${what}`);
    if (subs) checkAggregations(bucketPath, subs, bucket);
  };
  switch (type) {
    case 'filter':
    case 'global':
    case 'missing':
      if (!isCount(answer.doc_count)) missing(`${path}.doc_count`, `the count of ${what}`);
      if (subs) checkAggregations(path, subs, answer);
      return;
    case 'filters': {
      const named = (spec.filters as { filters?: unknown }).filters;
      const buckets = answer.buckets;
      if (isObject(named)) {
        if (!isObject(buckets)) missing(`${path}.buckets`, `the keyed buckets of ${what}`);
        for (const key of Object.keys(named)) {
          const bucket = buckets[key];
          if (!isObject(bucket) || !isCount(bucket.doc_count))
            missing(`${path}.buckets.${key}`, `a bucket of ${what}`);
          checkSubs(`${path}.buckets.${key}`, bucket);
        }
        return;
      }
      if (!Array.isArray(buckets)) missing(`${path}.buckets`, `the buckets of ${what}`);
      buckets.forEach((b, i) => checkSubs(`${path}.buckets[${i}]`, b));
      return;
    }
    case 'terms':
    case 'date_histogram':
    case 'histogram': {
      const buckets = answer.buckets;
      if (!Array.isArray(buckets)) missing(`${path}.buckets`, `the buckets of ${what}`);
      buckets.forEach((bucket, i) => {
        const at = `${path}.buckets[${i}]`;
        if (!isObject(bucket) || !isCount(bucket.doc_count) || !('key' in bucket))
          missing(at, `a bucket of ${what}`);
        checkSubs(at, bucket);
      });
      return;
    }
    case 'top_hits': {
      const hits = answer.hits;
      if (!isObject(hits) || !Array.isArray(hits.hits)) missing(`${path}.hits.hits`, `the hits of ${what}`);
      return;
    }
    case 'min':
    case 'max':
    case 'avg':
    case 'sum':
      if (!('value' in answer) || (answer.value !== null && typeof answer.value !== 'number'))
        missing(`${path}.value`, `the value of ${what}`);
      return;
    default:
      return;
  }
}

function checkAggregations(path: string, specs: Json, answers: Json): void {
  for (const [name, spec] of Object.entries(specs)) {
    if (isObject(spec)) checkAggregation(`${path}.${name}`, spec, answers[name]);
  }
}

/** Throws a ResponseShapeError naming what of the request the response does not answer. */
export function checkResponseShape(request: SearchRequest, response: unknown): void {
  if (!isObject(response)) {
    throw new ResponseShapeError(
      `the search response is not a JSON object (${describeBody(response)}): ${HINT}`,
    );
  }
  const { body } = request;
  const shards = response._shards;
  if (!isObject(shards) || !isCount(shards.total)) missing('_shards', 'the shard counts');
  const hits = response.hits;
  if (!isObject(hits)) missing('hits', 'the hits section');
  if (body.track_total_hits === true) {
    const total = hits.total;
    if (!(isCount(total) || (isObject(total) && isCount(total.value))))
      missing('hits.total', 'the total of hits');
  }
  if (typeof body.size === 'number' && body.size > 0 && !Array.isArray(hits.hits)) {
    missing('hits.hits', 'the sampled hits');
  }
  const aggs = body.aggs as Json | undefined;
  if (aggs && Object.keys(aggs).length > 0) {
    const answers = response.aggregations;
    const first = Object.keys(aggs)[0]!;
    if (!isObject(answers))
      missing(`aggregations.${first}`, `a ${aggregationType(aggs[first] as Json)} aggregation`);
    checkAggregations('aggregations', aggs, answers);
  }
}
