// The HTTP server side shared by the local stand-ins for the Actions results service
// (results-service.ts) and the cache service v2 (cache-service.ts): a loopback server, reading a
// request body, injected faults (matched per operation and scope, played before the request is
// handled) and turning an error into a twirp or storage error answer.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendStorageError } from './blob-store';
import { HttpError, sendTwirpError } from './twirp';

/** Twirp calls get twirp JSON errors, blob calls storage XML errors. */
export type RouteKind = 'twirp' | 'blob' | 'unknown';

export interface FaultBase {
  op: string;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Answer with this status instead of handling the request. */
  status?: number;
  /** Wait this long first (then answer with `status`, or handle the request normally). */
  delayMs?: number;
  /** Close the connection without an answer (after reading the request). */
  drop?: boolean;
}

/** Faults in the order added; `scopeOf` is what a fault is limited to (an artifact name, a cache key), if anything. */
export class FaultQueue<F extends FaultBase> {
  private readonly faults: { fault: F; left: number }[] = [];

  constructor(private readonly scopeOf: (fault: F) => string | undefined) {}

  add(fault: F): void {
    this.faults.push({ fault: { ...fault }, left: fault.times ?? 1 });
  }

  /** Uses up one request of the first fault for `op` whose scope is unset or `scope`. */
  take(op: F['op'], scope: string | undefined): F | undefined {
    const entry = this.faults.find(({ fault, left }) => {
      const s = this.scopeOf(fault);
      return left > 0 && fault.op === op && (s === undefined || s === scope);
    });
    if (!entry) return undefined;
    entry.left--;
    return entry.fault;
  }

  /** Faults not yet used up, with the requests they have left as `times`. */
  pending(): F[] {
    return this.faults.filter((e) => e.left > 0).map((e) => ({ ...e.fault, times: e.left }));
  }
}

export interface RecordedStatus {
  status: number | 'dropped';
  faulted: boolean;
}

/**
 * Plays a fault taken for a request: waits, then drops the connection or answers with the fault's
 * status (with `extra` headers). True when the request is done with; false when it is to be handled.
 */
export async function playFault(
  fault: FaultBase | undefined,
  kind: RouteKind,
  req: IncomingMessage,
  res: ServerResponse,
  record: RecordedStatus,
  extra: Record<string, string> = {},
): Promise<boolean> {
  if (!fault) return false;
  record.faulted = true;
  if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
  if (fault.drop) {
    record.status = 'dropped';
    req.socket.destroy();
    return true;
  }
  if (!fault.status) return false;
  record.status = fault.status;
  if (kind === 'twirp')
    sendTwirpError(res, fault.status, `injected fault (${fault.status})`, undefined, extra);
  else
    sendStorageError(
      res,
      fault.status,
      fault.status >= 500 ? 'InternalError' : 'InjectedFault',
      'injected fault',
      extra,
    );
  return true;
}

/** Answers a thrown error (an HttpError, or anything else as a 500) the way the route's kind does; gives the status. */
export function answerError(res: ServerResponse, kind: RouteKind, error: unknown, headOnly = false): number {
  const e = error instanceof HttpError ? error : new HttpError(500, 'internal', String(error));
  if (kind === 'blob') sendStorageError(res, e.status, e.code, e.message, {}, headOnly);
  else sendTwirpError(res, e.status, e.message, e.code);
  return e.status;
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>/`, with the trailing slash. */
  baseUrl: string;
  /** Closes the server and every connection it has open. */
  close(): Promise<void>;
}

/** Serves `handle` on a free loopback port; anything it throws becomes a plain-text 500 (unless an answer was started). */
export async function listenLoopback(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): Promise<LoopbackServer> {
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
