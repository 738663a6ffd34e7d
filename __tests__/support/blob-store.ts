// Azure-Blob-Storage-style request handling shared by the local stand-ins for the Actions results
// service (results-service.ts) and the cache service v2 (cache-service.ts): the upload calls
// BlockBlobClient makes (Put Block / Put Block List, Put Blob), signed (SAS-style) URLs, and the
// storage XML error body. Each stand-in keeps its own blobs, signatures and response headers.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError } from './twirp';

export type PutOp = 'PutBlock' | 'PutBlockList' | 'PutBlob';

/** Which upload call a PUT (or any other non-read request) is, by its `comp` query parameter. */
export function putOp(url: URL): PutOp {
  const comp = url.searchParams.get('comp');
  return comp === 'block' ? 'PutBlock' : comp === 'blocklist' ? 'PutBlockList' : 'PutBlob';
}

/** The query of a signed URL: `name=value` pairs in the given order, values URI-encoded. */
export function sasQuery(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');
}

/** When a signed URL stops being valid (`se`): an hour from now. */
export function sasExpiry(): string {
  return new Date(Date.now() + 3600_000).toISOString();
}

/** The blob a signed URL is for, once its `sig` is the expected one (403 AuthenticationFailed otherwise, or without a blob). */
export function signedBlob<T>(
  blob: T | undefined,
  url: URL,
  expectedSig: (blob: T) => string | undefined,
): T {
  if (blob === undefined || url.searchParams.get('sig') !== expectedSig(blob)) {
    throw new HttpError(403, 'AuthenticationFailed', 'the signature of the URL is not valid');
  }
  return blob;
}

/** The client sends CRC64 structured messages only with contentChecksumAlgorithm set; neither @actions package does. */
export function rejectStructuredBody(req: IncomingMessage): void {
  if (req.headers['x-ms-structured-body']) {
    throw new HttpError(
      400,
      'UnsupportedHeader',
      'structured message bodies are not implemented by the stand-in',
    );
  }
}

/** Headers every storage answer carries. */
export function storageHeaders(): Record<string, string> {
  return {
    'x-ms-request-id': randomUUID(),
    'x-ms-version': '2025-11-05',
    date: new Date().toUTCString(),
  };
}

/**
 * An upload call on one block blob whose uncommitted blocks are `staged`. Put Block stages its body
 * under its block id and gives undefined; Put Block List gives the staged blocks it names, in order
 * (and clears the staged ones); Put Blob gives the body. What is given is for the caller to commit.
 */
export function receivePut(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  staged: Map<string, Buffer>,
): Buffer | undefined {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) !== body.length) {
    throw new HttpError(
      400,
      'InvalidHeaderValue',
      `content-length ${declared} but ${body.length} bytes arrived`,
    );
  }
  const comp = url.searchParams.get('comp');
  if (comp === 'block') {
    const blockId = url.searchParams.get('blockid');
    if (!blockId || Buffer.from(blockId, 'base64').length === 0) {
      throw new HttpError(400, 'InvalidQueryParameterValue', 'blockid is missing or not base64');
    }
    staged.set(blockId, body);
    return undefined;
  }
  if (comp === 'blocklist') {
    const bytes = assembleBlockList(body.toString('utf8'), staged);
    staged.clear();
    return bytes;
  }
  if (comp !== null) throw new HttpError(400, 'InvalidQueryParameterValue', `comp=${comp} is not supported`);
  if (req.headers['x-ms-blob-type'] !== 'BlockBlob') {
    throw new HttpError(400, 'MissingRequiredHeader', 'Put Blob needs x-ms-blob-type: BlockBlob');
  }
  return body;
}

/** The blob a `<BlockList>` document describes, from the staged blocks it names (Committed ones are not kept). */
export function assembleBlockList(xml: string, staged: Map<string, Buffer>): Buffer {
  if (!/<BlockList\s*\/?>/.test(xml))
    throw new HttpError(400, 'InvalidXmlDocument', 'expected a <BlockList> document');
  const parts: Buffer[] = [];
  for (const m of xml.matchAll(/<(Latest|Uncommitted|Committed)>([^<]*)<\/\1>/g)) {
    const blockId = decodeXml(m[2]!);
    const data = m[1] === 'Committed' ? undefined : staged.get(blockId);
    if (!data) throw new HttpError(400, 'InvalidBlockList', `block ${blockId} was not staged`);
    parts.push(data);
  }
  return Buffer.concat(parts);
}

/** A storage XML error (`headOnly`: without the body, as for a HEAD request). */
export function sendStorageError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  extra: Record<string, string> = {},
  headOnly = false,
): void {
  const xml = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${escapeXml(message)}\nRequestId:${randomUUID()}\nTime:${new Date().toISOString()}</Message></Error>`;
  res.writeHead(status, {
    'content-type': 'application/xml',
    'x-ms-error-code': code,
    'x-ms-request-id': randomUUID(),
    'content-length': String(Buffer.byteLength(xml)),
    ...extra,
  });
  res.end(headOnly ? undefined : xml);
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function decodeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
