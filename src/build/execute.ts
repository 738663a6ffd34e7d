// Running a build plan: image checks, the per-target builds in parallel, and the checks on what
// they produce (ELF machine, rename into place, hash). Uses the Docker adapter; no toolkit.
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { inspectImageArgv, pullImageArgv } from './argv';
import type { Docker } from './docker';
import type { BuildPlan, PlannedTarget } from './plan';
import { expectedElf, readElfHeader, type Target } from './targets';
import type { PullPolicy } from '../inputs';
import { onCancel } from '../fs/cleanup';
import { describeFsError } from '../fs/problems';
import { sha256File } from '../publish/checksums';
import { registryRefusal } from './registry-errors';
import { isInconsistentVendoring, VENDOR_FIX } from './vendor';

export class BuildError extends Error {
  override name = 'BuildError';
}

export interface ImageCheck {
  image: string;
  targets: Target[];
  ok: boolean;
  pulled: boolean;
  /** The image's ID (`docker image inspect` .Id, `sha256:...`) when it is present. */
  id?: string;
  detail?: string;
  /** What to do when the registry refused the pull (a rate limit, a login), not a missing tag. */
  fix?: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function pullWithRetries(docker: Docker, image: string, attempts: number, baseDelayMs: number) {
  let last = { exitCode: 1, output: '' };
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await sleep(baseDelayMs * 2 ** (i - 1));
    last = await docker.run(pullImageArgv(image));
    if (last.exitCode === 0) return last;
    // A tag that does not exist will not appear by retrying, nor a rate limit lift in seconds.
    if (/not found|manifest unknown|does not exist/i.test(last.output) || registryRefusal(last.output)) break;
  }
  return last;
}

/** Makes sure every image exists locally (pulling per the policy); reports each. */
export async function checkImages(
  docker: Docker,
  images: BuildPlan['images'],
  pull: PullPolicy,
  opts: { pullAttempts?: number; pullDelayMs?: number } = {},
): Promise<ImageCheck[]> {
  const results: ImageCheck[] = [];
  for (const { image, targets } of images) {
    const id = pull !== 'always' ? await inspectId(docker, image) : undefined;
    if (id !== undefined) {
      results.push({ image, targets, ok: true, pulled: false, ...(id && { id }) });
      continue;
    }
    if (pull === 'never') {
      results.push({
        image,
        targets,
        ok: false,
        pulled: false,
        detail: 'not present locally and pull is "never"',
      });
      continue;
    }
    const r = await pullWithRetries(docker, image, opts.pullAttempts ?? 3, opts.pullDelayMs ?? 2000);
    const pulledId = r.exitCode === 0 ? await inspectId(docker, image) : undefined;
    const refused = r.exitCode === 0 ? undefined : registryRefusal(r.output);
    if (refused) {
      results.push({ image, targets, ok: false, pulled: false, detail: refused.reason, fix: refused.fix });
      continue;
    }
    results.push(
      r.exitCode === 0
        ? { image, targets, ok: true, pulled: true, ...(pulledId && { id: pulledId }) }
        : {
            image,
            targets,
            ok: false,
            pulled: false,
            detail: lastLine(r.output) || `docker pull exited ${r.exitCode}`,
          },
    );
  }
  return results;
}

/** The image's ID when it is present locally ('' when docker printed none), else undefined. */
async function inspectId(docker: Docker, image: string): Promise<string | undefined> {
  const r = await docker.run(inspectImageArgv(image));
  if (r.exitCode !== 0) return undefined;
  return /^sha256:[0-9a-f]{64}$/.exec(r.output.trim())?.[0] ?? '';
}

/** The message for images that could not be had, naming Go version and targets. */
export function missingImagesMessage(missing: ImageCheck[], goVersion: string): string {
  const lines = missing.map(
    (m) =>
      `  ${m.image} (Go ${goVersion}, ${m.targets.map((t) => t.name).join(', ')}): ${m.detail ?? 'missing'}`,
  );
  const fixes = [...new Set(missing.flatMap((m) => (m.fix ? [m.fix] : [])))];
  return [
    `No builder image for ${missing.length === 1 ? 'this target' : 'these targets'}:`,
    ...lines,
    ...(fixes.length > 0
      ? fixes
      : [
          'Not every architecture exists for every Go version: remove the target from `targets`, build for a newer server, or set `build-image` to an image that has these tags.',
        ]),
  ].join('\n');
}

function lastLine(s: string): string {
  return s.trim().split('\n').at(-1)?.trim() ?? '';
}

export interface TargetResult {
  target: Target;
  image: string;
  fileName: string;
  path: string;
  ok: boolean;
  durationMs: number;
  argv: string[];
  output: string;
  size?: number;
  sha256?: string;
  error?: string;
}

async function readHead(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(64);
    const { bytesRead } = await fh.read(buf, 0, 64, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

const ELF_NAMES: Record<number, string> = {
  3: 'x86 (386)',
  62: 'x86-64',
  40: 'ARM',
  183: 'AArch64',
  243: 'RISC-V',
};

/** Builds one target: run, check the ELF header, rename into place, hash. Never throws. */
export async function buildTarget(docker: Docker, t: PlannedTarget): Promise<TargetResult> {
  const started = Date.now();
  const base = { target: t.target, image: t.image, fileName: t.fileName, path: t.path, argv: t.argv };
  const fail = async (error: string, output: string): Promise<TargetResult> => {
    await rm(t.tempPath, { force: true });
    return { ...base, ok: false, durationMs: Date.now() - started, output, error };
  };
  // A cancelled run removes the partial file (the container writes it; it is renamed when good).
  const done = onCancel(`partial file ${t.tempPath}`, () => rm(t.tempPath, { force: true }));
  try {
    return await buildAndCheck(docker, t, started, base, fail);
  } finally {
    done();
  }
}

async function buildAndCheck(
  docker: Docker,
  t: PlannedTarget,
  started: number,
  base: Pick<TargetResult, 'target' | 'image' | 'fileName' | 'path' | 'argv'>,
  fail: (error: string, output: string) => Promise<TargetResult>,
): Promise<TargetResult> {
  const r = await docker.run(t.argv);
  if (r.exitCode !== 0) {
    const vendor = isInconsistentVendoring(r.output) ? `: ${VENDOR_FIX}` : '';
    return fail(`go build exited with code ${r.exitCode}${vendor}`, r.output);
  }
  try {
    const elf = readElfHeader(await readHead(t.tempPath));
    const want = expectedElf(t.target);
    if (!elf) return fail('the build wrote a file that is not an ELF shared object', r.output);
    if (elf.machine !== want.machine || elf.bits !== want.bits) {
      return fail(
        `the image ${t.image} built for ${ELF_NAMES[elf.machine] ?? `machine ${elf.machine}`} (${elf.bits}-bit), not for ${t.target.name}: check the image's GOARCH`,
        r.output,
      );
    }
    await rename(t.tempPath, t.path);
    const size = (await stat(t.path)).size;
    const sha256 = await sha256File(t.path);
    return { ...base, ok: true, durationMs: Date.now() - started, output: r.output, size, sha256 };
  } catch (e) {
    return fail(`the build's output could not be read: ${(e as Error).message}`, r.output);
  }
}

/** Runs the targets with at most `parallel` at once; reports each as it finishes; keeps plan order. */
export async function buildAll(
  docker: Docker,
  plan: BuildPlan,
  parallel: number,
  onDone: (r: TargetResult) => void | Promise<void>,
): Promise<TargetResult[]> {
  const results: TargetResult[] = new Array(plan.targets.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < plan.targets.length) {
      const i = next++;
      const r = await buildTarget(docker, plan.targets[i]!);
      results[i] = r;
      await onDone(r);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, plan.targets.length) }, worker));
  return results;
}

/** Creates the folders the containers mount (so they are owned by the runner, not by root). */
export async function prepareFolders(plan: BuildPlan, outputDir: string): Promise<void> {
  const folders: [string, string][] = [
    [outputDir, 'output-dir'],
    [plan.modCacheDir, 'the Go module cache folder (under RUNNER_TEMP)'],
    [plan.goCacheDir, 'the Go build cache folder (under RUNNER_TEMP)'],
  ];
  for (const [dir, what] of folders) {
    try {
      await mkdir(dir, { recursive: true });
    } catch (e) {
      throw new BuildError(`Cannot create ${what}: ${describeFsError(e, dir, 'a writable folder')}`);
    }
  }
}

export function failedTargetsMessage(results: TargetResult[]): string {
  const failed = results.filter((r) => !r.ok);
  return `${failed.length} of ${results.length} targets failed: ${failed.map((r) => `${r.target.name} (${r.error})`).join('; ')}`;
}
