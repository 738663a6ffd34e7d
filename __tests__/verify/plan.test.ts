import { describe, expect, it } from 'vitest';
import { renderSummary, type SummaryData } from '../../src/report/summary';
import { verifiedOutput, verifyProblems, type VerifyEntry } from '../../src/verify/plan';
import { parseInputs } from '../../src/inputs';
import { inputEnv } from '../support/runner';

const loaded: VerifyEntry = {
  target: 'linux-amd64',
  status: 'loaded',
  durationMs: 2100,
  modulePath: 'github.com/me/hello',
};
const refused: VerifyEntry = {
  target: 'linux-386',
  status: 'failed',
  reason:
    'error while loading plugin hello-linux-386.so: plugin.Open("x"): plugin was built with a different version of package example.com/lib',
  durationMs: 1500,
};
const noEmulator: VerifyEntry = {
  target: 'linux-arm64',
  status: 'not-verified',
  reason: 'no emulator for arm64 is registered on this runner',
  durationMs: 0,
};
const notBuilt: VerifyEntry = {
  target: 'linux-arm-7',
  status: 'not-verified',
  reason: 'the build failed',
  durationMs: 0,
};

describe('verifyProblems', () => {
  it('a refused plugin fails the step in every mode', () => {
    for (const mode of ['auto', 'true'] as const) {
      expect(verifyProblems(mode, [loaded, refused])).toEqual([
        'the server refused the plugin for linux-386: nothing was uploaded',
      ]);
    }
  });

  it('auto: not verified is fine; true: not verified fails (a failed build is reported already)', () => {
    expect(verifyProblems('auto', [loaded, noEmulator, notBuilt])).toEqual([]);
    expect(verifyProblems('true', [loaded, noEmulator, notBuilt])).toEqual([
      'verify is true but linux-arm64 (no emulator for arm64 is registered on this runner) could not be verified: nothing was uploaded',
    ]);
  });
});

describe('the verified output', () => {
  it('JSON, one object per target', () => {
    expect(JSON.parse(verifiedOutput([loaded, noEmulator]))).toEqual([
      { target: 'linux-amd64', status: 'loaded', durationMs: 2100, modulePath: 'github.com/me/hello' },
      {
        target: 'linux-arm64',
        status: 'not-verified',
        reason: 'no emulator for arm64 is registered on this runner',
        durationMs: 0,
      },
    ]);
    expect(verifiedOutput([])).toBe('[]');
  });
});

describe('the summary column', () => {
  const server: SummaryData['server'] = {
    repository: 'gotify/server',
    tag: 'v2.6.1',
    module: 'm',
    goVersion: '1.23.3',
  };
  const t = (target: string, loads?: SummaryData['targets'][number]['loads']) => ({
    target,
    ok: true,
    fileName: `hello-${target}.so`,
    ...(loads && { loads }),
  });

  it('"Loads into <server> <tag>": yes / no with the reason / not verified with the reason', () => {
    const md = renderSummary({
      server,
      loadsInto: 'gotify/server v2.6.1',
      targets: [
        t('linux-amd64', { status: 'loaded' }),
        t('linux-386', { status: 'failed', reason: refused.reason! }),
        t('linux-arm64', { status: 'not-verified', reason: noEmulator.reason! }),
      ],
    });
    expect(md).toContain('| Duration | Loads into gotify/server v2.6.1 | Download |');
    expect(md).toContain('| ✅ yes |');
    expect(md).toContain(
      '| ❌ no: error while loading plugin hello-linux-386.so: plugin.Open(&quot;x&quot;): plugin was built',
    );
    expect(md).toContain('| not verified: no emulator for arm64 is registered on this runner |');
    // A refused plugin is in the failed list, and the headline says so.
    expect(md).toContain('**1 of 3 targets failed**: <code>linux-386</code>');
    expect(md).toContain('- <code>linux-386</code>: does not load: error while loading plugin');
  });

  it('no column when verification did not run', () => {
    const md = renderSummary({ server, targets: [t('linux-amd64')] });
    expect(md).not.toContain('Loads into');
  });
});

describe('inputs verify, server-asset, server-binary', () => {
  const get = (o: Record<string, string>) => {
    const env = inputEnv(o);
    return (name: string) => env[`INPUT_${name.toUpperCase()}`] ?? '';
  };
  const ctx = { workspace: '/ws', cpuCount: 2 };

  it('defaults: auto, the upstream asset naming, no binary', () => {
    const c = parseInputs(get({}), ctx);
    expect(c.verify).toBe('auto');
    expect(c.serverAsset).toBe('{owner}-{target}.zip');
    expect(c.serverBinary).toBeUndefined();
  });

  it('reads them', () => {
    const c = parseInputs(
      get({ verify: 'TRUE', 'server-asset': 'server-{os}-{arch}', 'server-binary': 'bin/gotify-{target}' }),
      ctx,
    );
    expect(c).toMatchObject({
      verify: 'true',
      serverAsset: 'server-{os}-{arch}',
      serverBinary: 'bin/gotify-{target}',
    });
  });

  it.each([
    [{ verify: 'yes' }, 'Input verify: "yes" is not allowed; write one of "auto", "true", "false"'],
    [{ 'server-asset': '' }, 'Input server-asset: write a template, e.g. {owner}-{target}.zip'],
    [
      { 'server-asset': '{owner}-{goos}.zip' },
      'Input server-asset: unknown placeholder {goos}; use {owner}, {repo}, {target}, {os}, {arch}, {tag}, {version}',
    ],
    [
      { 'server-asset': 'dist/{owner}-{target}.zip' },
      'Input server-asset: "dist/{owner}-{target}.zip" is a path; write the release asset\'s file name, e.g. {owner}-{target}.zip',
    ],
    [{ 'server-binary': 'bin/{name}' }, 'Input server-binary: unknown placeholder {name}; use {owner}'],
  ])('refuses %j', (inputs, message) => {
    expect(() => parseInputs(get(inputs), ctx)).toThrow(message);
  });
});
