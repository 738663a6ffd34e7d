// Twirp JSON plumbing shared by the local stand-ins for the Actions results service
// (results-service.ts) and the cache service v2 (cache-service.ts): routing a call to its method,
// the checks every call passes, and the answers (a JSON body, or a twirp JSON error).
import type { IncomingMessage, ServerResponse } from 'node:http';

/** An error answer: a twirp error code for twirp calls, a storage error code (x-ms-error-code) for blob calls. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const TWIRP_CODES: Record<number, string> = {
  400: 'invalid_argument',
  401: 'unauthenticated',
  403: 'permission_denied',
  404: 'not_found',
  409: 'already_exists',
  412: 'failed_precondition',
  429: 'resource_exhausted',
  500: 'internal',
  502: 'unavailable',
  503: 'unavailable',
  504: 'deadline_exceeded',
};

/** The method a twirp path names (`<prefix><Method>`), when it is one of `methods`. */
export function twirpMethod<M extends string>(
  url: URL,
  prefix: string,
  methods: readonly M[],
): M | undefined {
  if (!url.pathname.startsWith(prefix)) return undefined;
  const name = url.pathname.slice(prefix.length) as M;
  return methods.includes(name) ? name : undefined;
}

/** The first of `fields` that is a string in a JSON body (for recording and fault matching; any body is accepted). */
export function peekString(body: Buffer, ...fields: string[]): string | undefined {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    for (const field of fields) {
      const value = parsed[field];
      if (typeof value === 'string') return value;
    }
  } catch {
    // not JSON (or null): nothing to peek at
  }
  return undefined;
}

/** A twirp call must be a POST with the runtime token and a JSON body; `contentType` is the error for any other body. */
export function checkTwirpCall(
  req: IncomingMessage,
  token: string,
  contentType: { status: number; message: string },
): void {
  if (req.method !== 'POST') throw new HttpError(404, 'bad_route', `twirp needs POST, got ${req.method}`);
  if (req.headers.authorization !== `Bearer ${token}`) {
    throw new HttpError(401, 'unauthenticated', 'the runtime token is missing or wrong');
  }
  if (!String(req.headers['content-type']).startsWith('application/json')) {
    throw new HttpError(contentType.status, 'malformed', contentType.message);
  }
}

export function parseJson(body: Buffer): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new HttpError(400, 'malformed', 'the body is not a JSON object');
}

export function sendJson(res: ServerResponse, answer: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(answer));
}

/** A twirp JSON error; without `code`, the one twirp uses for `status`. */
export function sendTwirpError(
  res: ServerResponse,
  status: number,
  msg: string,
  code?: string,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...extra });
  res.end(JSON.stringify({ code: code ?? TWIRP_CODES[status] ?? 'unknown', msg }));
}
