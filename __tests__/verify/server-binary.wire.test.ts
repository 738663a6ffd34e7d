// The server-binary adapter over the wire: the real Octokit client against the GitHub stand-in,
// real zips (the `zip` tool, as upstream packs its assets), the real @actions/tool-cache.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTarget, type Target } from '../../src/build/targets';
import { createGitHubClient } from '../../src/github/client';
import { elfHeaderFor } from '../../src/verify/emulation';
import { assetLister, serverBinaryFor, type ServerBinary } from '../../src/verify/server-binary';
import { startGitHubStandIn, type GitHubStandIn } from '../support/github';

const TOKEN = 'ghs_private';
const root = mkdtempSync(join(tmpdir(), 'flow-server-binary-'));
const amd64 = parseTarget('linux-amd64');
const arm7 = parseTarget('linux-arm-7');
let gh: GitHubStandIn;
const savedToolCache = process.env.RUNNER_TOOL_CACHE;

/** A file that starts like an executable of the target (enough for the ELF check). */
function fakeBinary(target: Target, tag: string): Buffer {
  return Buffer.concat([
    Buffer.from(elfHeaderFor(target, 2)),
    Buffer.alloc(44),
    Buffer.from(`server ${tag}`),
  ]);
}

/** `gotify-linux-<arch>.zip` the way upstream packs it: the flat binary and LICENSE (`zip -j`). */
function upstreamZip(target: Target, tag: string): Buffer {
  const dir = mkdtempSync(join(root, 'zip-'));
  writeFileSync(join(dir, `gotify-${target.name}`), fakeBinary(target, tag));
  writeFileSync(join(dir, 'LICENSE'), 'MIT\n');
  execFileSync('zip', [
    '-q',
    '-j',
    join(dir, 'a.zip'),
    join(dir, `gotify-${target.name}`),
    join(dir, 'LICENSE'),
  ]);
  return readFileSync(join(dir, 'a.zip'));
}

beforeAll(async () => {
  const files = { 'go.mod': 'module github.com/gotify/server/v2\n\ngo 1.22\n', GO_VERSION: '1.22.4\n' };
  gh = await startGitHubStandIn({
    repos: {
      'gotify/server': {
        private: true,
        token: TOKEN,
        commits: { a: files },
        tags: { 'v2.5.0': 'a', 'v2.4.0': 'a' },
        releases: [
          {
            tag: 'v2.5.0',
            assets: [
              { name: 'gotify-linux-amd64.zip', content: upstreamZip(amd64, 'v2.5.0') },
              { name: 'gotify-linux-arm-7.zip', content: upstreamZip(amd64, 'v2.5.0') }, // wrong arch inside
              { name: 'bare-linux-arm-7', content: fakeBinary(arm7, 'v2.5.0') },
            ],
          },
        ],
      },
    },
  });
});

afterAll(async () => {
  await gh?.close();
  if (savedToolCache === undefined) delete process.env.RUNNER_TOOL_CACHE;
  else process.env.RUNNER_TOOL_CACHE = savedToolCache;
  rmSync(root, { recursive: true, force: true });
});

async function get(
  target: Target,
  opts: { tag?: string; asset?: string; binary?: string; toolCache?: string } = {},
): Promise<ServerBinary> {
  if (opts.toolCache) process.env.RUNNER_TOOL_CACHE = opts.toolCache;
  else delete process.env.RUNNER_TOOL_CACHE;
  const octokit = createGitHubClient({ token: TOKEN, baseUrl: gh.url, retryBaseMs: 1 });
  const tag = opts.tag ?? 'v2.5.0';
  return serverBinaryFor({
    octokit,
    config: {
      server: { owner: 'gotify', repo: 'server' },
      serverAsset: opts.asset ?? '{owner}-{target}.zip',
      ...(opts.binary !== undefined && { serverBinary: opts.binary }),
      workspace: root,
    },
    tag,
    target,
    listAssets: assetLister(octokit, { owner: 'gotify', repo: 'server', tag }),
    tempDir: join(root, 'tmp'),
    toolCache: Boolean(opts.toolCache),
    log: () => undefined,
  });
}

const assetDownloads = () =>
  gh.requestsTo('GET', /^\/repos\/gotify\/server\/releases\/assets\/\d+/).filter((q) => q.status === 200);

describe('serverBinaryFor', () => {
  it('downloads the zip of a private release with the token, unzips it, keeps the binary in the tool cache', async () => {
    const toolCache = join(root, 'tc');
    const before = assetDownloads().length;
    const first = await get(amd64, { toolCache });
    expect(first).toMatchObject({ ok: true, cached: false, source: 'gotify-linux-amd64.zip' });
    if (!first.ok) return;
    expect(first.path.startsWith(join(toolCache, 'flow-server-gotify-server'))).toBe(true);
    expect(readFileSync(first.path).subarray(64).toString()).toBe('server v2.5.0');
    const sent = assetDownloads().slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.accept).toBe('application/octet-stream');
    expect(sent[0]!.headers.authorization).toBe(`token ${TOKEN}`);
    // A re-run (a new process: a new lister) finds it in the tool cache: no request at all.
    const requests = gh.requests.length;
    const again = await get(amd64, { toolCache });
    expect(again).toEqual({ ...first, cached: true });
    expect(gh.requests.length).toBe(requests);
  });

  it('a bare binary asset', async () => {
    const r = await get(arm7, { asset: 'bare-{target}' });
    expect(r).toMatchObject({ ok: true, cached: false, source: 'bare-linux-arm-7' });
  });

  it('an asset holding another architecture: not verified, saying what is inside', async () => {
    expect(await get(arm7)).toEqual({
      ok: false,
      reason: 'gotify-linux-arm-7.zip holds no linux-arm-7 executable (it has LICENSE, gotify-linux-amd64)',
    });
  });

  it('no such asset: the reason names what the release has and the input to set', async () => {
    expect(await get(parseTarget('linux-arm64'))).toEqual({
      ok: false,
      reason:
        'the release v2.5.0 of gotify/server has no asset gotify-linux-arm64.zip (it has gotify-linux-amd64.zip, gotify-linux-arm-7.zip, bare-linux-arm-7); set server-asset to its naming',
    });
  });

  it('a tag without a release: not verified, with the reason', async () => {
    expect(await get(amd64, { tag: 'v2.4.0' })).toEqual({
      ok: false,
      reason: 'gotify/server v2.4.0 is a tag without a published release, so it has no server binaries',
    });
  });

  it('server-binary: the user’s own server, checked to be for the target', async () => {
    mkdirSync(join(root, 'own'), { recursive: true });
    writeFileSync(join(root, 'own', 'gotify-linux-amd64'), fakeBinary(amd64, 'own'));
    expect(await get(amd64, { binary: 'own/gotify-{target}' })).toEqual({
      ok: true,
      path: join(root, 'own', 'gotify-linux-amd64'),
      source: join(root, 'own', 'gotify-linux-amd64'),
      cached: false,
    });
    writeFileSync(join(root, 'own', 'gotify-linux-arm-7'), fakeBinary(amd64, 'own'));
    expect(await get(arm7, { binary: 'own/gotify-{target}' })).toEqual({
      ok: false,
      reason: `server-binary ${join(root, 'own', 'gotify-linux-arm-7')} is not a linux-arm-7 executable`,
    });
    expect(await get(parseTarget('linux-386'), { binary: 'own/gotify-{target}' })).toEqual({
      ok: false,
      reason: `server-binary ${join(root, 'own', 'gotify-linux-386')} does not exist`,
    });
  });
});
