// Errors from the GitHub side, and turning Octokit's HTTP errors into messages that say what
// to do. The client (client.ts) raises the timeout and rate-limit errors; the adapters call
// explainGitHubError with what they were doing.

/** The shape of Octokit's RequestError (name "HttpError"), without importing its package. */
export interface HttpErrorLike extends Error {
  status: number;
  response?: { headers: Record<string, string | number | undefined>; data?: unknown };
}

export function isHttpError(e: unknown): e is HttpErrorLike {
  return e instanceof Error && typeof (e as { status?: unknown }).status === 'number';
}

/**
 * What is wrong with a GITHUB_API_URL value (undefined: nothing; unset is fine). The runner sets
 * it; a step's `env:` can override it. The value is shown as a short excerpt.
 */
export function apiUrlProblem(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  let ok: boolean;
  try {
    const u = new URL(value);
    ok = (u.protocol === 'https:' || u.protocol === 'http:') && u.host !== '';
  } catch {
    ok = false;
  }
  if (ok) return undefined;
  return (
    `GITHUB_API_URL "${excerpt(value, 60)}" is not an http(s) URL. The runner sets it (https://api.github.com, ` +
    "or https://HOST/api/v3 on GitHub Enterprise Server): remove it from the step's env, or write the API root there."
  );
}

/** The API answered 2xx with a body that is not the JSON the call expects. Never retried. */
export class GitHubInvalidResponseError extends Error {
  override name = 'GitHubInvalidResponseError';
}

/** A request that never got an HTTP answer (connection refused, DNS failure, TLS, reset). */
export function isUnreachable(e: HttpErrorLike): boolean {
  return e.status === 500 && !e.response;
}

/** The API root a failed request went to (`https://api.github.com`), for messages. */
export function apiRootOf(e: unknown): string | undefined {
  const url = (e as { request?: { url?: unknown } }).request?.url;
  if (typeof url !== 'string') return undefined;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return undefined;
  }
}

/** A short excerpt of text from elsewhere (a response body): one line, at most `max` characters. */
export function excerpt(text: string, max = 80): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 3)}...` : one;
}

/** Text with every occurrence of the secrets replaced by `***` (servers may echo a token back). */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}

/**
 * The API accepted the connection and sent nothing back (not even a status line), on every
 * attempt. Said as such - never as an answer GitHub did not give. Never retried further.
 */
export class GitHubNoAnswerError extends Error {
  override name = 'GitHubNoAnswerError';
}

/** The run's total time bound for GitHub calls was used up. Never retried. */
export class GitHubTimeoutError extends Error {
  override name = 'GitHubTimeoutError';
}

/** The primary rate limit is used up; waiting for it is not worth a CI job's time. */
export class GitHubRateLimitError extends Error {
  override name = 'GitHubRateLimitError';
  constructor(
    readonly resetAt: Date | undefined,
    readonly limit: number | undefined,
    readonly resource: string,
    readonly authenticated: boolean,
    now: Date = new Date(),
  ) {
    super(rateLimitMessage(resetAt, limit, resource, authenticated, now));
  }
}

export function rateLimitMessage(
  resetAt: Date | undefined,
  limit: number | undefined,
  resource: string,
  authenticated: boolean,
  now: Date,
): string {
  const of = limit === undefined ? '' : ` (${limit} requests an hour)`;
  let when = 'The reset time is unknown; re-run the job later.';
  if (resetAt) {
    const minutes = Math.max(0, Math.ceil((resetAt.getTime() - now.getTime()) / 60_000));
    when = `It resets at ${resetAt.toISOString()} (in ${minutes} minute${minutes === 1 ? '' : 's'}); re-run the job after that.`;
  }
  const hint = authenticated
    ? ''
    : ' Unauthenticated requests get only 60 an hour: set github-token (the default ${{ github.token }} gets 1000 or more).';
  return `GitHub API rate limit exhausted for the "${resource}" resource${of}. ${when}${hint}`;
}

/** Is this 403/429 a primary rate limit (not a secondary one, not a permission problem)? */
export function isPrimaryRateLimit(e: HttpErrorLike): boolean {
  if (e.status !== 403 && e.status !== 429) return false;
  if (/secondary rate/i.test(e.message)) return false;
  return String(e.response?.headers['x-ratelimit-remaining'] ?? '') === '0';
}

export function toRateLimitError(e: HttpErrorLike, authenticated: boolean): GitHubRateLimitError {
  const h = e.response?.headers ?? {};
  const reset = Number(h['x-ratelimit-reset']);
  const limit = Number(h['x-ratelimit-limit']);
  return new GitHubRateLimitError(
    Number.isFinite(reset) && reset > 0 ? new Date(reset * 1000) : undefined,
    Number.isFinite(limit) && limit > 0 ? limit : undefined,
    String(h['x-ratelimit-resource'] ?? 'core'),
    authenticated,
  );
}

export interface ErrorContext {
  /** What was being done, as a phrase: "listing the releases of flow/server". */
  doing: string;
  /** owner/name of the repository concerned. */
  repository: string;
  /** Whether a token was sent. */
  authenticated: boolean;
  /** The input that names the repository, for the hint (e.g. "server-repository"). */
  repositoryInput?: string;
}

/** GitHub's own message (Octokit appends " - <documentation_url>" to RequestError messages). */
export function githubMessage(e: HttpErrorLike): string {
  const data = e.response?.data as { message?: unknown } | undefined;
  return typeof data?.message === 'string' && data.message !== '' ? data.message : e.message;
}

/** An Error whose message says what failed and what to do; non-HTTP errors pass through. */
export function explainGitHubError(e: unknown, ctx: ErrorContext): Error {
  if (e instanceof GitHubTimeoutError || e instanceof GitHubRateLimitError) return e;
  if (e instanceof GitHubInvalidResponseError || e instanceof GitHubNoAnswerError) return e;
  if (!isHttpError(e)) return e instanceof Error ? e : new Error(String(e));
  const where = `while ${ctx.doing}`;
  if (isUnreachable(e)) {
    const root = apiRootOf(e) ?? 'GITHUB_API_URL';
    const error = new Error(
      `Could not reach the GitHub API at ${root} ${where} (${excerpt(e.message, 120)}), also after retrying. ` +
        'Check GITHUB_API_URL (the runner sets it; https://api.github.com, or https://HOST/api/v3 on GitHub Enterprise Server) ' +
        "and the runner's network, then re-run the job.",
      { cause: e },
    );
    return Object.assign(error, { status: e.status });
  }
  const said = githubMessage(e);
  if ((e.status === 403 || e.status === 429) && /secondary rate/i.test(said)) {
    const error = new Error(
      `GitHub's secondary rate limit kept refusing requests ${where}, also after waiting and retrying ` +
        `(${e.status}: ${said}). It lifts within minutes: re-run the job later, and avoid running many jobs ` +
        'against the same repository at once.',
      { cause: e },
    );
    return Object.assign(error, { status: e.status });
  }
  const check = `check ${ctx.repositoryInput ?? 'the repository name'} (owner/name)`;
  let message: string;
  switch (e.status) {
    case 401:
      message = ctx.authenticated
        ? `GitHub rejected the token (401 ${said}) ${where}. Set github-token to a valid token that can read ` +
          `${ctx.repository}, or leave it empty for a public repository.`
        : `GitHub requires a token (401 ${said}) ${where}. Set github-token to a token that can access ` +
          `${ctx.repository} (release uploads need contents: write).`;
      break;
    case 403:
      message =
        `GitHub refused access (403 ${said}) ${where}. Set github-token to a token that can read ${ctx.repository}` +
        ' (and, for release uploads, has contents: write).';
      break;
    case 404:
      message = ctx.authenticated
        ? `GitHub repository ${ctx.repository} was not found (404) ${where}. It does not exist, or the token in ` +
          `github-token cannot read it: ${check}, or set github-token to a token that can read ${ctx.repository} ` +
          "(the job's own GITHUB_TOKEN reads only the workflow's repository; use a fine-grained or GitHub App token)."
        : `GitHub repository ${ctx.repository} was not found (404) ${where}, and no token was sent. If it is ` +
          `private, set github-token to a token that can read it; otherwise ${check}.`;
      break;
    default:
      message =
        e.status >= 500
          ? `GitHub answered ${e.status} ${where} and kept failing after retries: ${said}. Re-run the job; ` +
            'see https://www.githubstatus.com if it persists.'
          : `GitHub answered ${e.status} ${where}: ${said}.`;
  }
  const error = new Error(message, { cause: e });
  (error as Error & { status?: number }).status = e.status;
  return error;
}
