// What the copy of @actions/http-client that @actions/cache and @actions/core use gets for
// `undici` (scripts/bundle.mjs). http-client imports undici for ProxyAgent alone, which it builds
// only in getAgentDispatcher(), for fetch-based clients; @actions/cache and @actions/core never
// call it (they send requests through node:http, with `tunnel` behind a proxy). Loading undici
// cost about 77 ms of CPU (30 ms to parse, 47 ms to evaluate) in every build with history, on the
// core buildx runs on. A test checks that neither package calls getAgentDispatcher().
export class ProxyAgent {
  constructor() {
    throw new Error(
      "buildx-gate bundles @actions/cache's @actions/http-client without undici: getAgentDispatcher() is not available",
    );
  }
}
