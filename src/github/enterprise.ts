// GitHub Enterprise Server (GHES): what the run's host means for the action. Pure: every function
// takes the step's environment (GITHUB_SERVER_URL, GITHUB_API_URL) and the inputs as plain values.
// - Workflow artifacts: @actions/artifact v2+ throws GHESNotSupportedError on GHES, so artifacts,
//   and with them the plan/publish fan-out, do not work there (the cache does: v1 service).
// - The server repository (gotify/server, Flow/server) lives on github.com, not on the GHES host:
//   a second API client reaches it, with the job token only when it is the run's own API (as
//   actions/setup-go does with its github.com token).

/** github.com's REST API root: where a server repository is looked up from a GHES run by default. */
export const GITHUB_COM_API = 'https://api.github.com';

/**
 * Is the run on GitHub Enterprise Server? @actions/artifact's and @actions/cache's own rule
 * (`isGhes()` in their shared config): a GITHUB_SERVER_URL host that is not github.com, not
 * `*.ghe.com` (GitHub Enterprise Cloud with data residency) and not `*.localhost`. Unset:
 * github.com. A value that is not a URL throws in the library; here it is github.com's answer
 * too (the runner always sets a URL).
 */
export function isGhes(serverUrl: string | undefined): boolean {
  let host: string;
  try {
    host = new URL(serverUrl || 'https://github.com').hostname.trimEnd().toUpperCase();
  } catch {
    return false;
  }
  return host !== 'GITHUB.COM' && !host.endsWith('.GHE.COM') && !host.endsWith('.LOCALHOST');
}

/** Is the run on github.com itself (not GHES, not `*.ghe.com`)? */
export function isGitHubDotCom(serverUrl: string | undefined): boolean {
  try {
    return new URL(serverUrl || 'https://github.com').hostname.toLowerCase() === 'github.com';
  } catch {
    return false;
  }
}

/** An API root without its trailing slashes, for comparing two of them. */
function apiRoot(url: string): string {
  return url.replace(/\/+$/, '');
}

export interface ServerApi {
  /** The API root the server repository is read from. */
  url: string;
  /** The token sent there; undefined: anonymous (60 requests an hour per IP on github.com). */
  token?: string;
  /** Where the URL and the token came from, for the log (no secret). */
  why: string;
}

/**
 * Where the server repository is read from, and with which token:
 * - `server-api-url` given: that; else the run's API (GITHUB_API_URL) when the run is on
 *   github.com, else github.com's API (on GHES and ghe.com the server repository is on github.com;
 *   a mirror on the run's host takes the `github.api_url` context as server-api-url).
 * - `server-token` given: that; else github-token only when the server API is the run's own API
 *   (the job token of a GHES or ghe.com run means nothing to github.com, and is never sent to
 *   another host); else none.
 */
export function serverApi(args: {
  env: Readonly<Record<string, string | undefined>>;
  serverApiUrl?: string;
  serverToken?: string;
  token?: string;
}): ServerApi {
  const { env } = args;
  const runApi = apiRoot(env.GITHUB_API_URL || GITHUB_COM_API);
  const url = apiRoot(args.serverApiUrl ?? (isGitHubDotCom(env.GITHUB_SERVER_URL) ? runApi : GITHUB_COM_API));
  const from =
    args.serverApiUrl !== undefined
      ? 'server-api-url'
      : url === runApi
        ? "the run's API"
        : `github.com (the run is on ${hostOf(env.GITHUB_SERVER_URL)}; set server-api-url for a server repository there)`;
  if (args.serverToken !== undefined) return { url, token: args.serverToken, why: `${from}, server-token` };
  if (url === runApi && args.token !== undefined)
    return { url, token: args.token, why: `${from}, github-token` };
  return {
    url,
    why: `${from}, no token${url === runApi ? '' : " (github-token is for the run's host only; set server-token for more than 60 requests an hour)"}`,
  };
}

function hostOf(url: string | undefined): string {
  try {
    return new URL(url || 'https://github.com').host;
  } catch {
    return String(url);
  }
}

/**
 * What cannot work on GHES, as the input and the message an InputError gives, before anything
 * runs; undefined when nothing is refused. `uploadArtifacts` is the input as written (`auto` is
 * its default: off on GHES, with a notice).
 */
export function ghesRefusal(args: {
  serverUrl: string | undefined;
  mode: string;
  uploadArtifacts: 'auto' | 'true' | 'false';
}): { input: string; message: string } | undefined {
  if (!isGhes(args.serverUrl)) return undefined;
  const host = hostOf(args.serverUrl);
  const why = `needs GitHub's workflow artifact service, which @actions/artifact does not support on GitHub Enterprise Server (${host})`;
  if (args.mode === 'plan' || args.mode === 'publish') {
    return {
      input: 'mode',
      message: `"${args.mode}" ${why}. Build every server release in one step with server-versions (mode: build), or add new server releases to a release with mode: follow`,
    };
  }
  if (args.uploadArtifacts === 'true') {
    return {
      input: 'upload-artifacts',
      message: `"true" ${why}. Leave it at its default (auto: off on GitHub Enterprise Server; the plugins still go to the release) or write false`,
    };
  }
  return undefined;
}

/** The notice of a GHES run whose upload-artifacts is at its default (auto), or undefined. */
export function ghesArtifactsNotice(
  serverUrl: string | undefined,
  uploadArtifacts: string,
): string | undefined {
  if (!isGhes(serverUrl) || uploadArtifacts !== 'auto') return undefined;
  return `GitHub Enterprise Server (${hostOf(serverUrl)}): no workflow artifacts (upload-artifacts: auto), as @actions/artifact does not support GHES; the plugins are in output-dir and go to the release as usual.`;
}

/** The host of a git server URL when it needs a `.netrc` line for Go (not github.com), else undefined. */
export function netrcHostFor(gitServer: string): string | undefined {
  try {
    const u = new URL(gitServer);
    return u.hostname.toLowerCase() === 'github.com' ? undefined : u.hostname;
  } catch {
    return undefined;
  }
}
