// The build runner with Docker faked at its seam: image checks and pulls, partial failures, the
// checks on what a build wrote. No process is started.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAll, checkImages, failedTargetsMessage, missingImagesMessage } from '../../src/build/execute';
import type { Docker, DockerResult } from '../../src/build/docker';
import { planBuild } from '../../src/build/plan';
import { parseTargets } from '../../src/build/targets';

function elf(machine: number, bits: 32 | 64): Buffer {
  const b = Buffer.alloc(64);
  b.set([0x7f, 0x45, 0x4c, 0x46, bits === 64 ? 2 : 1, 1]);
  b.writeUInt16LE(machine, 18);
  return b;
}

/** A fake docker: answers by the first word after `run ... <image>` or by the subcommand. */
function fakeDocker(
  answer: (args: string[]) => DockerResult | Promise<DockerResult>,
): Docker & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async run(args) {
      calls.push(args);
      return answer(args);
    },
  };
}

const ok = (output = ''): DockerResult => ({ exitCode: 0, output });

describe('checkImages', () => {
  const images = planBuild({
    targets: parseTargets('linux-amd64,linux-riscv64'),
    buildImage: 'flow/build',
    goVersion: '1.22.4',
    serverTag: 'v2.0.0',
    pluginName: 'p',
    fileNameTemplate: '{name}-{target}.so',
    buildFlags: [],
    ldflags: '',
    pluginDir: '/p',
    outputDir: '/p/build',
    cacheDir: '/c',
    forwardEnv: [],
    dockerArgs: [],
    runId: 'x',
  }).images;

  it('missing: inspects, pulls only what is absent, and stops retrying a tag that does not exist', async () => {
    const docker = fakeDocker((args) => {
      if (args[0] === 'image')
        return args.at(-1)!.endsWith('amd64') ? ok('sha256:1') : { exitCode: 1, output: 'No such image' };
      return { exitCode: 1, output: 'Error response from daemon: manifest unknown' };
    });
    const checks = await checkImages(docker, images, 'missing', { pullDelayMs: 0 });
    expect(checks.map((c) => [c.image, c.ok, c.pulled])).toEqual([
      ['flow/build:1.22.4-linux-amd64', true, false],
      ['flow/build:1.22.4-linux-riscv64', false, false],
    ]);
    expect(docker.calls.filter((c) => c[0] === 'pull')).toEqual([
      ['pull', 'flow/build:1.22.4-linux-riscv64'],
    ]);
    expect(
      missingImagesMessage(
        checks.filter((c) => !c.ok),
        '1.22.4',
      ),
    ).toBe(
      [
        'No builder image for this target:',
        '  flow/build:1.22.4-linux-riscv64 (Go 1.22.4, linux-riscv64): Error response from daemon: manifest unknown',
        'Not every architecture exists for every Go version: remove the target from `targets`, build for a newer server, or set `build-image` to an image that has these tags.',
      ].join('\n'),
    );
  });

  it("Docker Hub's toomanyrequests: one pull, not retried, and the message says to log in first", async () => {
    const docker = fakeDocker((args) => {
      if (args[0] === 'image') return { exitCode: 1, output: 'No such image' };
      return {
        exitCode: 1,
        output:
          'Error response from daemon: toomanyrequests: You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit',
      };
    });
    const checks = await checkImages(docker, images.slice(0, 1), 'missing', { pullDelayMs: 0 });
    expect(docker.calls.filter((c) => c[0] === 'pull')).toHaveLength(1);
    const message = missingImagesMessage(checks, '1.22.4');
    expect(message).toContain(
      "flow/build:1.22.4-linux-amd64 (Go 1.22.4, linux-amd64): the registry refused the pull: too many requests (Docker Hub's pull rate limit",
    );
    expect(message).toContain('Log in to Docker Hub before this step (docker/login-action');
    expect(message).not.toContain('Not every architecture exists');
  });

  it('a registry that wants a login is said so, not as a missing architecture', async () => {
    const docker = fakeDocker((args) =>
      args[0] === 'image'
        ? { exitCode: 1, output: 'No such image' }
        : { exitCode: 1, output: 'Error response from daemon: unauthorized: authentication required' },
    );
    const checks = await checkImages(docker, images.slice(0, 1), 'missing', { pullDelayMs: 0 });
    expect(missingImagesMessage(checks, '1.22.4')).toMatch(
      /needs a login for this image[\s\S]*Check build-image/,
    );
  });

  it('retries a pull that fails for a passing reason, at most three times', async () => {
    let pulls = 0;
    const docker = fakeDocker((args) => {
      if (args[0] === 'image') return { exitCode: 1, output: 'No such image' };
      pulls++;
      return pulls < 3 ? { exitCode: 1, output: 'net/http: TLS handshake timeout' } : ok();
    });
    const checks = await checkImages(docker, images.slice(0, 1), 'missing', { pullDelayMs: 0 });
    expect(checks[0]).toMatchObject({ ok: true, pulled: true });
    expect(pulls).toBe(3);
  });

  it('never: does not pull; always: pulls without looking', async () => {
    const never = fakeDocker(() => ({ exitCode: 1, output: 'No such image' }));
    const checks = await checkImages(never, images, 'never');
    expect(checks.every((c) => !c.ok && c.detail === 'not present locally and pull is "never"')).toBe(true);
    expect(never.calls.every((c) => c[0] === 'image')).toBe(true);

    const always = fakeDocker(() => ok());
    await checkImages(always, images, 'always');
    // Inspected after the pull only for the ID (the build cache key).
    expect(always.calls.map((c) => c[0])).toEqual(['pull', 'image', 'pull', 'image']);
  });

  it("records each image's ID, present or pulled (the build cache is keyed by it)", async () => {
    const id = (n: string) => `sha256:${n.repeat(64)}`;
    let pulled = false;
    const docker = fakeDocker((args) => {
      if (args[0] === 'pull') {
        pulled = true;
        return ok('pulled');
      }
      if (args.at(-1)!.endsWith('amd64')) return ok(`${id('a')}\n`);
      return pulled ? ok(id('b')) : { exitCode: 1, output: 'No such image' };
    });
    const checks = await checkImages(docker, images, 'missing', { pullDelayMs: 0 });
    expect(checks.map((c) => [c.pulled, c.id])).toEqual([
      [false, id('a')],
      [true, id('b')],
    ]);
  });
});

describe('buildAll', () => {
  function plan(targets: string) {
    const out = mkdtempSync(join(tmpdir(), 'flow-build-unit-'));
    return planBuild({
      targets: parseTargets(targets),
      buildImage: 'flow/build',
      goVersion: '1.22.4',
      serverTag: 'v2.0.0',
      pluginName: 'p',
      fileNameTemplate: '{name}-{target}.so',
      buildFlags: ['-a'],
      ldflags: '-w -s',
      pluginDir: '/p',
      outputDir: out,
      cacheDir: '/c',
      forwardEnv: [],
      dockerArgs: [],
      runId: 'r',
    });
  }
  /** Writes what the "container" would have written at -o /out/<name>. */
  const writes = (p: ReturnType<typeof plan>, content: (image: string) => Buffer | undefined) =>
    fakeDocker((args) => {
      const t = p.targets.find((x) => args.includes(x.image))!;
      const bytes = content(t.image);
      if (!bytes) return { exitCode: 1, output: './main.go:3:2: undefined: x\n' };
      writeFileSync(t.tempPath, bytes);
      return ok('built\n');
    });

  it('reports every target, keeps plan order, and renames only good outputs into place', async () => {
    const p = plan('linux-amd64,linux-arm64,linux-386');
    const docker = writes(p, (image) =>
      image.endsWith('arm64') ? undefined : image.endsWith('386') ? elf(3, 32) : elf(62, 64),
    );
    const seen: string[] = [];
    const results = await buildAll(docker, p, 2, (r) => {
      seen.push(r.target.name);
    });
    expect(results.map((r) => [r.target.name, r.ok])).toEqual([
      ['linux-amd64', true],
      ['linux-arm64', false],
      ['linux-386', true],
    ]);
    expect(seen.sort()).toEqual(['linux-386', 'linux-amd64', 'linux-arm64']);
    expect(results[0]!.size).toBe(64);
    expect(results[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(results[1]!.error).toBe('go build exited with code 1');
    expect(results[1]!.output).toContain('undefined: x');
    expect(readdirSync(join(p.targets[0]!.path, '..')).sort()).toEqual([
      'p-linux-386.so',
      'p-linux-amd64.so',
    ]);
    expect(failedTargetsMessage(results)).toBe(
      '1 of 3 targets failed: linux-arm64 (go build exited with code 1)',
    );
  });

  it('refuses a file built for another machine, or not ELF at all, and leaves nothing behind', async () => {
    const p = plan('linux-arm-7,linux-amd64');
    const docker = writes(p, (image) =>
      image.endsWith('arm-7') ? elf(62, 64) : Buffer.from('#!/bin/sh\n'.padEnd(64)),
    );
    const results = await buildAll(docker, p, 1, () => undefined);
    expect(results[0]!.error).toBe(
      "the image flow/build:1.22.4-linux-arm-7 built for x86-64 (64-bit), not for linux-arm-7: check the image's GOARCH",
    );
    expect(results[1]!.error).toBe('the build wrote a file that is not an ELF shared object');
    for (const t of p.targets) {
      expect(existsSync(t.path)).toBe(false);
      expect(existsSync(t.tempPath)).toBe(false);
    }
  });

  it('runs at most `parallel` builds at once', async () => {
    const p = plan('linux-amd64,linux-386,linux-arm64,linux-arm-7');
    let running = 0;
    let peak = 0;
    const docker = fakeDocker(async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 10));
      running--;
      return { exitCode: 2, output: '' };
    });
    await buildAll(docker, p, 2, () => undefined);
    expect(peak).toBe(2);
    expect(docker.calls).toHaveLength(4);
  });
});
