// The Octokit client every GitHub call goes through: bounded retries with backoff for 5xx, 429,
// secondary rate limits and network errors (@octokit/plugin-retry and plugin-throttling), a
// per-attempt timeout, a total time bound for all GitHub calls of the run (requests are aborted
// through an AbortSignal once it is used up), and primary rate-limit exhaustion turned into an
// error that says when the limit resets.
//
// The total bound counts the time spent in GitHub calls - wall-clock time while at least one
// call, its retries or its backoff waits are in progress - not the time between them, so a long
// build between resolving the server and uploading assets does not use it up.
//
// The token is passed to Octokit only; nothing here logs it or the Authorization header. The
// caller must still register it as a secret (`core.setSecret(token)`) before creating the
// client, so the runner masks it should anything else ever print it.
import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import {
  excerpt,
  GitHubInvalidResponseError,
  GitHubNoAnswerError,
  GitHubTimeoutError,
  isHttpError,
  isPrimaryRateLimit,
  redact,
  toRateLimitError,
} from './errors';

export interface GitHubClientOptions {
  /** Token for the Authorization header; omit for anonymous access to public repositories. */
  token?: string;
  /** API root. Default: GITHUB_API_URL (set by the runner, GitHub Enterprise too), else api.github.com. */
  baseUrl?: string;
  /** Time bound for all calls made with this client together (time in calls only). Default 10 minutes. */
  totalTimeoutMs?: number;
  /** One attempt that gets no answer within this is aborted and retried. Default 2 minutes. */
  attemptTimeoutMs?: number;
  /**
   * An attempt that gets not even a status line within this (the API accepted the connection and
   * is silent) is aborted. Default 30 s. A body that is still arriving is bounded by attemptTimeoutMs.
   */
  answerTimeoutMs?: number;
  /** Attempts that got no answer at all before the call gives up, saying so. Default 2. */
  silentAttempts?: number;
  /** Retries after the first attempt, for 5xx, 429, network errors and secondary rate limits. Default 3. */
  retries?: number;
  /**
   * The backoff unit. Retry n waits (n+1)^2 units; a secondary rate limit waits Retry-After
   * units (its header is in seconds). Default 1000 (one second); tests use a few ms.
   */
  retryBaseMs?: number;
  /**
   * Minimum gap between write requests (POST/DELETE...). Default: plugin-throttling's 1 s, as
   * GitHub asks for content-creating requests. Tests set 0.
   */
  writeSpacingMs?: number;
  /** Receives one line per retried failure and rate-limit wait. Never sees the token. */
  log?: (msg: string) => void;
}

const ClientClass = Octokit.plugin(attemptGuard, retry, throttling);
export type GitHubClient = InstanceType<typeof ClientClass>;

/** Wall-clock time during which at least one GitHub call is in progress. */
class BusyClock {
  private busyMs = 0;
  private active = 0;
  private since = 0;
  start(): void {
    if (this.active++ === 0) this.since = Date.now();
  }
  end(): void {
    if (--this.active === 0) this.busyMs += Date.now() - this.since;
  }
  usedMs(): number {
    return this.busyMs + (this.active > 0 ? Date.now() - this.since : 0);
  }
}

interface GuardOptions {
  clock: BusyClock;
  totalTimeoutMs: number;
  attemptTimeoutMs: number;
  answerTimeoutMs: number;
  silentAttempts: number;
  authenticated: boolean;
  log: (msg: string) => void;
}

export function createGitHubClient(options: GitHubClientOptions = {}): GitHubClient {
  const totalTimeoutMs = options.totalTimeoutMs ?? 10 * 60_000;
  const retries = options.retries ?? 3;
  const baseMs = options.retryBaseMs ?? 1000;
  // Nothing the client says or throws carries the token, even when a server echoes it back.
  const secrets = [options.token];
  const baseLog = options.log ?? (() => undefined);
  const log = (m: string): void => baseLog(redact(m, secrets));
  const clock = new BusyClock();
  const guard: GuardOptions = {
    clock,
    totalTimeoutMs,
    attemptTimeoutMs: options.attemptTimeoutMs ?? 120_000,
    answerTimeoutMs: options.answerTimeoutMs ?? 30_000,
    silentAttempts: options.silentAttempts ?? 2,
    authenticated: Boolean(options.token),
    log,
  };
  const write = options.writeSpacingMs === undefined ? {} : { write: spacedGroup(options.writeSpacingMs) };

  const client = new ClientClass({
    auth: options.token || undefined,
    baseUrl: (options.baseUrl || 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: 'flow-plugin-build-action',
    // Octokit's own request log repeats what attemptGuard reports; only deprecation warnings pass.
    log: { debug: () => undefined, info: () => undefined, warn: log, error: () => undefined },
    retry: { retries, retryAfterBaseValue: baseMs },
    throttle: {
      retryAfterBaseValue: baseMs,
      fallbackSecondaryRateRetryAfter: 60,
      ...write,
      onSecondaryRateLimit: (
        retryAfter: number,
        o: Parameters<Octokit['request']['endpoint']['parse']>[0],
        octokit: Pick<Octokit, 'request'>,
        retryCount: number,
      ) => {
        const where = `${o.method} ${new URL(octokit.request.endpoint.parse(o).url, 'http://x').pathname}`;
        const waitMs = retryAfter * baseMs;
        const fits = clock.usedMs() + waitMs < totalTimeoutMs;
        const again = retryCount < retries && fits;
        log(
          `GitHub secondary rate limit on ${where}` +
            (again ? `; retrying in ${retryAfter}s (retry ${retryCount + 1} of ${retries})` : '; giving up'),
        );
        return again;
      },
      // Never reached for primary limits (attemptGuard turns them into GitHubRateLimitError first).
      onRateLimit: () => false,
    },
    guard,
  });
  // Outermost hook (registered last): one call, all its attempts and waits, runs the clock.
  client.hook.wrap('request', async (request, options) => {
    clock.start();
    try {
      return await request(options);
    } catch (e) {
      throw scrubError(e, secrets);
    } finally {
      clock.end();
    }
  });
  return client;
}

/**
 * Innermost hook (registered before retry and throttling, so it wraps each single attempt):
 * gives the attempt an AbortSignal for the attempt and total bounds, and classifies failures.
 */
const callerSignals = new WeakMap<object, AbortSignal | undefined>();
const callerFetches = new WeakMap<object, typeof fetch | undefined>();
/** Attempts of one call that got no answer at all. */
const silentCounts = new WeakMap<object, number>();

function attemptGuard(
  octokit: Pick<Octokit, 'hook' | 'request'>,
  octokitOptions: { [option: string]: unknown },
) {
  const g = octokitOptions.guard as GuardOptions | undefined;
  if (!g) return {};
  octokit.hook.wrap('request', async (request, options) => {
    const url = octokit.request.endpoint.parse(options).url;
    const label = `${options.method} ${new URL(url, 'http://x').pathname}`;
    const remaining = g.totalTimeoutMs - g.clock.usedMs();
    if (remaining <= 0) throw totalTimeout(g, label);
    const attemptMs = Math.min(g.attemptTimeoutMs, remaining);
    const attemptSignal = AbortSignal.timeout(attemptMs);
    // Every hook layer is bound to the same options object (before-after-hook ignores the
    // arguments a wrapper passes on), so the signal must go into that object: a fresh `request`
    // object each attempt (never the shared defaults), remembering the caller's own signal.
    if (!callerSignals.has(options))
      callerSignals.set(options, options.request?.signal as AbortSignal | undefined);
    if (!callerFetches.has(options))
      callerFetches.set(options, options.request?.fetch as typeof fetch | undefined);
    const callerSignal = callerSignals.get(options);
    const signal = callerSignal ? AbortSignal.any([attemptSignal, callerSignal]) : attemptSignal;
    // Whether a status line arrived: a silent API is told apart from a slow body.
    let answered = false;
    let silentMs: number | undefined;
    const baseFetch = callerFetches.get(options) ?? globalThis.fetch;
    const answerMs = Math.min(g.answerTimeoutMs, attemptMs);
    const watchedFetch: typeof fetch = (input, init) => {
      const ctrl = new AbortController();
      const outer = init?.signal;
      if (outer?.aborted) ctrl.abort(outer.reason);
      else outer?.addEventListener('abort', () => ctrl.abort(outer.reason), { once: true });
      const timer = setTimeout(() => {
        silentMs = answerMs;
        ctrl.abort(new Error(`no answer within ${answerMs} ms`));
      }, answerMs);
      return baseFetch(input, { ...init, signal: ctrl.signal })
        .then((r) => {
          answered = true;
          return r;
        })
        .finally(() => clearTimeout(timer));
    };
    options.request = { ...options.request, signal, fetch: watchedFetch };
    const attempt = Number((options.request as { retryCount?: number }).retryCount ?? 0) + 1;
    try {
      const response = await request(options);
      requireJson(response, options.headers as Record<string, unknown>, label);
      return response;
    } catch (e) {
      if (callerSignal?.aborted) throw e;
      if (attemptSignal.aborted || silentMs !== undefined) {
        const waited = silentMs ?? attemptMs;
        if (!answered) {
          const silent = (silentCounts.get(options) ?? 0) + 1;
          silentCounts.set(options, silent);
          if (silent >= g.silentAttempts) {
            throw new GitHubNoAnswerError(
              `No answer from the GitHub API in ${duration(waited)} to ${options.method} ${url} (${silent} attempts): ` +
                'the connection was accepted, but not even a status line came back. The API or a proxy in between is stuck: ' +
                "check GITHUB_API_URL and the runner's network, see https://www.githubstatus.com, then re-run the job.",
            );
          }
        } else if (attemptMs < g.attemptTimeoutMs) {
          // Capped by what was left of the total bound: that bound is used up, stop here.
          throw totalTimeout(g, label);
        }
        if (!answered && attemptSignal.aborted && attemptMs < g.attemptTimeoutMs)
          throw totalTimeout(g, label);
        g.log(
          `${label}: ${answered ? 'the answer did not end' : 'no answer'} within ${waited} ms (attempt ${attempt})`,
        );
        // Shaped like Octokit's RequestError with a 5xx status so plugin-retry retries it.
        throw Object.assign(new Error(`no answer within ${waited} ms`), {
          name: 'HttpError',
          status: 504,
          request: options,
        });
      }
      if (isHttpError(e)) {
        if (isPrimaryRateLimit(e)) throw toRateLimitError(e, g.authenticated);
        if (e.status >= 500 || e.status === 429) {
          const cause =
            e.status === 500 && !e.response ? `network error (${e.message})` : `${e.status} ${e.message}`;
          g.log(`${label}: ${cause} (attempt ${attempt})`);
        }
      }
      throw e;
    }
  });
  return {};
}

/**
 * A call that asks for JSON (every call but raw file reads and downloads) must get JSON: a 2xx
 * with another body (an HTML page from a proxy, a wrong GITHUB_API_URL) is an invalid response,
 * said as such instead of a TypeError deep in the caller.
 */
function requireJson(
  response: { status: number; data: unknown; headers: Record<string, unknown> },
  headers: Record<string, unknown>,
  label: string,
): void {
  const wantsJson = /json/i.test(String(headers.accept ?? ''));
  const data = response.data;
  const text =
    typeof data === 'string'
      ? data
      : data instanceof ArrayBuffer
        ? Buffer.from(data).toString('utf8')
        : undefined;
  if (!wantsJson || response.status === 204 || text === undefined || text === '') return;
  const type = String(response.headers['content-type'] ?? 'no content type');
  throw new GitHubInvalidResponseError(
    `GitHub returned an invalid response to ${label}: expected JSON, got ${excerpt(type, 60)} ("${excerpt(text, 60)}"). ` +
      'Check that GITHUB_API_URL is the API root (https://api.github.com, or https://HOST/api/v3 on GitHub Enterprise Server), then re-run the job.',
  );
}

/** The error with the secrets removed from its message and from GitHub's message in its body. */
function scrubError(e: unknown, secrets: readonly (string | undefined)[]): unknown {
  if (!(e instanceof Error) || !secrets.some((s) => s)) return e;
  e.message = redact(e.message, secrets);
  const data = (e as { response?: { data?: unknown } }).response?.data;
  if (data && typeof data === 'object' && typeof (data as { message?: unknown }).message === 'string') {
    const d = data as { message: string };
    d.message = redact(d.message, secrets);
  } else if (typeof data === 'string') {
    (e as unknown as { response: { data: unknown } }).response.data = redact(data, secrets);
  }
  return e;
}

function totalTimeout(g: GuardOptions, label: string): GitHubTimeoutError {
  return new GitHubTimeoutError(
    `GitHub calls took longer than their time bound of ${duration(g.totalTimeoutMs)} in total (at ${label}). ` +
      'GitHub is slow or unreachable: re-run the job later; https://www.githubstatus.com shows incidents.',
  );
}

function duration(ms: number): string {
  if (ms < 10_000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} minutes`;
}

/**
 * A stand-in for plugin-throttling's `write` Bottleneck group (the only methods it uses are
 * `key(id).schedule(options, fn)`): keeps `minTimeMs` between the start of write requests.
 */
function spacedGroup(minTimeMs: number) {
  const lanes = new Map<string, { schedule: (opts: unknown, fn: () => unknown) => Promise<unknown> }>();
  return {
    key(id: string) {
      let lane = lanes.get(id);
      if (!lane) {
        let chain: Promise<unknown> = Promise.resolve();
        let last = 0;
        lane = {
          schedule(_opts, fn) {
            const run = chain.then(async () => {
              const wait = last + minTimeMs - Date.now();
              if (wait > 0) await new Promise((r) => setTimeout(r, wait));
              last = Date.now();
              return fn();
            });
            chain = run.catch(() => undefined);
            return run;
          },
        };
        lanes.set(id, lane);
      }
      return lane;
    },
  } as unknown as never;
}

/** Whether the client sends a token (for error hints). Never exposes the token itself. */
export async function isAuthenticated(octokit: Pick<Octokit, 'auth'>): Promise<boolean> {
  const auth = (await octokit.auth()) as { type?: string };
  return auth.type !== undefined && auth.type !== 'unauthenticated';
}
