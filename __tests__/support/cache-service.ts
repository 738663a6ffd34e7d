// A local stand-in for the Actions cache service v2 that @actions/cache v6 talks to when
// ACTIONS_CACHE_SERVICE_V2 is set (lib/internal/config.js): the twirp JSON endpoints of
// `github.actions.results.api.v1.CacheService` at ACTIONS_RESULTS_URL, and the Azure-blob-style
// storage the signed URLs point at. Field names follow the generated client in
// node_modules/@actions/cache/lib/generated/results/api/v1/cache.js (proto names, int64 as strings).
//
// Storage: Put Blob (what BlockBlobClient.uploadFile sends up to 128 MiB), Put Block / Put Block
// List (above that), Get Blob with `x-ms-range` / `Range` (206 + Content-Range, as downloadToBuffer
// reads it) and Get Blob Properties (HEAD). For a host that is not *.blob.core.windows.net the
// client downloads with one plain GET (downloadCacheHttpClient), which is what a loopback URL gets.
//
// Matching as the real service: only entries of the same `version` (paths + compression); the
// primary key and then each restore key, each first exactly and then as a prefix (newest first).
// A key+version that exists (or is being uploaded) cannot be created again (409 already_exists).
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  putOp,
  receivePut,
  rejectStructuredBody,
  sasExpiry,
  sasQuery,
  signedBlob,
  storageHeaders,
  type PutOp,
} from './blob-store';
import { runtimeToken } from './results-service';
import { answerError, FaultQueue, listenLoopback, playFault, readBody } from './stand-in-server';
import { checkTwirpCall, HttpError, parseJson, peekString, sendJson, twirpMethod } from './twirp';

export const CACHE_TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.CacheService/';

export type CacheTwirpMethod = 'GetCacheEntryDownloadURL' | 'CreateCacheEntry' | 'FinalizeCacheEntryUpload';
export type CacheBlobOp = PutOp | 'GetBlob' | 'GetBlobProperties';
export type CacheOperation = CacheTwirpMethod | CacheBlobOp;
const TWIRP_METHODS: CacheTwirpMethod[] = [
  'GetCacheEntryDownloadURL',
  'CreateCacheEntry',
  'FinalizeCacheEntryUpload',
];

export interface CacheFault {
  op: CacheOperation;
  /** Only requests for this key (the request's `key`, or the entry's key for storage calls). */
  key?: string;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Answer with this status (a twirp JSON error or a storage XML error) instead of handling the request. */
  status?: number;
  /** With status 429: the Retry-After header (seconds). */
  retryAfter?: number;
  /** Wait this long first (then answer with `status`, or handle the request normally). */
  delayMs?: number;
  /** Close the connection without an answer (after reading the request). */
  drop?: boolean;
}

export interface CacheEntry {
  id: number;
  key: string;
  version: string;
  createdAt: string;
  /** The committed blob (after Put Blob or Put Block List); empty until then. */
  bytes: Buffer;
  committed: boolean;
  finalized: boolean;
  /** `size_bytes` of the FinalizeCacheEntryUpload request. */
  declaredSize: number | undefined;
}

export interface CacheRequest {
  op: CacheOperation | 'unknown';
  method: string;
  path: string;
  key: string | undefined;
  /** The request's headers that matter for storage calls (x-ms-range, range, x-ms-blob-type). */
  range: string | undefined;
  status: number | 'dropped';
  faulted: boolean;
}

export interface CacheService {
  /** Base URL with a trailing slash, as the runner sets ACTIONS_RESULTS_URL. */
  url: string;
  /** What the runner sets for a step with the v2 cache service. */
  env(): Record<string, string>;
  /** Every entry created, oldest first (copies). */
  entries(): CacheEntry[];
  inject(fault: CacheFault): void;
  pendingFaults(): CacheFault[];
  requests(): CacheRequest[];
  close(): Promise<void>;
}

export async function startCacheService(): Promise<CacheService> {
  const token = runtimeToken(randomUUID(), randomUUID());
  const secret = randomBytes(32);
  const stored: CacheEntry[] = [];
  const etags = new Map<number, string>();
  const blocks = new Map<number, Map<string, Buffer>>();
  const faults = new FaultQueue<CacheFault>((f) => f.key);
  const log: CacheRequest[] = [];
  let nextId = 7001;
  let baseUrl = '';

  const sign = (id: number, sp: string) =>
    createHmac('sha256', secret).update(`${id}:${sp}`).digest('base64url');
  const signedUrl = (e: CacheEntry, sp: 'r' | 'cw') => {
    const query = sasQuery({ sv: '2025-11-05', se: sasExpiry(), sr: 'b', sp, sig: sign(e.id, sp) });
    return `${baseUrl}cache/${e.id}/${encodeURIComponent(e.key)}.tzst?${query}`;
  };

  type Route =
    | { kind: 'twirp'; op: CacheTwirpMethod; key: string | undefined }
    | { kind: 'blob'; op: CacheBlobOp; id: number; key: string | undefined }
    | { kind: 'unknown'; op: 'unknown'; key: undefined };

  function classify(method: string, url: URL, body: Buffer): Route {
    const name = twirpMethod(url, CACHE_TWIRP_PREFIX, TWIRP_METHODS);
    if (name) return { kind: 'twirp', op: name, key: peekString(body, 'key') };
    const m = /^\/cache\/(\d+)\/[^/]+$/.exec(url.pathname);
    if (m) {
      const id = Number(m[1]);
      const op: CacheBlobOp =
        method === 'GET' ? 'GetBlob' : method === 'HEAD' ? 'GetBlobProperties' : putOp(url);
      return { kind: 'blob', op, id, key: stored.find((e) => e.id === id)?.key };
    }
    return { kind: 'unknown', op: 'unknown', key: undefined };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', baseUrl);
    const route = classify(req.method ?? 'GET', url, body);
    const rangeHeader = req.headers['x-ms-range'] ?? req.headers.range;
    const record: CacheRequest = {
      op: route.op,
      method: req.method ?? '',
      path: url.pathname,
      key: route.key,
      range: Array.isArray(rangeHeader) ? rangeHeader[0] : rangeHeader,
      status: 0,
      faulted: false,
    };
    log.push(record);

    const fault = route.op === 'unknown' ? undefined : faults.take(route.op, route.key);
    const extra: Record<string, string> =
      fault?.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
    if (await playFault(fault, route.kind, req, res, record, extra)) return;

    try {
      if (route.kind === 'twirp') {
        checkTwirpCall(req, token, {
          status: 415,
          message: 'expected an application/json body (the JSON client)',
        });
        const answer = twirp(route.op, parseJson(body));
        record.status = 200;
        sendJson(res, answer);
      } else if (route.kind === 'blob') {
        record.status = blob(req, url, route.id, body, res);
      } else {
        throw new HttpError(404, 'bad_route', `no route for ${req.method} ${url.pathname}`);
      }
    } catch (error) {
      record.status = answerError(res, route.kind, error, req.method === 'HEAD');
    }
  }

  function requireString(req: Record<string, unknown>, field: string): string {
    const v = req[field];
    if (typeof v !== 'string' || v === '')
      throw new HttpError(400, 'invalid_argument', `${field} is required`);
    return v;
  }

  function findEntry(keys: string[], version: string): CacheEntry | undefined {
    const usable = stored.filter((e) => e.finalized && e.version === version);
    for (const k of keys) {
      const exact = usable.filter((e) => e.key === k).at(-1);
      if (exact) return exact;
      const prefixed = usable.filter((e) => e.key.startsWith(k)).at(-1);
      if (prefixed) return prefixed;
    }
    return undefined;
  }

  function twirp(method: CacheTwirpMethod, req: Record<string, unknown>): unknown {
    switch (method) {
      case 'GetCacheEntryDownloadURL': {
        const key = requireString(req, 'key');
        const version = requireString(req, 'version');
        const restoreKeys = req['restore_keys'] ?? [];
        if (!Array.isArray(restoreKeys) || !restoreKeys.every((k) => typeof k === 'string')) {
          throw new HttpError(400, 'invalid_argument', 'restore_keys must be a list of strings');
        }
        const entry = findEntry([key, ...(restoreKeys as string[])], version);
        if (!entry) return { ok: false, signed_download_url: '', matched_key: '' };
        return { ok: true, signed_download_url: signedUrl(entry, 'r'), matched_key: entry.key };
      }
      case 'CreateCacheEntry': {
        const key = requireString(req, 'key');
        const version = requireString(req, 'version');
        if (key.length > 512 || key.includes(','))
          throw new HttpError(400, 'invalid_argument', `invalid key ${key}`);
        if (stored.some((e) => e.key === key && e.version === version)) {
          throw new HttpError(
            409,
            'already_exists',
            'cache entry with the same key, version, and scope already exists',
          );
        }
        const entry: CacheEntry = {
          id: nextId++,
          key,
          version,
          createdAt: new Date().toISOString(),
          bytes: Buffer.alloc(0),
          committed: false,
          finalized: false,
          declaredSize: undefined,
        };
        stored.push(entry);
        blocks.set(entry.id, new Map());
        return { ok: true, signed_upload_url: signedUrl(entry, 'cw') };
      }
      case 'FinalizeCacheEntryUpload': {
        const key = requireString(req, 'key');
        const version = requireString(req, 'version');
        const entry = stored.find((e) => e.key === key && e.version === version && !e.finalized);
        if (!entry) throw new HttpError(404, 'not_found', `no cache entry being uploaded for ${key}`);
        if (!entry.committed)
          throw new HttpError(412, 'failed_precondition', `nothing was uploaded for ${key}`);
        const size = Number(req['size_bytes'] ?? 0);
        if (size !== entry.bytes.length) {
          throw new HttpError(
            400,
            'invalid_argument',
            `size_bytes ${size} but ${entry.bytes.length} bytes were uploaded`,
          );
        }
        entry.declaredSize = size;
        entry.finalized = true;
        return { ok: true, entry_id: String(entry.id) };
      }
    }
  }

  function blob(req: IncomingMessage, url: URL, id: number, body: Buffer, res: ServerResponse): number {
    const sp = url.searchParams.get('sp') ?? '';
    const entry = signedBlob(
      stored.find((e) => e.id === id),
      url,
      () => sign(id, sp),
    );
    rejectStructuredBody(req);
    const common = storageHeaders();
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (!sp.includes('r'))
        throw new HttpError(403, 'AuthorizationPermissionMismatch', 'the URL does not allow reads');
      if (!entry.committed) throw new HttpError(404, 'BlobNotFound', 'the blob does not exist');
      const total = entry.bytes.length;
      const headers = {
        ...common,
        etag: etags.get(id)!,
        'last-modified': new Date(entry.createdAt).toUTCString(),
        'content-type': 'application/octet-stream',
        'x-ms-blob-type': 'BlockBlob',
        'accept-ranges': 'bytes',
      };
      if (req.method === 'HEAD') {
        res.writeHead(200, { ...headers, 'content-length': String(total) });
        res.end();
        return 200;
      }
      const rangeHeader = req.headers['x-ms-range'] ?? req.headers.range;
      const range = typeof rangeHeader === 'string' ? parseRange(rangeHeader, total) : undefined;
      if (range) {
        const part = entry.bytes.subarray(range.start, range.end + 1);
        res.writeHead(206, {
          ...headers,
          'content-length': String(part.length),
          'content-range': `bytes ${range.start}-${range.end}/${total}`,
        });
        res.end(part);
        return 206;
      }
      res.writeHead(200, { ...headers, 'content-length': String(total) });
      res.end(entry.bytes);
      return 200;
    }
    if (req.method !== 'PUT')
      throw new HttpError(405, 'UnsupportedHttpVerb', `${req.method} is not supported`);
    if (!sp.includes('w'))
      throw new HttpError(403, 'AuthorizationPermissionMismatch', 'the URL does not allow writes');
    if (entry.finalized) throw new HttpError(409, 'BlobImmutable', 'the cache entry is already finalized');
    const bytes = receivePut(req, url, body, blocks.get(id)!);
    if (bytes === undefined) {
      res.writeHead(201, { ...common, 'content-length': '0' });
      res.end();
      return 201;
    }
    commit(entry, bytes);
    res.writeHead(201, { ...common, 'content-length': '0', etag: etags.get(id)! });
    res.end();
    return 201;
  }

  function commit(entry: CacheEntry, bytes: Buffer): void {
    entry.bytes = bytes;
    entry.committed = true;
    etags.set(entry.id, `"0x${createHash('sha256').update(bytes).digest('hex').slice(0, 16).toUpperCase()}"`);
  }

  const server = await listenLoopback(handle);
  baseUrl = server.baseUrl;

  return {
    url: baseUrl,
    env: () => ({
      ACTIONS_CACHE_SERVICE_V2: 'true',
      ACTIONS_RESULTS_URL: baseUrl,
      ACTIONS_RUNTIME_TOKEN: token,
      // Not GHES: v2 is never used there.
      GITHUB_SERVER_URL: 'https://github.com',
    }),
    entries: () => stored.map((e) => ({ ...e, bytes: Buffer.from(e.bytes) })),
    inject: (fault) => faults.add(fault),
    pendingFaults: () => faults.pending(),
    requests: () => log.map((r) => ({ ...r })),
    close: () => server.close(),
  };
}

/** `bytes=a-b`, `bytes=a-` (Azure also accepts `bytes=-n`, the last n bytes). Undefined: serve everything. */
function parseRange(header: string, total: number): { start: number; end: number } | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) throw new HttpError(400, 'InvalidRange', `bad range ${header}`);
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, total - Number(m[2]));
    end = total - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? total - 1 : Math.min(Number(m[2]), total - 1);
  }
  if (start >= total || end < start) {
    if (total === 0 && start === 0) return undefined;
    throw new HttpError(416, 'InvalidRange', `the range ${header} is not satisfiable for ${total} bytes`);
  }
  return { start, end };
}
