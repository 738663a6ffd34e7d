import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  formatDuration,
  formatSize,
  renderSummary,
  type SummaryData,
  type SummaryTarget,
} from '../../src/report/summary';
import { actionsToolkit } from '../../src/toolkit';

const SHA = '3f2a9c0d1e4b5a6978877665544332211009f8e7d6c5b4a39281706f5e4d3c2b';

const server: SummaryData['server'] = {
  repository: 'Flow/server',
  tag: 'v2.6.0',
  module: 'github.com/flow/server/v2',
  goVersion: '1.22.5',
  releaseUrl: 'https://github.com/Flow/server/releases/tag/v2.6.0',
};

function target(name: string, extra: Partial<SummaryTarget> = {}): SummaryTarget {
  return {
    target: name,
    ok: true,
    fileName: `auth-${name}.so`,
    size: 12_900_000,
    sha256: SHA,
    image: `flow/build:1.22.5-${name}`,
    durationMs: 65_000,
    artifact: { ok: true, url: `https://github.com/me/auth/actions/runs/1/artifacts/${name.length}` },
    ...extra,
  };
}

describe('renderSummary', () => {
  it('renders a successful run', () => {
    const md = renderSummary({
      pluginName: 'auth',
      server,
      goMod: {
        mode: 'cap',
        changes: [
          { module: 'golang.org/x/net', from: 'v0.20.0', to: 'v0.19.0' },
          { module: 'github.com/flow/sdk', to: 'v1.4.0' },
        ],
      },
      targets: [
        target('linux-amd64', {
          releaseAsset: {
            ok: true,
            url: 'https://github.com/me/auth/releases/download/v1.0.0/auth-linux-amd64.so',
          },
        }),
      ],
      checksums: {
        fileName: 'checksums.txt',
        artifact: { ok: true, url: 'https://github.com/me/auth/actions/runs/1/artifacts/99' },
      },
      release: { tag: 'v1.0.0', url: 'https://github.com/me/auth/releases/tag/v1.0.0' },
    });
    expect(md).toBe(
      [
        '## Flow plugin auth for Flow/server v2.6.0',
        '',
        '✅ 1 of 1 target built and uploaded.',
        '',
        '| Server | Go | Server module |',
        '| --- | --- | --- |',
        '| <a href="https://github.com/Flow/server/releases/tag/v2.6.0">Flow/server v2.6.0</a> | <code>1.22.5</code> | <code>github.com/flow/server/v2</code> |',
        '',
        '### go.mod',
        '',
        "go.mod was changed to the server's versions (2 modules):",
        '',
        '| Module | From | To |',
        '| --- | --- | --- |',
        '| <code>golang.org/x/net</code> | <code>v0.20.0</code> | <code>v0.19.0</code> |',
        '| <code>github.com/flow/sdk</code> | (added) | <code>v1.4.0</code> |',
        '',
        '### Plugins',
        '',
        '|  | Target | File | Size | SHA-256 | Image | Duration | Download |',
        '| --- | --- | --- | --- | --- | --- | --- | --- |',
        `| ✅ | <code>linux-amd64</code> | <code>auth-linux-amd64.so</code> | 12.3 MiB | <code title="${SHA}">3f2a9c0d1e4b</code> | <code>flow/build:1.22.5-linux-amd64</code> | 1 min 05 s | <a href="https://github.com/me/auth/actions/runs/1/artifacts/11">artifact</a> · <a href="https://github.com/me/auth/releases/download/v1.0.0/auth-linux-amd64.so">release asset</a> |`,
        '',
        'Checksums: <code>checksums.txt</code> (<a href="https://github.com/me/auth/actions/runs/1/artifacts/99">artifact</a>), verify with `sha256sum -c`.',
        '',
        'Release: <a href="https://github.com/me/auth/releases/tag/v1.0.0">v1.0.0</a>',
        '',
      ].join('\n'),
    );
  });

  it('says when go.mod already matched, was only checked, or was left alone', () => {
    const base = { server, targets: [target('linux-amd64')] };
    expect(renderSummary({ ...base, goMod: { mode: 'cap', changes: [] } })).toContain(
      "### go.mod\n\ngo.mod already matched the server's module versions.\n",
    );
    expect(renderSummary({ ...base, goMod: { mode: 'check', changes: [] } })).toContain(
      'go.mod already matched',
    );
    // check with a build: require lines differed, the module graph after tidy matched.
    const deferred = renderSummary({ ...base, goMod: { mode: 'check', changes: [], differing: 2 } });
    expect(deferred).toContain(
      "go.mod's require lines name other versions than the server's for 2 modules, but after `go mod tidy` the module graph the plugin builds with matched the server's (checked before building). go.mod was not changed (`go-mod-sync: check`).",
    );
    expect(deferred).not.toContain('already matched');
    expect(renderSummary({ ...base, goMod: { mode: 'off', changes: [] } })).toContain(
      'go.mod was not checked (`go-mod-sync: off`).',
    );
    const check = renderSummary({
      ...base,
      goMod: { mode: 'check', changes: [{ module: 'm', from: 'v2', to: 'v1' }] },
    });
    expect(check).toContain("go.mod differs from the server's versions (1 module):");
    expect(check).toContain('| <code>m</code> | <code>v2</code> | <code>v1</code> |');
    expect(renderSummary(base)).not.toContain('### go.mod');
  });

  it('marks failed builds and failed uploads, and lists why', () => {
    const md = renderSummary({
      server,
      targets: [
        target('linux-amd64'),
        {
          target: 'linux-386',
          ok: false,
          image: 'flow/build:1.22.5-linux-386',
          durationMs: 4200,
          error: 'go build: exit status 1\n./main.go:3:1: syntax error',
        },
        target('linux-arm64', { artifact: { ok: false, error: 'Failed to CreateArtifact: (503)\nmore' } }),
      ],
      checksums: { fileName: 'checksums.txt', releaseAsset: { ok: false, error: 'immutable release' } },
    });
    expect(md).toContain('❌ **2 of 3 targets failed**: <code>linux-386</code>, <code>linux-arm64</code>.');
    expect(md).toContain(
      '| ❌ failed | <code>linux-386</code> | - | - | - | <code>flow/build:1.22.5-linux-386</code> | 4.2 s | - |',
    );
    expect(md).toMatch(/\| ⚠️ not uploaded \| <code>linux-arm64<\/code> .* \| artifact upload failed \|\n/);
    expect(md).toMatch(/\| ✅ \| <code>linux-amd64<\/code> /);
    expect(md).toContain(
      [
        '### Failed',
        '',
        '- <code>linux-386</code>: build failed: go build: exit status 1',
        '- <code>linux-arm64</code>: artifact upload failed: Failed to CreateArtifact: (503)',
        '- <code>checksums.txt</code>: release upload failed: immutable release',
      ].join('\n'),
    );
    expect(md).toContain('Checksums: <code>checksums.txt</code> (release upload failed)');
    expect(md).not.toContain('Release:');
  });

  it('lists a failed checksums upload even when every plugin went up', () => {
    const md = renderSummary({
      server,
      targets: [target('linux-amd64')],
      checksums: { fileName: 'checksums.txt', artifact: { ok: false, error: 'boom' } },
    });
    expect(md).toContain('### Failed\n\n- <code>checksums.txt</code>: artifact upload failed: boom');
  });

  it('escapes what would break the table or inject HTML, and links only http(s) URLs', () => {
    const md = renderSummary({
      server: { ...server, module: 'a|b<script>', releaseUrl: 'javascript:alert(1)' },
      targets: [target('linux-amd64', { error: 'x', artifact: { ok: true, url: 'https://h/a?x="1"&y=2' } })],
      release: { tag: 'v1 <b>', url: 'ftp://example' },
    });
    expect(md).toContain('<code>a&#124;b&lt;script&gt;</code>');
    expect(md).not.toContain('javascript:');
    expect(md).toContain('| Flow/server v2.6.0 |');
    expect(md).toContain('<a href="https://h/a?x=&quot;1&quot;&amp;y=2">artifact</a>');
    expect(md).toContain('Release: v1 &lt;b&gt;\n');
  });

  it('says when a release is a draft, and when nothing was built', () => {
    const md = renderSummary({
      server,
      targets: [],
      release: { tag: 'v1', url: 'https://x/r', draft: true },
    });
    expect(md).toContain('No targets were built.');
    expect(md).toContain(
      'Release: <a href="https://x/r">v1</a> (draft: publish it to make the assets public)',
    );
  });
});

describe('formatSize and formatDuration', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1.00 KiB'],
    [1536, '1.50 KiB'],
    [12_900_000, '12.3 MiB'],
    [150 * 1024 * 1024, '150 MiB'],
    [1.5 * 1024 ** 3, '1.50 GiB'],
    [-1, '?'],
  ])('size %d -> %s', (n, s) => expect(formatSize(n)).toBe(s));

  it.each([
    [850, '850 ms'],
    [4200, '4.2 s'],
    [59_940, '59.9 s'],
    [65_000, '1 min 05 s'],
    [3_725_000, '1 h 02 min'],
    [Number.NaN, '?'],
  ])('duration %d -> %s', (n, s) => expect(formatDuration(n)).toBe(s));
});

describe('the toolkit writes the job summary', () => {
  const saved = process.env['GITHUB_STEP_SUMMARY'];
  let dir: string | undefined;
  afterEach(() => {
    if (saved === undefined) delete process.env['GITHUB_STEP_SUMMARY'];
    else process.env['GITHUB_STEP_SUMMARY'] = saved;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('appends the markdown to the step summary file', async () => {
    dir = mkdtempSync(join(tmpdir(), 'summary-'));
    const file = join(dir, 'summary.md');
    writeFileSync(file, 'before\n');
    process.env['GITHUB_STEP_SUMMARY'] = file;
    const tk = actionsToolkit();
    await tk.appendSummary('## hello\n');
    await tk.appendSummary('second\n');
    expect(readFileSync(file, 'utf8')).toBe('before\n## hello\n\nsecond\n\n');
  });

  it('throws when the summary cannot be written, and keeps nothing buffered for the next write', async () => {
    process.env['GITHUB_STEP_SUMMARY'] = join(tmpdir(), 'no-such-folder-flow', 'summary.md');
    const tk = actionsToolkit();
    await expect(tk.appendSummary('## lost\n')).rejects.toThrow();
    expect((await import('@actions/core')).summary.stringify()).toBe('');
  });
});
