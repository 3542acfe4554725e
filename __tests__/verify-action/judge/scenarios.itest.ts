// The verify gate's judgement on real log lines (the shared corpus's tuned
// systems: a test that fails steers the rules, so it never reads the report-only
// ones, which bench/verify-scenarios.mjs measures once), seeded as ECS documents into Elasticsearch 8 around a deploy: every
// decision right, and new kinds of error found with precision and recall >= 0.95.
// bench/verify-scenarios.mjs measures every system, side by side with 03d1a15.
// Skips when the corpus (../shared/corpus/logs) is absent.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ES8_URL, waitForElasticsearch } from '../../support/es-env.js';
import {
  buildScenarios,
  MINUTE,
  readSystem,
  scenarioInputs,
  score,
  seedScenarios,
  TUNED,
  type DeployScenario,
  type ScenarioOutcome,
} from '../../support/deploy-scenarios.js';
import { readInputs } from '../../../src/verify-action/config/inputs.js';
import { runVerification } from '../../../src/verify-action/run.js';
import { realDeps } from '../itest-helpers.js';

const corpus = TUNED.map((system) => [system, readSystem(system)] as const);
const present = corpus.every(([, lines]) => lines !== null);
const INDEX = `bxgtest-i7-scenarios-${Math.random().toString(36).slice(2, 8)}`;
const deployAt = Math.floor(Date.now() / MINUTE) * MINUTE - 20 * MINUTE;
let scenarios: DeployScenario[] = [];

(present ? describe : describe.skip)('deploy scenarios on real log lines (tuned systems)', () => {
  beforeAll(async () => {
    await waitForElasticsearch('8');
    scenarios = corpus.flatMap(([system, lines]) =>
      buildScenarios(system, lines!, deployAt, { repeats: { 'new-kind': 3 } }),
    );
    await seedScenarios(ES8_URL, INDEX, scenarios);
  }, 120_000);
  afterAll(async () => {
    await fetch(`${ES8_URL}/${INDEX}`, { method: 'DELETE' }).catch(() => {});
  });

  it('decides every scenario right and finds the new kinds, and only them', async () => {
    const outcomes: ScenarioOutcome[] = [];
    for (const scenario of scenarios) {
      const inputs = scenarioInputs(ES8_URL, INDEX, scenario, deployAt);
      const config = readInputs((n) => inputs[n] ?? '', { now: deployAt, env: {} });
      const report = await runVerification(config, realDeps(deployAt));
      outcomes.push({
        scenario,
        decision: report.decision,
        newExamples: report.newErrors.map((m) => m.message),
        latenciesMs: report.performance.checkLatencyMs,
        roundTrips: report.performance.checkRoundTrips,
        aaNewKinds: report.aa?.newKindCount ?? null,
      });
    }
    const result = score(outcomes);
    expect(result.wrong).toEqual([]);
    expect(result.decisionsRight).toBe(scenarios.length);
    expect(result.precision).toBeGreaterThanOrEqual(0.95);
    expect(result.recall).toBeGreaterThanOrEqual(0.95);
    // The A/A check ran on every scenario, and called a kind new between the baseline's halves
    // (where nothing changed) in at most 5% of them.
    // (Not judged where the window held no error to judge: no template search is made then.)
    const judged = outcomes.filter((o) => o.aaNewKinds !== null && o.aaNewKinds !== undefined);
    console.log(
      `A/A: judged in ${judged.length} of ${outcomes.length} scenarios, new kinds in ${
        judged
          .filter((o) => o.aaNewKinds! > 0)
          .map((o) => o.scenario.service)
          .join(', ') || 'none'
      }`,
    );
    expect(judged.length).toBeGreaterThanOrEqual(outcomes.length * 0.9);
    const noisy = judged.filter((o) => o.aaNewKinds! > 0).length;
    expect(noisy / judged.length).toBeLessThanOrEqual(0.05);
    // One or two round trips per check: the counts, then the template counts.
    expect(Math.max(...outcomes.flatMap((o) => o.roundTrips))).toBeLessThanOrEqual(2);
  });
});
