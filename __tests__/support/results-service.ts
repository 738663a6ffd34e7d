// A local stand-in for the Actions results service that @actions/artifact v6 talks to, over real
// HTTP on loopback: the twirp JSON endpoints of `github.actions.results.api.v1.ArtifactService`
// and the Azure-blob-style upload the client is then pointed at (Put Block / Put Block List, and
// Put Blob / Get Blob). Field names follow the generated client in
// node_modules/@actions/artifact/lib/generated/results/api/v1/artifact.js (proto names, int64 as
// strings, wrapper types as bare values, timestamps as RFC 3339).
//
// Faults can be injected per operation (status, delay, dropped connection, N times), and what
// reached the service can be read back (artifact name -> bytes, finalized, expiry, mime type).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
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
import { answerError, FaultQueue, listenLoopback, playFault, readBody } from './stand-in-server';
import { checkTwirpCall, HttpError, parseJson, peekString, sendJson, twirpMethod } from './twirp';

export const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.ArtifactService/';

export type TwirpMethod =
  'CreateArtifact' | 'FinalizeArtifact' | 'ListArtifacts' | 'GetSignedArtifactURL' | 'DeleteArtifact';
export type BlobOp = PutOp | 'GetBlob';
export type Operation = TwirpMethod | BlobOp;
const TWIRP_METHODS: TwirpMethod[] = [
  'CreateArtifact',
  'FinalizeArtifact',
  'ListArtifacts',
  'GetSignedArtifactURL',
  'DeleteArtifact',
];

export interface Fault {
  /** Which operation fails. */
  op: Operation;
  /** Only requests for this artifact name. */
  artifact?: string;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Answer with this status (a twirp JSON error or a storage XML error body) instead of handling the request. */
  status?: number;
  /** Wait this long first (then answer with `status`, or handle the request normally). */
  delayMs?: number;
  /** Close the connection without an answer (after reading the request). */
  drop?: boolean;
}

export interface StoredArtifact {
  id: number;
  name: string;
  workflowRunBackendId: string;
  workflowJobRunBackendId: string;
  /** `version` of the CreateArtifact request (the client sends 7). */
  version: number;
  /** `mime_type` of the CreateArtifact request. */
  mimeType: string | undefined;
  /** True when the client uploaded a zip archive (mime type application/zip), false for a file as-is. */
  zipped: boolean;
  /** `expires_at` of the CreateArtifact request (RFC 3339), when the client asked for a retention. */
  expiresAt: string | undefined;
  createdAt: string;
  /** The committed blob (after Put Block List or Put Blob); empty until then. */
  bytes: Buffer;
  committed: boolean;
  /** `x-ms-blob-content-type` of the commit. */
  blobContentType: string | undefined;
  finalized: boolean;
  /** `size` and `hash` of the FinalizeArtifact request. */
  declaredSize: number | undefined;
  declaredHash: string | undefined;
  deleted: boolean;
  /** The attempt of the workflow run whose job made it (1 until rerunFailedJobs). */
  attempt: number;
}

export interface RecordedRequest {
  op: Operation | 'unknown';
  method: string;
  path: string;
  artifact: string | undefined;
  status: number | 'dropped';
  faulted: boolean;
}

export interface ResultsService {
  /** The service URL with a trailing slash, as the runner sets ACTIONS_RESULTS_URL. */
  url: string;
  /** The run's backend ids (in the runtime token). */
  workflowRunBackendId: string;
  workflowJobRunBackendId: string;
  /** The environment the runner sets for a step: ACTIONS_RESULTS_URL, ACTIONS_RUNTIME_TOKEN, GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID. */
  env(): Record<string, string>;
  /**
   * The environment of a step in ANOTHER job of the same workflow run (a matrix cell, a publish job):
   * a runtime token of its own job backend id, the same run. Artifacts of every job of the run are
   * listed and downloaded by every job; each job creates, finalizes and deletes only its own.
   */
  jobEnv(): Record<string, string>;
  /** Every artifact created (deleted ones too, marked), oldest first. */
  artifacts(): StoredArtifact[];
  /** The newest, not deleted artifact of that name. */
  artifact(name: string): StoredArtifact | undefined;
  /** Adds a fault; faults are matched in the order added. */
  inject(fault: Fault): void;
  /** Faults not yet used up. */
  pendingFaults(): Fault[];
  /** Every request received, in order. */
  requests(): RecordedRequest[];
  /**
   * "Re-run failed jobs": a new attempt of the run begins. With `earlierAttempts: 'not-found'`
   * (the default) GetSignedArtifactURL answers 404 "workflow run not found" for the artifacts of
   * earlier attempts, as GitHub did in July 2026 (actions/download-artifact#486) while
   * ListArtifacts still lists them; the REST download (publicDownloadUrl) still serves them.
   */
  rerunFailedJobs(options?: { earlierAttempts?: 'not-found' | 'ok' }): void;
  /** The signed blob URL GitHub's REST artifact download redirects to (`.../actions/artifacts/{id}/zip`). */
  publicDownloadUrl(id: number): string | undefined;
  close(): Promise<void>;
}

export interface ResultsServiceOptions {
  repository?: string;
  runId?: string;
  serverUrl?: string;
  /**
   * The Content-Disposition header of a blob download (undefined: none), from the artifact's name.
   * Default: the name as the real signed URL's rscd parameter gives it, plain and RFC 5987.
   */
  contentDisposition?: (name: string) => string | undefined;
}

/** A JWT (unsigned, like the client reads it) whose `scp` names the run's backend ids the way the runner's token does. */
export function runtimeToken(workflowRunBackendId: string, workflowJobRunBackendId: string): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const payload = {
    scp: `Actions.ExampleScope Actions.Results:${workflowRunBackendId}:${workflowJobRunBackendId}`,
    iat: Math.floor(Date.now() / 1000),
    exp: Math.floor(Date.now() / 1000) + 3600,
  };
  return `${b64({ typ: 'JWT', alg: 'HS256' })}.${b64(payload)}.${randomBytes(16).toString('base64url')}`;
}

export async function startResultsService(options: ResultsServiceOptions = {}): Promise<ResultsService> {
  const workflowRunBackendId = randomUUID();
  const workflowJobRunBackendId = randomUUID();
  const token = runtimeToken(workflowRunBackendId, workflowJobRunBackendId);
  /** Runtime token -> its job's backend id: the first job's, then one per jobEnv(). */
  const jobs = new Map<string, string>([[token, workflowJobRunBackendId]]);
  const repository = options.repository ?? 'flow-test/plugin';
  const runId = options.runId ?? String(1000 + Math.floor(Math.random() * 1e6));
  const serverUrl = options.serverUrl ?? 'https://github.com';

  const stored: StoredArtifact[] = [];
  /** Uncommitted blocks and signatures per artifact id. */
  const blocks = new Map<number, Map<string, Buffer>>();
  const signatures = new Map<number, string>();
  const faults = new FaultQueue<Fault>((f) => f.artifact);
  const log: RecordedRequest[] = [];
  let nextId = 4100;
  let baseUrl = '';
  let attempt = 1;
  let earlierAttempts: 'not-found' | 'ok' = 'ok';
  const contentDisposition =
    options.contentDisposition ??
    ((name: string) =>
      `attachment; filename="${name.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`);

  const live = (name: string) => stored.filter((a) => a.name === name && !a.deleted).at(-1);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', baseUrl);
    const route = classify(req.method ?? 'GET', url, body);
    const record: RecordedRequest = {
      op: route.op,
      method: req.method ?? '',
      path: url.pathname,
      artifact: route.artifact,
      status: 0,
      faulted: false,
    };
    log.push(record);

    const fault = route.op === 'unknown' ? undefined : faults.take(route.op, route.artifact);
    if (await playFault(fault, route.kind, req, res, record)) return;

    try {
      if (route.kind === 'twirp') {
        const bearer = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
        const jobId = jobs.get(bearer);
        checkTwirpCall(req, jobId === undefined ? token : bearer, {
          status: 400,
          message: 'expected an application/json body',
        });
        const answer = twirp(route.method, parseJson(body), jobId!);
        record.status = 200;
        sendJson(res, answer);
      } else if (route.kind === 'blob') {
        const status = blob(req, url, route.id, body, res);
        record.status = status;
      } else {
        throw new HttpError(404, 'bad_route', `no route for ${req.method} ${url.pathname}`);
      }
    } catch (error) {
      record.status = answerError(res, route.kind, error);
    }
  }

  type Route =
    | { kind: 'twirp'; op: TwirpMethod; method: TwirpMethod; artifact: string | undefined }
    | { kind: 'blob'; op: BlobOp; id: number; artifact: string | undefined }
    | { kind: 'unknown'; op: 'unknown'; artifact: undefined };

  function classify(method: string, url: URL, body: Buffer): Route {
    const name = twirpMethod(url, TWIRP_PREFIX, TWIRP_METHODS);
    if (name)
      return { kind: 'twirp', op: name, method: name, artifact: peekString(body, 'name', 'name_filter') };
    const m = /^\/blob\/(\d+)\/[^/]+$/.exec(url.pathname);
    if (m) {
      const id = Number(m[1]);
      const artifact = stored.find((a) => a.id === id)?.name;
      const op: BlobOp = method === 'GET' ? 'GetBlob' : putOp(url);
      return { kind: 'blob', op, id, artifact };
    }
    return { kind: 'unknown', op: 'unknown', artifact: undefined };
  }

  /** A job acts on its own artifacts: the ids must be the run's and the token's job's. */
  function checkIds(req: Record<string, unknown>, jobId: string): void {
    if (
      req['workflow_run_backend_id'] !== workflowRunBackendId ||
      req['workflow_job_run_backend_id'] !== jobId
    ) {
      throw new HttpError(
        400,
        'invalid_argument',
        'workflow_run_backend_id / workflow_job_run_backend_id do not match the token',
      );
    }
  }

  /** Ids of any job of this run (what the client sends when it acts on an artifact it listed). */
  function checkRunIds(req: Record<string, unknown>): void {
    if (
      req['workflow_run_backend_id'] !== workflowRunBackendId ||
      ![...jobs.values()].includes(String(req['workflow_job_run_backend_id']))
    ) {
      throw new HttpError(400, 'invalid_argument', 'the backend ids are not of this workflow run');
    }
  }

  function twirp(method: TwirpMethod, req: Record<string, unknown>, jobId: string): unknown {
    switch (method) {
      case 'CreateArtifact': {
        checkIds(req, jobId);
        const name = req['name'];
        if (typeof name !== 'string' || !name)
          throw new HttpError(400, 'invalid_argument', 'name is required');
        if (/[":<>|*?\r\n\\/]/.test(name))
          throw new HttpError(400, 'invalid_argument', `invalid artifact name ${name}`);
        const existing = live(name);
        if (existing?.finalized) {
          throw new HttpError(
            409,
            'already_exists',
            `an artifact with this name already exists on the workflow run: ${name}`,
          );
        }
        if (existing) existing.deleted = true; // an unfinished earlier attempt is replaced
        const expiresAt = req['expires_at'];
        if (
          expiresAt !== undefined &&
          (typeof expiresAt !== 'string' || Number.isNaN(Date.parse(expiresAt)))
        ) {
          throw new HttpError(400, 'invalid_argument', `expires_at is not a timestamp: ${String(expiresAt)}`);
        }
        const mimeType = typeof req['mime_type'] === 'string' ? req['mime_type'] : undefined;
        const artifact: StoredArtifact = {
          id: nextId++,
          name,
          workflowRunBackendId,
          workflowJobRunBackendId: jobId,
          version: Number(req['version'] ?? 0),
          mimeType,
          zipped: (mimeType ?? 'application/zip') === 'application/zip',
          expiresAt: expiresAt as string | undefined,
          createdAt: new Date().toISOString(),
          bytes: Buffer.alloc(0),
          committed: false,
          blobContentType: undefined,
          finalized: false,
          declaredSize: undefined,
          declaredHash: undefined,
          deleted: false,
          attempt,
        };
        stored.push(artifact);
        blocks.set(artifact.id, new Map());
        const sig = randomBytes(18).toString('base64url');
        signatures.set(artifact.id, sig);
        const query = sasQuery({ sv: '2023-11-03', se: sasExpiry(), sr: 'b', sp: 'cw', sig });
        const signed = `${baseUrl}blob/${artifact.id}/${encodeURIComponent(name)}?${query}`;
        return { ok: true, signed_upload_url: signed };
      }
      case 'FinalizeArtifact': {
        checkIds(req, jobId);
        const name = String(req['name'] ?? '');
        const artifact = live(name);
        if (!artifact) throw new HttpError(404, 'not_found', `no artifact named ${name}`);
        if (!artifact.committed)
          throw new HttpError(412, 'failed_precondition', `nothing was uploaded for ${name}`);
        const size = req['size'] === undefined ? 0 : Number(req['size']);
        if (size !== artifact.bytes.length) {
          throw new HttpError(
            400,
            'invalid_argument',
            `size ${size} does not match the ${artifact.bytes.length} bytes uploaded`,
          );
        }
        const hash = typeof req['hash'] === 'string' ? req['hash'] : undefined;
        const actual = `sha256:${createHash('sha256').update(artifact.bytes).digest('hex')}`;
        if (hash !== undefined && hash !== actual) {
          throw new HttpError(400, 'invalid_argument', `hash ${hash} does not match the uploaded ${actual}`);
        }
        artifact.declaredSize = size;
        artifact.declaredHash = hash;
        artifact.finalized = true;
        return { ok: true, artifact_id: String(artifact.id) };
      }
      case 'ListArtifacts': {
        if (req['workflow_run_backend_id'] !== workflowRunBackendId) {
          throw new HttpError(400, 'invalid_argument', 'workflow_run_backend_id does not match the token');
        }
        const nameFilter = req['name_filter'];
        const idFilter = req['id_filter'];
        const found = stored.filter(
          (a) =>
            a.finalized &&
            !a.deleted &&
            (nameFilter === undefined || a.name === nameFilter) &&
            (idFilter === undefined || String(a.id) === String(idFilter)),
        );
        return {
          artifacts: found.map((a) => ({
            workflow_run_backend_id: a.workflowRunBackendId,
            workflow_job_run_backend_id: a.workflowJobRunBackendId,
            database_id: String(a.id),
            name: a.name,
            size: String(a.bytes.length),
            created_at: a.createdAt,
            ...(a.declaredHash ? { digest: a.declaredHash } : {}),
          })),
        };
      }
      case 'GetSignedArtifactURL': {
        // Any job of the run may download: the ids are those of the job that made the artifact.
        checkRunIds(req);
        const name = String(req['name'] ?? '');
        const artifact = live(name);
        if (!artifact?.finalized) throw new HttpError(404, 'not_found', `no artifact named ${name}`);
        if (artifact.attempt < attempt && earlierAttempts === 'not-found') {
          throw new HttpError(404, 'not_found', 'workflow run not found');
        }
        const sig = signatures.get(artifact.id)!;
        return {
          signed_url: `${baseUrl}blob/${artifact.id}/${encodeURIComponent(name)}?${sasQuery({ sv: '2023-11-03', sp: 'r', sig })}`,
        };
      }
      case 'DeleteArtifact': {
        // The client sends the ids of the job that made the artifact (an earlier attempt's, say).
        checkRunIds(req);
        const name = String(req['name'] ?? '');
        const artifact = live(name);
        if (!artifact?.finalized) throw new HttpError(404, 'not_found', `no artifact named ${name}`);
        artifact.deleted = true;
        return { ok: true, artifact_id: String(artifact.id) };
      }
    }
  }

  /** Azure Blob Storage semantics for the calls BlockBlobClient.uploadStream makes, plus Put Blob and Get Blob. */
  function blob(req: IncomingMessage, url: URL, id: number, body: Buffer, res: ServerResponse): number {
    const artifact = signedBlob(
      stored.find((a) => a.id === id && !a.deleted),
      url,
      () => signatures.get(id),
    );
    rejectStructuredBody(req);
    const headers = {
      etag: `"0x${randomBytes(8).toString('hex').toUpperCase()}"`,
      'last-modified': new Date().toUTCString(),
      ...storageHeaders(),
      'x-ms-request-server-encrypted': 'true',
    };
    if (req.method === 'GET') {
      if (!artifact.committed) throw new HttpError(404, 'BlobNotFound', 'the blob does not exist');
      const disposition = contentDisposition(artifact.name);
      res.writeHead(200, {
        ...headers,
        'content-length': String(artifact.bytes.length),
        'content-type': artifact.blobContentType ?? 'application/octet-stream',
        'x-ms-blob-type': 'BlockBlob',
        // As the real signed download URL's rscd parameter does: downloads are named after the artifact.
        ...(disposition !== undefined && { 'content-disposition': disposition }),
      });
      res.end(artifact.bytes);
      return 200;
    }
    if (req.method !== 'PUT')
      throw new HttpError(405, 'UnsupportedHttpVerb', `${req.method} is not supported`);
    if (artifact.finalized) throw new HttpError(409, 'BlobImmutable', 'the artifact is already finalized');
    const bytes = receivePut(req, url, body, blocks.get(id)!);
    if (bytes !== undefined) commit(artifact, bytes, req.headers['x-ms-blob-content-type']);
    res.writeHead(201, { ...headers, 'content-length': '0' });
    res.end();
    return 201;
  }

  function commit(artifact: StoredArtifact, bytes: Buffer, contentType: string | string[] | undefined): void {
    artifact.bytes = bytes;
    artifact.committed = true;
    artifact.blobContentType = Array.isArray(contentType) ? contentType[0] : contentType;
  }

  const server = await listenLoopback(handle);
  baseUrl = server.baseUrl;
  const stepEnv = (runtime: string) => ({
    ACTIONS_RESULTS_URL: baseUrl,
    ACTIONS_RUNTIME_TOKEN: runtime,
    GITHUB_SERVER_URL: serverUrl,
    GITHUB_REPOSITORY: repository,
    GITHUB_RUN_ID: runId,
  });

  return {
    url: baseUrl,
    workflowRunBackendId,
    workflowJobRunBackendId,
    env: () => stepEnv(token),
    jobEnv: () => {
      const jobId = randomUUID();
      const jobToken = runtimeToken(workflowRunBackendId, jobId);
      jobs.set(jobToken, jobId);
      return stepEnv(jobToken);
    },
    artifacts: () => stored.map((a) => ({ ...a })),
    artifact: (name) => {
      const a = live(name);
      return a && { ...a };
    },
    inject: (fault) => faults.add(fault),
    pendingFaults: () => faults.pending(),
    requests: () => log.map((r) => ({ ...r })),
    rerunFailedJobs: (o = {}) => {
      attempt += 1;
      earlierAttempts = o.earlierAttempts ?? 'not-found';
    },
    publicDownloadUrl: (id) => {
      const a = stored.find((x) => x.id === id && x.finalized && !x.deleted);
      if (!a) return undefined;
      const query = sasQuery({ sv: '2023-11-03', sp: 'r', sig: signatures.get(a.id)! });
      return `${baseUrl}blob/${a.id}/${encodeURIComponent(a.name)}?${query}`;
    },
    close: () => server.close(),
  };
}
