// History's front door: the one module the rest of the build action, and the CLI, import from
// history/ (eslint.config.js holds them to it). History keeps a record of every build in a store
// between builds, to name what broke the cache (blame) and to tell whether a pull request made
// the build slower than the default branch (regression gates). One build's history is one
// session: startHistory() before buildx runs, finish() after it.
//
//   session.ts       one build's history, start to finish
//   action-plan.ts   the build action's plan for it: who this build is, where its records live
//   job-rows.ts      the builds of one job, folded into one table
//   render.ts        history in words: a job-summary section and annotations
//   record/          what a record is and what it tells: fingerprints, blame, regression
//   store/           how records travel: the Actions cache, its worker process, a directory
//
// Not through here: the post step imports store/worker-join.ts itself (a barrel import would make
// esbuild load all of history into the post step: +48 KiB, measured), and scripts/bundle.mjs names the cache worker's entry point
// (store/cache-worker-index.ts) and the undici stand-in (store/no-undici.ts) itself; nothing
// imports them.

// A build's history: its plan, its start, what it finds.
export { startHistory, type HistoryResult, type HistorySession } from './session.js';
export { planActionHistory, type ActionHistoryContext } from './action-plan.js';
export { addJobRow } from './job-rows.js';
export { describeCause, historyAnnotations, renderHistorySection, type JobRow } from './render.js';

// The size of a local build context on disk (.dockerignore applied), for the max-context-size gate.
export { measureContext, type ContextMeasure } from './record/context-files.js';

// The regression gates' settings (their inputs are parsed by src/shared/growth-limits.ts).
export type { RegressionSettings } from './record/regression.js';

// Where records live: a directory (the CLI), or the Actions cache through the worker (the action,
// whose post step joins the worker).
export type { StoreFactory } from './store/store.js';
export { directoryStore } from './store/directory-store.js';
export { recordPrefix, recordVariant } from './store/record-keys.js';
export { cacheWorkerStores } from './store/cache-worker-store.js';
export type { WorkerHandle } from './store/cache-worker-process.js';
