// The build stage on plain data: a fake toolkit and a fake Docker that answers image inspects,
// runs `go mod tidy` and "builds" by writing an ELF header where the argv says. What the log,
// the debug lines and the annotations say; the go line rule; the caches handed to saveCaches.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withDebugLog, type Docker } from '../../src/build/docker';
import { buildStage, saveCaches, UnsupportedReleaseError } from '../../src/build/stage';
import { parseGoMod } from '../../src/gomod';
import type { SyncResult } from '../../src/sync/sync';
import { fakeContext } from './fake-toolkit';
import { releaseOf } from './fixtures';

const id = (c: string) => `sha256:${c.repeat(64)}`;

function elf(machine: number, bits: 32 | 64): Buffer {
  const b = Buffer.alloc(64);
  b.set([0x7f, 0x45, 0x4c, 0x46, bits === 64 ? 2 : 1, 1], 0);
  b.writeUInt16LE(machine, 18);
  return b;
}

/** Records every argv; a build whose image is in `broken` fails with a compile error. */
function fakeDocker(broken: string[] = []) {
  const calls: string[][] = [];
  const docker: Docker = {
    run(args) {
      calls.push(args);
      if (args[0] === 'image')
        return Promise.resolve({
          exitCode: 0,
          output: `${id(args.at(-1)!.endsWith('amd64') ? 'a' : 'b')}\n`,
        });
      const last = args.at(-1)!;
      if (last.includes('go mod tidy'))
        return Promise.resolve({ exitCode: 0, output: 'go: downloading example.com/x v1.0.0\n' });
      const image = args.find((a) => a.startsWith('flow/build:'))!;
      if (broken.some((t) => image.endsWith(t))) {
        return Promise.resolve({
          exitCode: 1,
          output: '# github.com/me/hello\n./main.go:7:2: undefined: nope\n',
        });
      }
      const out = args[args.findIndex((a, i) => args[i - 1] === '-v' && a.endsWith(':/out'))]!.replace(
        /:\/out$/,
        '',
      );
      const file = args[args.indexOf('-o') + 1]!.replace(/^\/out\//, '');
      writeFileSync(join(out, file), image.endsWith('arm64') ? elf(183, 64) : elf(62, 64));
      return Promise.resolve({ exitCode: 0, output: '' });
    },
  };
  return { docker, calls };
}

function stage(inputs: Record<string, string>, goMod = 'module github.com/me/hello\n\ngo 1.21\n') {
  const { ctx, rec } = fakeContext({ 'go-mod-sync': 'off', targets: 'linux-amd64,linux-arm64', ...inputs });
  writeFileSync(join(ctx.workspace, 'go.mod'), goMod);
  mkdirSync(ctx.env.RUNNER_TEMP!, { recursive: true });
  const sync: SyncResult = {
    mode: 'off',
    goModPath: join(ctx.workspace, 'go.mod'),
    changes: [],
    written: false,
    goModText: goMod,
    goMod: parseGoMod(goMod),
    goSum: '',
    moduleCache: {
      primary: 'flow-plugin-gomod-linux-go1.22.4-abc',
      restoreKeys: ['flow-plugin-gomod-linux-go1.22.4-'],
    },
  };
  return { ctx, rec, sync };
}

describe('build stage', () => {
  it('logs images, caches, tidy and a group per target; debug has every argv and the cache keys', async () => {
    const { ctx, rec, sync } = stage({});
    const fake = fakeDocker();
    const release = releaseOf(ctx);
    const r = await buildStage(
      ctx,
      release,
      sync,
      withDebugLog(fake.docker, (m) => ctx.tk.debug(m)),
    );
    expect(r.pluginName).toBe('hello');
    expect(r.results.map((x) => [x.target.name, x.ok])).toEqual([
      ['linux-amd64', true],
      ['linux-arm64', true],
    ]);
    const groups = rec.log.filter((l) => l.startsWith('group: ')).map((l) => l.slice(7));
    expect(groups.slice(0, 4)).toEqual([
      'Restore Go module cache',
      'Builder images',
      'Restore Go build cache',
      'Prepare modules (go mod tidy, go mod download)',
    ]);
    expect(groups.slice(4).sort()).toEqual(
      [
        expect.stringMatching(/^Built linux-amd64 in /),
        expect.stringMatching(/^Built linux-arm64 in /),
      ].sort(),
    );
    // go mod tidy starts before the build cache restore, which runs while tidy does.
    const tidyStarted = rec.log.findIndex(
      (l) => l.startsWith('debug: docker run') && l.includes('go mod tidy'),
    );
    expect(tidyStarted).toBeGreaterThan(-1);
    expect(tidyStarted).toBeLessThan(rec.log.indexOf('group: Restore Go build cache'));
    // Every container's argv, in debug, before it runs.
    for (const argv of fake.calls) expect(rec.log).toContain(`debug: docker ${argv.join(' ')}`);
    expect(rec.log).toContainEqual(
      expect.stringMatching(/^debug: build cache key: flow-plugin-gobuild-linux-go1\.22\.4-/),
    );
    expect(rec.log).toContain(`debug: image flow/build:1.22.4-linux-amd64: ${id('a')}`);
    expect(release.shared.modules?.keys.primary).toBe('flow-plugin-gomod-linux-go1.22.4-abc');
    expect(release.shared.build?.keys.primary).toMatch(/^flow-plugin-gobuild-linux-go1\.22\.4-/);
    expect(rec.annotations).toEqual([]);

    // Saved only when every plugin built and loaded.
    await saveCaches(ctx, release.shared, true, false);
    expect(rec.log.at(-1)).toBe('info: Not saving the Go caches: not every target loaded.');
  });

  it('a go line newer than the server Go: an annotation on that line, before any container', async () => {
    const { ctx, rec, sync } = stage({}, 'module github.com/me/hello\n\ngo 1.23\n');
    const fake = fakeDocker();
    await expect(buildStage(ctx, releaseOf(ctx), sync, fake.docker)).rejects.toThrow(
      "go.mod says go 1.23, newer than the server's Go 1.22.4",
    );
    expect(fake.calls).toEqual([]);
    expect(rec.annotations).toEqual([
      expect.objectContaining({
        level: 'error',
        where: { title: 'go line newer than the server', file: 'go.mod', startLine: 3 },
      }),
    ]);
  });

  it('a failed target: compile errors as annotations on the file, the stage goes on', async () => {
    const { ctx, rec, sync } = stage({ 'build-cache': 'false', cache: 'false' });
    const fake = fakeDocker(['arm64']);
    const release = releaseOf(ctx);
    const r = await buildStage(ctx, release, sync, fake.docker);
    expect(r.results.map((x) => x.ok)).toEqual([true, false]);
    expect(rec.annotations).toEqual([
      {
        level: 'error',
        message: 'linux-arm64: undefined: nope',
        where: { title: 'go build', file: 'main.go', startLine: 7, startColumn: 2 },
      },
      { level: 'error', message: 'linux-arm64: go build exited with code 1' },
    ]);
    expect(rec.log).toContain('info: 1 of 2 targets failed: linux-arm64 (go build exited with code 1)');
    expect([release.shared.modules, release.shared.build]).toEqual([undefined, undefined]);
  });

  it('a std name newer than the server Go (strings.Lines, Go 1.24, for Go 1.22.4): the release is unsupported, said on the go line', async () => {
    for (const skip of [false, true]) {
      const { ctx, rec, sync } = stage({
        'build-cache': 'false',
        cache: 'false',
        ...(skip && { 'unsupported-server-version': 'skip' }),
      });
      const docker: Docker = {
        run: (args) =>
          Promise.resolve(
            args[0] === 'image'
              ? { exitCode: 0, output: `${id('a')}\n` }
              : args.at(-1)!.includes('go mod tidy')
                ? { exitCode: 0, output: '' }
                : { exitCode: 1, output: '# github.com/me/hello\n./main.go:9:6: undefined: strings.Lines\n' },
          ),
      };
      const message =
        'The plugin uses strings.Lines (Go 1.24), newer than Go 1.22.4, the Go of v2.0.0: it needs Go 1.24 or newer, and go.mod says go 1.21. Raise the go line to at least 1.24 (go mod edit -go=1.24): releases with an older Go are then unsupported for this plugin (unsupported-server-version: skip skips them).';
      const e = await buildStage(ctx, releaseOf(ctx), sync, docker).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(UnsupportedReleaseError);
      expect((e as Error).message).toBe(message);
      expect(rec.annotations.at(-1)).toEqual({
        level: skip ? 'warning' : 'error',
        message,
        where: { title: "Go API newer than the server's Go", file: 'go.mod', startLine: 3 },
      });
    }
  });

  it('-a in build-flags: the build cache is bypassed and the log says why', async () => {
    const { ctx, rec, sync } = stage({ 'build-flags': '-a', cache: 'false' });
    await buildStage(ctx, releaseOf(ctx), sync, fakeDocker().docker);
    expect(rec.log).toContain(
      'info: build-flags holds -a: every package is rebuilt, so the Go build cache is bypassed (not restored or saved). The plugins are the same without -a.',
    );
  });
});

describe('issue 21: the build stage', () => {
  it('a go.sum checksum mismatch in tidy: the module, version and what to do, on the go.sum line', async () => {
    const { ctx, rec, sync } = stage({ cache: 'false', 'build-cache': 'false' });
    sync.goSum = 'example.com/x v1.0.0 h1:old=\nexample.com/x v1.0.0/go.mod h1:mod=\n';
    const docker: Docker = {
      run: (args) =>
        Promise.resolve(
          args[0] === 'image'
            ? { exitCode: 0, output: `${id('a')}\n` }
            : {
                exitCode: 1,
                output:
                  "go: downloading example.com/x v1.0.0\nverifying example.com/x@v1.0.0: checksum mismatch\n\tdownloaded: h1:new=\n\tgo.sum:     h1:old=\n\nSECURITY ERROR\nThis download does NOT match an earlier download recorded in go.sum.\nThe bits may have been replaced on the origin server, or an attacker may\nhave intercepted the download attempt.\n\nFor more information, see 'go help module-auth'.\n",
              },
        ),
    };
    await expect(buildStage(ctx, releaseOf(ctx), sync, docker)).rejects.toThrow(
      /^checksum mismatch for example\.com\/x v1\.0\.0 \(go\.sum has h1:old=, the download has h1:new=\)/,
    );
    expect(rec.annotations).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: expect.stringContaining('remove its lines from go.sum and run go mod tidy'),
        where: { title: 'go.sum checksum mismatch', file: 'go.sum', startLine: 1 },
      }),
    );
  });

  it('output-dir: a file the action did not write where a plugin goes is refused before any container', async () => {
    const { ctx, sync } = stage({
      cache: 'false',
      'build-cache': 'false',
      'file-name': '{name}-{target}-{server}.so',
    });
    mkdirSync(ctx.config.outputDir, { recursive: true });
    writeFileSync(join(ctx.config.outputDir, 'hello-linux-arm64-v2.0.0.so'), '# my notes, not a plugin\n');
    const fake = fakeDocker();
    await expect(buildStage(ctx, releaseOf(ctx), sync, fake.docker)).rejects.toThrow(
      /output-dir: build\/hello-linux-arm64-v2\.0\.0\.so is already there and it is not a Go plugin \(a file the action did not write\); the action would write the plugin for linux-arm64 over it/,
    );
    expect(fake.calls).toEqual([]);
  });
});

describe('issue 27: the build stage', () => {
  it('modules-token without GOPRIVATE/GONOPROXY: one notice that says what to set', async () => {
    const { ctx, rec, sync } = stage({ 'modules-token': 'tok' });
    await buildStage(ctx, releaseOf(ctx), sync, fakeDocker().docker);
    expect(rec.annotations).toEqual([
      expect.objectContaining({
        level: 'notice',
        message: expect.stringMatching(/^modules-token is set, but neither GOPRIVATE nor GONOPROXY/),
      }),
    ]);
  });

  it('with private patterns, the module cache is marked to be saved without them (netrc: not at all)', async () => {
    const { ctx, sync } = stage({ netrc: 'machine proxy.corp login u password p' });
    const withPrivate = {
      ...ctx,
      env: { ...ctx.env, GOPRIVATE: 'github.com/acme/*', GONOPROXY: 'git.corp' },
    };
    const release = releaseOf(withPrivate);
    await buildStage(withPrivate, release, sync, fakeDocker().docker);
    expect(release.shared.modules?.secret).toEqual({
      privatePatterns: ['github.com/acme/*', 'git.corp'],
      privateProxy: true,
    });
  });

  it('a go.work in a mounted folder is said to be unused (the containers run with GOWORK=off)', async () => {
    const { ctx, rec, sync } = stage({});
    writeFileSync(join(ctx.workspace, 'go.work'), 'go 1.22\n\nuse .\n');
    const fake = fakeDocker();
    await buildStage(ctx, releaseOf(ctx), sync, fake.docker);
    expect(rec.log).toContain(
      "info: go.work is in a folder the containers see: they run with GOWORK=off, so it does not change what Go builds (the plugin's go.mod decides, as in the server's build).",
    );
    const build = fake.calls.find((a) => a.includes('-buildmode=plugin'))!;
    expect(build[build.indexOf('GOWORK=off') - 1]).toBe('-e');
  });
});
