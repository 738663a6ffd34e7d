// Adapter: the server binary of one target - the user's own (`server-binary`), or the release
// asset downloaded through the API, unzipped, and kept with @actions/tool-cache under repository,
// tag and target, so re-runs and matrix jobs on one runner download it once. Anything missing is
// an answer with a reason (the target is then not verified), never an exception.
import { listed as listedText } from '../log-text';
import { chmod, copyFile, mkdir, mkdtemp, open, readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import * as tc from '@actions/tool-cache';
import type { Octokit } from '@octokit/rest';
import { expectedElf, readElfHeader, type Target } from '../build/targets';
import { downloadServerAsset, listServerAssets, type ServerAssets } from '../github/server-assets';
import { isZipAsset, renderServerTemplate, serverAssetVars, toolCacheKey } from './asset';

export type ServerBinary =
  { ok: true; path: string; source: string; cached: boolean } | { ok: false; reason: string };

export interface BinarySourceConfig {
  server: { owner: string; repo: string };
  /** The `server-asset` template. */
  serverAsset: string;
  /** The `server-binary` path template, when the user brings the server. */
  serverBinary?: string;
  workspace: string;
}

/** Lists the release's assets once per run, whatever the number of targets. */
export function assetLister(octokit: Octokit, q: { owner: string; repo: string; tag: string }) {
  let listed: Promise<ServerAssets> | undefined;
  return () => (listed ??= listServerAssets(octokit, q));
}

async function elfOf(path: string) {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(64);
    const { bytesRead } = await fh.read(buf, 0, 64, 0);
    return readElfHeader(buf.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}

async function isBinaryFor(path: string, target: Target): Promise<boolean> {
  const elf = await elfOf(path).catch(() => undefined);
  const want = expectedElf(target);
  return elf !== undefined && elf.machine === want.machine && elf.bits === want.bits;
}

/** Regular files under `dir` (two levels deep: zips hold the binary flat, or in one folder). */
async function filesIn(dir: string, depth = 2): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isFile()) out.push(p);
    else if (e.isDirectory() && depth > 1) out.push(...(await filesIn(p, depth - 1)));
  }
  return out.sort();
}

export async function serverBinaryFor(args: {
  octokit: Octokit;
  config: BinarySourceConfig;
  tag: string;
  target: Target;
  listAssets: () => Promise<ServerAssets>;
  /** A folder for downloads and extraction (under RUNNER_TEMP). */
  tempDir: string;
  /** Keep the downloaded server in the runner's tool cache (the runner has one: RUNNER_TOOL_CACHE). */
  toolCache?: boolean;
  log: (msg: string) => void;
}): Promise<ServerBinary> {
  const { octokit, config, tag, target, log } = args;
  const { owner, repo } = config.server;
  const vars = serverAssetVars({ owner, repo, tag }, target);

  if (config.serverBinary) {
    const rendered = renderServerTemplate('server-binary', config.serverBinary, vars);
    const path = isAbsolute(rendered) ? rendered : resolve(config.workspace, rendered);
    const st = await stat(path).catch(() => undefined);
    if (!st?.isFile()) return { ok: false, reason: `server-binary ${path} does not exist` };
    if (!(await isBinaryFor(path, target))) {
      return { ok: false, reason: `server-binary ${path} is not a ${target.name} executable` };
    }
    return { ok: true, path, source: path, cached: false };
  }

  const assetName = renderServerTemplate('server-asset', config.serverAsset, vars);
  const key = toolCacheKey({ repository: `${owner}/${repo}`, tag }, target, assetName);
  const toolCache = args.toolCache ?? false;
  if (toolCache) {
    const dir = tc.find(key.tool, key.version, key.arch);
    if (dir) {
      const path = join(dir, 'server');
      if (await isBinaryFor(path, target)) return { ok: true, path, source: assetName, cached: true };
    }
  }

  const listed = await args.listAssets();
  if (!listed.found) return { ok: false, reason: listed.reason };
  const asset =
    listed.assets.find((a) => a.name === assetName) ??
    listed.assets.find((a) => a.name.toLowerCase() === assetName.toLowerCase());
  if (!asset) {
    const names = listed.assets.map((a) => a.name);
    return {
      ok: false,
      reason:
        `the release ${tag} of ${owner}/${repo} has no asset ${assetName}` +
        (names.length > 0
          ? ` (it has ${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''}); set server-asset to its naming`
          : ' (it has no assets)'),
    };
  }

  await mkdir(args.tempDir, { recursive: true });
  const work = await mkdtemp(join(args.tempDir, `server-${target.name}-`));
  const downloaded = join(work, 'download');
  try {
    log(`Downloading ${assetName} (${asset.size} bytes) from ${owner}/${repo} ${tag}`);
    await downloadServerAsset(octokit, { owner, repo, asset }, downloaded);
  } catch (e) {
    return { ok: false, reason: `the download of ${assetName} failed: ${(e as Error).message}` };
  }

  let binary: string | undefined;
  if (isZipAsset(assetName)) {
    const out = join(work, 'unzipped');
    await mkdir(out);
    try {
      await tc.extractZip(downloaded, out);
    } catch (e) {
      const msg = (e as Error).message;
      return {
        ok: false,
        reason: /unable to locate executable file: unzip/i.test(msg)
          ? `${assetName} cannot be unzipped: this runner has no unzip (install it, e.g. apt-get install unzip)`
          : `${assetName} cannot be unzipped: ${msg}`,
      };
    }
    const files = await filesIn(out);
    const candidates: string[] = [];
    for (const f of files) if (await isBinaryFor(f, target)) candidates.push(f);
    binary = candidates.find((f) => f.endsWith(`-${vars.target}`)) ?? candidates[0];
    if (!binary) {
      return {
        ok: false,
        reason: `${assetName} holds no ${target.name} executable (it has ${listedText(files.map((f) => f.slice(out.length + 1))) || 'nothing'})`,
      };
    }
  } else {
    if (!(await isBinaryFor(downloaded, target))) {
      return { ok: false, reason: `the release asset ${assetName} is not a ${target.name} executable` };
    }
    binary = downloaded;
  }

  const staged = join(work, 'cache');
  await mkdir(staged);
  await copyFile(binary, join(staged, 'server'));
  await chmod(join(staged, 'server'), 0o755);
  if (!toolCache) return { ok: true, path: join(staged, 'server'), source: assetName, cached: false };
  try {
    const dir = await tc.cacheDir(staged, key.tool, key.version, key.arch);
    return { ok: true, path: join(dir, 'server'), source: assetName, cached: false };
  } catch (e) {
    log(`Could not keep ${assetName} in the tool cache: ${(e as Error).message}`);
    return { ok: true, path: join(staged, 'server'), source: assetName, cached: false };
  }
}
