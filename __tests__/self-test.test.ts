// The self-test workflow's judge (.github/self-test/check-outputs.mjs) on plain data: a run whose
// outputs say every target loaded and was uploaded passes; each thing that can be missing is
// named. And the workflow's plugin folders are in the repository.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outputProblems } from '../.github/self-test/check-outputs.mjs';
import { scanWorkflow } from '../scripts/workflow-blocks.mjs';
import { projectRoot } from './support/runner';

const TARGETS = ['linux-amd64', 'linux-arm-7', 'linux-arm64', 'linux-386'];
const elf = (t: string) => Buffer.concat([Buffer.from('\x7fELF', 'latin1'), Buffer.from(t)]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function run(targets = TARGETS) {
  const files = new Map<string, Buffer>(targets.map((t) => [`/w/build/hello-${t}.so`, elf(t)]));
  const artifacts = targets.map((t, i) => {
    const bytes = files.get(`/w/build/hello-${t}.so`)!;
    return {
      target: t,
      path: `/w/build/hello-${t}.so`,
      fileName: `hello-${t}.so`,
      size: bytes.length,
      sha256: sha(bytes),
      artifactId: 100 + i,
    };
  });
  files.set(
    '/w/build/checksums.txt',
    Buffer.from(artifacts.map((a) => `${a.sha256}  ${a.fileName}\n`).join('')),
  );
  const outputs: Record<string, string> = {
    'server-version': 'v2.9.1',
    verified: JSON.stringify(targets.map((t) => ({ target: t, status: 'loaded', durationMs: 900 }))),
    artifacts: JSON.stringify(artifacts),
    files: artifacts.map((a) => a.path).join('\n'),
    checksums: '/w/build/checksums.txt',
    'go-mod-changes': JSON.stringify([
      { module: 'github.com/gin-gonic/gin', from: 'v1.9.1', to: 'v1.11.0', step: 'cap' },
    ]),
  };
  return { outputs, files, read: (p: string) => files.get(p) };
}

describe('the self-test judge', () => {
  it('passes a run where every target loaded and was uploaded, with the change expected', () => {
    const r = run();
    expect(
      outputProblems(r.outputs, { targets: TARGETS, changed: ['github.com/gin-gonic/gin'] }, r.read),
    ).toEqual([]);
  });

  it('names each thing that is wrong', () => {
    const r = run();
    const verified = JSON.parse(r.outputs.verified!);
    verified[1] = { target: 'linux-arm-7', status: 'not-verified', reason: 'no emulator' };
    r.outputs.verified = JSON.stringify(verified);
    const artifacts = JSON.parse(r.outputs.artifacts!);
    delete artifacts[2].artifactId;
    r.outputs.artifacts = JSON.stringify(artifacts);
    r.files.set('/w/build/hello-linux-386.so', Buffer.from('not a plugin'));
    r.files.delete('/w/build/hello-linux-amd64.so');
    expect(
      outputProblems(
        r.outputs,
        { targets: [...TARGETS, 'linux-riscv64'], changed: ['golang.org/x/sys'] },
        r.read,
      ),
    ).toEqual([
      'linux-amd64: /w/build/hello-linux-amd64.so does not exist',
      'linux-arm-7: verified not-verified (no emulator), not loaded',
      'linux-arm64: no artifactId (the workflow artifact was not uploaded)',
      `linux-386: /w/build/hello-linux-386.so has 12 bytes, artifacts says ${elf('linux-386').length}`,
      `linux-386: sha256 ${sha(Buffer.from('not a plugin'))}, artifacts says ${sha(elf('linux-386'))}`,
      'linux-386: /w/build/hello-linux-386.so is not an ELF file',
      'linux-riscv64: not in verified',
      'linux-riscv64: not in artifacts',
      'go-mod-changes has no change of golang.org/x/sys: the alignment did not happen',
    ]);
  });

  it('refuses outputs that are missing or not JSON (the step failed before them)', () => {
    expect(() => outputProblems({}, { targets: TARGETS }, () => undefined)).toThrow(
      'output verified is not JSON: ""',
    );
  });
});

describe('the self-test workflow', () => {
  const workflow = readFileSync(join(projectRoot, '.github/workflows/self-test.yml'), 'utf8');
  const plugins = [...workflow.matchAll(/^ +- plugin: ([\w-]+)/gm)].map((m) => m[1]!);

  it('builds plugin folders of this repository, each a Go module with go.sum', () => {
    expect(new Set(plugins)).toEqual(new Set(['hello', 'gin-echo']));
    for (const p of plugins) {
      const dir = join(projectRoot, '.github/self-test/plugins', p);
      expect(readFileSync(join(dir, 'go.mod'), 'utf8')).toMatch(
        new RegExp(`^module github.com/Flow/plugin-build-action/self-test/${p}\\n`),
      );
      expect(existsSync(join(dir, 'go.sum')), `${p}/go.sum`).toBe(true);
      expect(existsSync(join(dir, 'main.go')), `${p}/main.go`).toBe(true);
    }
  });

  it('runs the real upstream with verify: true, then the judge', () => {
    const steps = scanWorkflow(workflow).steps;
    const action = steps.find((s) => s.uses === './' && s.job === 'build-verify-upload')!;
    const withKeys = Object.fromEntries(action.with.map((w) => [w.key, true]));
    expect(withKeys).toMatchObject({ 'server-repository': true, 'build-image': true, verify: true });
    expect(workflow).toMatch(/server-repository: gotify\/server\n/);
    expect(workflow).toMatch(/build-image: gotify\/build\n/);
    expect(workflow).toMatch(/verify: true\n/);
    expect(steps.some((s) => s.uses?.startsWith('docker/setup-qemu-action@'))).toBe(true);
    expect(steps.some((s) => s.run === 'node .github/self-test/check-outputs.mjs')).toBe(true);
  });

  it('makes the gin plugin need alignment: it requires another gin than the newest servers', () => {
    const goMod = readFileSync(join(projectRoot, '.github/self-test/plugins/gin-echo/go.mod'), 'utf8');
    expect(goMod).toMatch(/^\tgithub.com\/gin-gonic\/gin v1\.9\.1$/m);
    expect(workflow).toContain('changed: github.com/gin-gonic/gin');
  });
});
