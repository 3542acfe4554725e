// The GitHub API for the rollback triggers, via @actions/github's Octokit. Loaded
// lazily: most runs never roll back, and the CLI should not pay for it.
import type { GitHubApi } from '../ports.js';

export async function octokitApi(token: string, baseUrl: string): Promise<GitHubApi> {
  const { getOctokit } = await import('@actions/github');
  const octokit = getOctokit(token, { baseUrl });
  return {
    async request(route, params) {
      const response = await octokit.request(route, params);
      return { status: response.status };
    },
  };
}
