// Issue 21, item 4: a go.sum checksum mismatch is said for what it is - the module, the version,
// "checksum mismatch" and what to do - read from the real go command's output (host Go, a module
// proxy on disk, a go.sum whose hash for the module was changed).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checksumMismatchMessage, parseChecksumMismatches } from '../../src/build/go-errors';
import { goProxyUrl, libGoSum, makeGoProxy } from '../support/goproxy';
import { findHostGo, hermeticGoEnv, runGo } from '../support/host-go';

const FAKE = `h1:${'A'.repeat(43)}=`;

describe('go.sum checksum mismatch', () => {
  it('the go command says it; the action names the module and version and what to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flow-sum-'));
    const proxy = makeGoProxy(join(dir, 'proxy'));
    const plugin = join(dir, 'plugin');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(plugin);
    writeFileSync(
      join(plugin, 'go.mod'),
      'module example.com/p\n\ngo 1.22\n\nrequire example.com/lib v1.2.0\n',
    );
    // The zip's hash changed: the module is not what go.sum recorded.
    const goSum = libGoSum('v1.2.0').replace(
      /^(example\.com\/lib v1\.2\.0 )h1:\S+/m,
      (_, head: string) => head + FAKE,
    );
    writeFileSync(join(plugin, 'go.sum'), goSum);
    const env = { ...hermeticGoEnv(join(dir, 'home')), GOPROXY: goProxyUrl(proxy), GOFLAGS: '-mod=mod' };
    const r = await runGo(findHostGo(), ['mod', 'download', 'example.com/lib'], plugin, env);
    expect(r.code).not.toBe(0);
    const output = r.stdout + r.stderr;
    expect(output).toContain('checksum mismatch');
    const found = parseChecksumMismatches(output);
    expect(found).toEqual([
      expect.objectContaining({
        module: 'example.com/lib',
        version: 'v1.2.0',
        goModOnly: false,
        recordedIn: 'go.sum',
        recorded: FAKE,
      }),
    ]);
    expect(checksumMismatchMessage(found[0]!)).toMatch(
      /^checksum mismatch for example\.com\/lib v1\.2\.0 \(go\.sum has h1:A+=, the download has h1:\S+\): .* remove its lines from go\.sum and run go mod tidy/,
    );
  }, 120_000);

  it('the go.mod-only form and the checksum database form are read too', () => {
    const text = [
      'go: downloading example.com/x v1.0.0',
      'verifying example.com/x@v1.0.0/go.mod: checksum mismatch',
      '\tdownloaded: h1:new=',
      '\tgo.sum:     h1:old=',
      '',
      'SECURITY ERROR',
      'go: example.com/y@v2.0.0: verifying module: checksum mismatch',
      '\tdownloaded: h1:yy=',
      '\tsum.golang.org: h1:zz=',
      "For more information, see 'go help module-auth'.",
    ].join('\n');
    expect(parseChecksumMismatches(text)).toEqual([
      {
        module: 'example.com/x',
        version: 'v1.0.0',
        goModOnly: true,
        downloaded: 'h1:new=',
        recorded: 'h1:old=',
        recordedIn: 'go.sum',
      },
      {
        module: 'example.com/y',
        version: 'v2.0.0',
        goModOnly: false,
        downloaded: 'h1:yy=',
        recorded: 'h1:zz=',
        recordedIn: 'sum.golang.org',
      },
    ]);
    expect(parseChecksumMismatches('go: build failed\n')).toEqual([]);
  });
});
