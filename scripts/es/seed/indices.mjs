// Index layout of the seeded logs: time-based indices `<prefix>-<service>-YYYY.MM.DD`, one composable
// template with an ECS mapping. (Data streams would need the data-streams module to be deleted again,
// which the test node lacks; daily indices are what Logstash and older Beats write anyway.)

export function indexName(prefix, service, timestamp) {
  return `${prefix}-${service}-${timestamp.slice(0, 10).replaceAll('-', '.')}`;
}

/** Every index the scenario writes to: one per service and UTC day in [start, end]. */
export function plannedIndices(prefix, services, start, end) {
  const names = new Set();
  for (
    let day = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
    day <= end.getTime();
    day += 86_400_000
  ) {
    for (const service of services) names.add(indexName(prefix, service, new Date(day).toISOString()));
  }
  return [...names];
}

/**
 * The ECS mapping. ECS maps `message` as match_only_text (from the mapper-extras module); where the
 * server lacks it, plain text behaves the same for phrase matches. `message.keyword` exists only on
 * request, since ECS has none and the verify action must cope without it.
 */
export function templateBody(prefix, { messageType, messageKeyword }) {
  const keyword = { type: 'keyword', ignore_above: 1024 };
  return {
    index_patterns: [`${prefix}-*`],
    // Above the built-in logs-*-* template (priority 100) of a full distribution, which would turn
    // these indices into data streams.
    priority: 500,
    template: {
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: {
        dynamic: false,
        properties: {
          '@timestamp': { type: 'date' },
          message: {
            type: messageType,
            // A keyword-only message (some pipelines map it so): one term per line, no phrases.
            ...(messageType === 'keyword' ? { ignore_above: 8191 } : {}),
            ...(messageKeyword ? { fields: { keyword: { type: 'keyword', ignore_above: 2048 } } } : {}),
          },
          log: { properties: { level: keyword, logger: keyword } },
          service: { properties: { name: keyword, environment: keyword, version: keyword } },
          host: { properties: { name: keyword } },
          trace: { properties: { id: keyword } },
          transaction: { properties: { id: keyword } },
          event: { properties: { dataset: keyword } },
          error: { properties: { type: keyword } },
          ecs: { properties: { version: keyword } },
          http: {
            properties: {
              request: { properties: { method: keyword } },
              response: { properties: { status_code: { type: 'long' } } },
            },
          },
          url: { properties: { path: keyword } },
        },
      },
    },
  };
}
