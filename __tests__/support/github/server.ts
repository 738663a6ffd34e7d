// A local stand-in for GitHub's REST API and upload host, over real HTTP on loopback, for
// tests that run the real adapters (Octokit) or the bundle. Fixture repositories are data
// (fixtures.ts), bodies follow GitHub's shapes (shapes.ts), and every request can be faulted.
//
//   const gh = await startGitHubStandIn({ repos: { 'flow/server': { ... } } });
//   gh.inject({ path: '/repos/flow/server/releases', status: 502, times: 2 });
//   ... new Octokit({ baseUrl: gh.url }) ...
//   gh.requests; gh.uploadedAssets('flow/server', 'v2.0.0'); await gh.close();
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { buildRepo, type FixtureAsset, type FixtureRepo, type StandInRepo } from './fixtures';
import { HttpError, routes, type Answer } from './routes';
import { messages, type Urls } from './shapes';

export interface StandInOptions {
  repos: Record<string, FixtureRepo>;
  /** Primary rate limit per token (anonymous callers share one bucket). Default 5000 / 60. */
  rateLimit?: { limit?: number; anonymousLimit?: number; resetInSeconds?: number };
  /** The name an uploaded asset gets (GitHub renames names it does not accept). Default: as asked. */
  assetName?: (name: string) => string;
}

export interface Fault {
  method?: string;
  /** A string matches the path exactly (no query); a RegExp is tested against path + query. */
  path: string | RegExp;
  /** Matches only requests whose body holds this text (e.g. `"name":"x.so"` for one rename PATCH). */
  bodyIncludes?: string;
  /** How many matching requests this fault applies to (default 1; Infinity for all). */
  times?: number;
  status?: number;
  /** Waits this long before answering (with `status`/`body`, or normally without). */
  delayMs?: number;
  /** Destroys the connection without an answer. */
  drop?: true;
  /** Answers as GitHub does when that rate limit is hit. */
  rateLimit?: 'primary' | 'secondary';
  /** JSON body for `status` (default GitHub's shape for the status). */
  body?: unknown;
  /** Answers `status` (default 200) with this body as it is, not JSON (a proxy's HTML page). */
  raw?: { text: string; contentType?: string };
  headers?: Record<string, string>;
  /** The request takes effect as usual, then `status` is answered (an answer lost on the way back). */
  stored?: true;
  /** Runs when the fault fires, before the answer (e.g. to make a concurrent change). */
  onMatch?: () => void;
}

export interface LoggedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Status answered (0 when the connection was dropped). */
  status: number;
  bodyBytes: number;
  /** Date.now() when the request arrived. */
  at: number;
  fault?: boolean;
}

export interface UploadedAsset {
  release: string;
  name: string;
  label: string | null;
  contentType: string;
  state: 'uploaded' | 'starter';
  size: number;
  bytes: Buffer;
}

export interface GitHubStandIn {
  /** The API root (set as GITHUB_API_URL / Octokit baseUrl). */
  url: string;
  requests: LoggedRequest[];
  inject(fault: Fault): void;
  /** Removes every injected fault that has not been used up. */
  clearFaults(): void;
  /** Requests whose method matches and whose path (with query) matches `path`. */
  requestsTo(method: string, path: string | RegExp): LoggedRequest[];
  /** Every request that could change something (POST, PUT, PATCH, DELETE), answered or not. */
  writeRequests(): LoggedRequest[];
  /** The bytes of the asset `name` of the release with `tag` (undefined when there is none). */
  assetBytes(repo: string, tag: string, name: string): Buffer | undefined;
  /** The assets of a repository's releases (all releases, or the one with `tag`). */
  uploadedAssets(repo: string, tag?: string): UploadedAsset[];
  /** Adds an asset to the release with `tag` as if someone else had uploaded it. */
  addAsset(repo: string, tag: string, asset: FixtureAsset): void;
  /** Live state of a repository, for tests that change it between calls. */
  repo(fullName: string): StandInRepo;
  close(): Promise<void>;
}

interface Bucket {
  limit: number;
  used: number;
  reset: number;
}

export async function startGitHubStandIn(options: StandInOptions): Promise<GitHubStandIn> {
  const repos = new Map<string, StandInRepo>();
  for (const [name, fixture] of Object.entries(options.repos))
    repos.set(name.toLowerCase(), buildRepo(name, fixture));
  const validTokens = new Set([...repos.values()].flatMap((r) => (r.token ? [r.token] : [])));
  const faults: (Fault & { left: number })[] = [];
  const requests: LoggedRequest[] = [];
  const buckets = new Map<string, Bucket>();
  let nextAssetId = 900_000;
  let urls: Urls = { api: '', uploads: '', web: '' };

  const bucketFor = (token: string | undefined): Bucket => {
    const key = token ?? '';
    let b = buckets.get(key);
    if (!b) {
      const limit = token ? (options.rateLimit?.limit ?? 5000) : (options.rateLimit?.anonymousLimit ?? 60);
      const reset = Math.floor(Date.now() / 1000) + (options.rateLimit?.resetInSeconds ?? 3600);
      b = { limit, used: 0, reset };
      buckets.set(key, b);
    }
    return b;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => undefined);
    req.on('end', () => {
      void handle(req, res, Buffer.concat(chunks));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    const method = req.method ?? 'GET';
    const target = new URL(req.url ?? '/', urls.api);
    const entry: LoggedRequest = {
      method,
      path: target.pathname + target.search,
      headers: { ...req.headers },
      status: 0,
      bodyBytes: body.length,
      at: Date.now(),
    };
    requests.push(entry);
    const token = tokenOf(req.headers.authorization);
    const bucket = bucketFor(token);
    const requestId = randomBytes(8).toString('hex').toUpperCase();

    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      entry.status = status;
      const remaining = Math.max(0, bucket.limit - bucket.used);
      const common: Record<string, string> = {
        'x-github-api-version-selected': '2022-11-28',
        'x-github-media-type': 'github.v3; format=json',
        'x-github-request-id': requestId,
        'x-ratelimit-limit': String(bucket.limit),
        'x-ratelimit-remaining': String(remaining),
        'x-ratelimit-reset': String(bucket.reset),
        'x-ratelimit-used': String(bucket.used),
        'x-ratelimit-resource': 'core',
      };
      if (payload === undefined) {
        res.writeHead(status, { ...common, ...headers });
        res.end();
      } else if (Buffer.isBuffer(payload)) {
        res.writeHead(status, { 'content-type': 'application/octet-stream', ...common, ...headers });
        res.end(payload);
      } else {
        const text = JSON.stringify(payload);
        res.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': String(Buffer.byteLength(text)),
          ...common,
          ...headers,
        });
        res.end(text);
      }
    };

    const fault = takeFault(method, target, body);
    if (fault) {
      entry.fault = true;
      fault.onMatch?.();
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (res.destroyed || req.socket.destroyed) return;
      if (fault.drop) {
        req.socket.destroy();
        return;
      }
      if (fault.raw) {
        entry.status = fault.status ?? 200;
        res.writeHead(entry.status, {
          'content-type': fault.raw.contentType ?? 'text/html; charset=utf-8',
          ...fault.headers,
        });
        res.end(fault.raw.text);
        return;
      }
      if (fault.rateLimit === 'primary') {
        bucket.used = bucket.limit;
        send(
          403,
          fault.body ?? messages.primaryRateLimit(req.socket.remoteAddress ?? '127.0.0.1'),
          fault.headers,
        );
        return;
      }
      if (fault.rateLimit === 'secondary') {
        send(403, fault.body ?? messages.secondaryRateLimit(requestId), {
          'retry-after': '1',
          ...fault.headers,
        });
        return;
      }
      if (fault.status && fault.stored) {
        try {
          dispatch(method === 'HEAD' ? 'GET' : method, target, token, body, req);
        } catch {
          // what GitHub did with it is not told
        }
        send(fault.status, fault.body ?? defaultBody(fault.status), fault.headers);
        return;
      }
      if (fault.status) {
        send(fault.status, fault.body ?? defaultBody(fault.status), fault.headers);
        return;
      }
    }

    if (token !== undefined && validTokens.size > 0 && !validTokens.has(token)) {
      send(401, messages.badCredentials());
      return;
    }
    if (bucket.used >= bucket.limit) {
      send(403, messages.primaryRateLimit(req.socket.remoteAddress ?? '127.0.0.1'));
      return;
    }
    bucket.used++;
    try {
      const [status, payload, headers] = dispatch(
        method === 'HEAD' ? 'GET' : method,
        target,
        token,
        body,
        req,
      );
      send(status, payload, headers);
    } catch (e) {
      if (e instanceof HttpError) send(e.status, e.body, e.headers);
      else send(500, { message: `stand-in: ${(e as Error).message}` });
    }
  }

  function takeFault(method: string, target: URL, body: Buffer): Fault | undefined {
    const i = faults.findIndex(
      (f) =>
        f.left > 0 &&
        (f.bodyIncludes === undefined || body.toString('utf8').includes(f.bodyIncludes)) &&
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (typeof f.path === 'string'
          ? f.path === target.pathname
          : f.path.test(target.pathname + target.search)),
    );
    if (i < 0) return undefined;
    const f = faults[i]!;
    f.left--;
    return f;
  }

  function dispatch(
    method: string,
    url: URL,
    token: string | undefined,
    body: Buffer,
    req: IncomingMessage,
  ): Answer {
    const path = decodeURIComponent(url.pathname);
    let pathMatched = false;
    for (const route of routes) {
      const m = route.pattern.exec(path);
      if (!m) continue;
      pathMatched = true;
      if (route.method !== method) continue;
      const repo = repoFor(m[1]!, m[2]!, token);
      return route.handle(
        {
          urls,
          url,
          headers: req.headers,
          body,
          token,
          repo,
          newAssetId: () => nextAssetId++,
          assetName: options.assetName ?? ((n) => n),
        },
        m.slice(3),
      );
    }
    throw new HttpError(
      pathMatched ? 405 : 404,
      pathMatched ? { message: 'Method Not Allowed' } : messages.notFound(),
    );
  }

  function repoFor(owner: string, name: string, token: string | undefined): StandInRepo {
    const repo = repos.get(`${owner}/${name}`.toLowerCase());
    // GitHub hides private repositories from callers that cannot read them: 404, not 403.
    if (!repo || (repo.private && token !== repo.token)) {
      throw new HttpError(
        404,
        messages.notFound('https://docs.github.com/rest/repos/repos#get-a-repository'),
      );
    }
    return repo;
  }

  function repoState(fullName: string): StandInRepo {
    const repo = repos.get(fullName.toLowerCase());
    if (!repo) throw new Error(`no fixture repository ${fullName}`);
    return repo;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const root = `http://127.0.0.1:${port}`;
  urls = { api: root, uploads: `${root}/uploads`, web: `${root}/web` };

  return {
    url: root,
    requests,
    inject(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    clearFaults() {
      faults.length = 0;
    },
    requestsTo(method, path) {
      return requests.filter(
        (r) =>
          r.method === method.toUpperCase() &&
          (typeof path === 'string' ? r.path.split('?')[0] === path : path.test(r.path)),
      );
    },
    writeRequests() {
      return requests.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method));
    },
    assetBytes(fullName, tag, name) {
      const release = repoState(fullName).releases.find((r) => r.tag === tag);
      return release?.assets.find((a) => a.name === name)?.bytes;
    },
    uploadedAssets(fullName, tag) {
      return repoState(fullName)
        .releases.filter((r) => tag === undefined || r.tag === tag)
        .flatMap((r) =>
          r.assets.map((a) => ({
            release: r.tag,
            name: a.name,
            label: a.label,
            contentType: a.contentType,
            state: a.state,
            size: a.bytes.length,
            bytes: a.bytes,
          })),
        );
    },
    addAsset(fullName, tag, a) {
      const release = repoState(fullName).releases.find((r) => r.tag === tag);
      if (!release) throw new Error(`no release ${tag} in ${fullName}`);
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      release.assets.push({
        id: nextAssetId++,
        name: a.name,
        label: a.label ?? null,
        contentType: a.contentType ?? 'application/octet-stream',
        state: a.state ?? 'uploaded',
        bytes: Buffer.from(a.content ?? ''),
        createdAt: now,
        updatedAt: now,
      });
    },
    repo: repoState,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function tokenOf(authorization: string | undefined): string | undefined {
  const m = /^(?:token|bearer)\s+(.+)$/i.exec(authorization ?? '');
  return m ? m[1]!.trim() : undefined;
}

function defaultBody(status: number): unknown {
  if (status === 404) return messages.notFound();
  if (status === 401) return messages.badCredentials();
  if (status >= 500) return messages.serverError();
  return { message: `stand-in fault ${status}`, documentation_url: 'https://docs.github.com/rest' };
}
