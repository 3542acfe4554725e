// Build secrets as build-push-action passes them to buildx: the plan, and the --secret values
// (buildx/secrets.ts).
import { describe, it, expect } from '@jest/globals';
import { readInputs } from '../../../src/build-action/inputs.js';
import { materializeSecrets, planSecrets, secretValues } from '../../../src/build-action/buildx/secrets.js';

describe('secrets', () => {
  const inputs = (values: Record<string, string>) => readInputs((name) => values[name] ?? '');

  it('plans env, value and file secrets, and the GitHub token for the Git context only', () => {
    const plans = planSecrets(
      inputs({
        secrets: 'A=1',
        'secret-envs': 'B=ENV_B',
        'secret-files': 'C=./c.txt',
        'github-token': 'ghs_t',
      }),
      {
        contextIsDefaultGit: true,
        serverHost: 'github.com',
      },
    );
    expect(plans.map((p) => [p.id, p.source.kind, p.input])).toEqual([
      ['B', 'env', 'secret-envs'],
      ['A', 'value', 'secrets'],
      ['C', 'file', 'secret-files'],
      ['GIT_AUTH_TOKEN.github.com', 'value', 'github-token'],
    ]);
    expect(secretValues(plans)).toEqual(['1', 'ghs_t']);
    expect(
      planSecrets(inputs({ 'github-token': 'ghs_t' }), {
        contextIsDefaultGit: false,
        serverHost: 'github.com',
      }),
    ).toEqual([]);
    expect(
      planSecrets(inputs({ 'github-token': 'ghs_t', secrets: 'GIT_AUTH_TOKEN=mine' }), {
        contextIsDefaultGit: true,
        serverHost: 'github.com',
      }).map((p) => p.id),
    ).toEqual(['GIT_AUTH_TOKEN']);
  });

  it("keeps the value after = as build-push-action does: commas and inner spaces, not the line's outer spaces", async () => {
    const written: string[] = [];
    const specs = await materializeSecrets(
      planSecrets(inputs({ secrets: 'K= a, b ' }), { contextIsDefaultGit: false, serverHost: 'github.com' }),
      {
        writeSecret: async (_id, value) => {
          written.push(value);
          return '/tmp/s1';
        },
        fileExists: async () => true,
      },
    );
    expect(written).toEqual([' a, b']);
    expect(specs).toEqual(['id=K,src=/tmp/s1']);
  });
});
