// The run's two GitHub API clients: the plugin's repository on the run's own API (GITHUB_API_URL,
// github-token), and the server repository (its releases, files and binaries) on server-api-url
// with server-token (github.com's API from a GitHub Enterprise Server run). One client serves
// both when they are the same API and token.
import type { Octokit } from '@octokit/rest';
import type { ActionConfig } from '../inputs';
import type { RunEnv } from '../toolkit';
import { createGitHubClient, type GitHubClientOptions } from './client';

export interface GitHubClients {
  /** The plugin's repository: its releases, the release writes. */
  plugin: Octokit;
  /** The server repository: releases, GO_VERSION, go.mod, the server binaries for verify. */
  server: Octokit;
}

export function createClients(
  config: Pick<ActionConfig, 'token' | 'serverApi'>,
  env: RunEnv,
  options: Partial<GitHubClientOptions>,
): GitHubClients {
  const plugin = createGitHubClient({
    ...options,
    ...(config.token !== undefined && { token: config.token }),
    ...(env.GITHUB_API_URL && { baseUrl: env.GITHUB_API_URL }),
  });
  const runApi = (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, '');
  const { serverApi } = config;
  if (serverApi.url === runApi && serverApi.token === config.token) return { plugin, server: plugin };
  const server = createGitHubClient({
    ...options,
    ...(serverApi.token !== undefined && { token: serverApi.token }),
    baseUrl: serverApi.url,
  });
  return { plugin, server };
}
