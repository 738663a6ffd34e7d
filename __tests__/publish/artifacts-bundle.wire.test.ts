// The upload path bundled to CommonJS the way scripts/bundle.mjs bundles the action, run by a fresh
// `node` against the results-service stand-in: @azure/storage-common calls
// createRequire(import.meta.url) when it is loaded, which needs the bundle's import.meta.url shim.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { bundleOptions } from '../../scripts/bundle-options.mjs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startResultsService, type ResultsService } from '../support/results-service';

const root = resolve(import.meta.dirname, '..', '..');
let service: ResultsService;
let dir: string;

beforeEach(async () => {
  service = await startResultsService();
  dir = mkdtempSync(join(tmpdir(), 'artifacts-bundle-'));
});
afterEach(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

function node(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [script], { env: { PATH: process.env['PATH'] ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

it('uploads from the CommonJS bundle under node', async () => {
  const bundle = join(dir, 'artifacts.cjs');
  await build({
    ...bundleOptions,
    logLevel: 'error',
    entryPoints: [join(root, 'src/publish/artifacts.ts')],
    outfile: bundle,
  });
  const plugin = join(dir, 'auth-linux-arm64.so');
  writeFileSync(plugin, randomBytes(20_000));
  const script = join(dir, 'run.cjs');
  writeFileSync(
    script,
    `const { uploadPluginArtifacts } = require(${JSON.stringify(bundle)});
uploadPluginArtifacts([{ path: ${JSON.stringify(plugin)}, target: 'linux-arm64', fileName: 'auth-linux-arm64.so' }],
  { name: 'auth', serverTag: 'v2.6.0', retentionDays: 2 })
  .then((r) => { console.log('RESULT ' + JSON.stringify(r)); })
  .catch((e) => { console.error(e); process.exit(2); });
`,
  );

  const run = await node(script, { ...service.env(), RUNNER_TEMP: dir });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  const [result] = JSON.parse(line!.slice('RESULT '.length)) as {
    ok: boolean;
    artifactName: string;
    id: number;
  }[];
  expect(result).toMatchObject({ ok: true, artifactName: 'auth_linux-arm64_v2.6.0.so' });
  const stored = service.artifact('auth_linux-arm64_v2.6.0.so')!;
  expect(stored.id).toBe(result!.id);
  expect(stored.finalized).toBe(true);
  expect(stored.bytes.equals(readFileSync(plugin))).toBe(true);
});
