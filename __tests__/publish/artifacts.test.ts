import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UploadArtifactOptions, UploadArtifactResponse } from '@actions/artifact';
import {
  artifactChecksums,
  artifactName,
  artifactUrl,
  checksumsArtifactName,
  escapeNameComponent,
  uploadPluginArtifacts,
} from '../../src/publish/artifacts';

// What the artifact service refuses in a name (@actions/artifact validateArtifactName).
const REFUSED = ['"', ':', '<', '>', '|', '*', '?', '\r', '\n', '\\', '/'];

describe('artifactName', () => {
  it('names a plugin by name, target and server tag', () => {
    expect(artifactName({ name: 'auth', target: 'linux-arm-7', serverTag: 'v2.6.0' })).toBe(
      'auth_linux-arm-7_v2.6.0.so',
    );
    expect(artifactName({ name: 'auth', target: 'linux-amd64', serverTag: 'v2.6.0-rc.1+build.5' })).toBe(
      'auth_linux-amd64_v2.6.0-rc.1+build.5.so',
    );
  });

  it('escapes what the service refuses, and the separator', () => {
    expect(artifactName({ name: 'my_plugin', target: 'linux-amd64', serverTag: 'server/v2.0.0' })).toBe(
      'my%5Fplugin_linux-amd64_server%2Fv2.0.0.so',
    );
    expect(escapeNameComponent('a"b:c<d>e|f*g?h\ri\nj\\k/l%m_n\u0001')).toBe(
      'a%22b%3Ac%3Cd%3Ee%7Cf%2Ag%3Fh%0Di%0Aj%5Ck%2Fl%25m%5Fn%01',
    );
  });

  it('refuses empty parts', () => {
    expect(() => artifactName({ name: '', target: 'linux-amd64', serverTag: 'v1' })).toThrow(/name is empty/);
    expect(() => artifactName({ name: 'a', target: 'linux-amd64', serverTag: '' })).toThrow(
      /serverTag is empty/,
    );
  });

  const part = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme-ascii' });
  const parts = fc.record({ name: part, target: part, serverTag: part });

  it('never contains a character the service refuses', () => {
    fc.assert(
      fc.property(parts, (p) => {
        const n = artifactName(p);
        for (const ch of REFUSED)
          expect(n.includes(ch), `${JSON.stringify(n)} contains ${JSON.stringify(ch)}`).toBe(false);
      }),
    );
  });

  it('gives distinct names to distinct (name, target, server tag) - unique across a matrix', () => {
    fc.assert(
      fc.property(parts, parts, (a, b) => {
        fc.pre(a.name !== b.name || a.target !== b.target || a.serverTag !== b.serverTag);
        expect(artifactName(a)).not.toBe(artifactName(b));
      }),
    );
    // The cases a plain dash join would merge:
    expect(artifactName({ name: 'a', target: 'linux-arm', serverTag: '7-v1' })).not.toBe(
      artifactName({ name: 'a', target: 'linux-arm-7', serverTag: 'v1' }),
    );
    expect(artifactName({ name: 'a_b', target: 'c', serverTag: 'd' })).not.toBe(
      artifactName({ name: 'a', target: 'b_c', serverTag: 'd' }),
    );
  });
});

describe('checksumsArtifactName', () => {
  it('includes the server tag and the sorted targets, so matrix jobs do not collide', () => {
    expect(
      checksumsArtifactName({ name: 'auth', serverTag: 'v2.6.0', targets: ['linux-arm64', 'linux-amd64'] }),
    ).toBe('auth_v2.6.0_linux-amd64+linux-arm64_checksums.txt');
    expect(checksumsArtifactName({ name: 'auth', serverTag: 'v2.6.0', targets: ['linux-amd64'] })).not.toBe(
      checksumsArtifactName({ name: 'auth', serverTag: 'v2.6.0', targets: ['linux-arm64'] }),
    );
    expect(checksumsArtifactName({ name: 'auth', serverTag: 'v2.6.0', targets: ['linux-amd64'] })).not.toBe(
      checksumsArtifactName({ name: 'auth', serverTag: 'v2.7.0', targets: ['linux-amd64'] }),
    );
    expect(() => checksumsArtifactName({ name: 'auth', serverTag: 'v1', targets: [] })).toThrow(/no targets/);
  });

  it('never collides with a plugin artifact name and never contains a refused character', () => {
    const part = fc.string({ minLength: 1, maxLength: 10, unit: 'grapheme-ascii' });
    fc.assert(
      fc.property(part, part, fc.array(part, { minLength: 1, maxLength: 4 }), (name, serverTag, targets) => {
        const n = checksumsArtifactName({ name, serverTag, targets });
        for (const ch of REFUSED) expect(n.includes(ch)).toBe(false);
        for (const target of targets) expect(n).not.toBe(artifactName({ name, target, serverTag }));
      }),
    );
  });
});

describe('artifactChecksums', () => {
  const a = 'a'.repeat(64);
  const b = 'b'.repeat(64);
  const text = `${a}  p-linux-386.so\n${b}  p-linux-amd64.so\n`;

  it('renames checksums.txt lines to the artifact names, sorted', () => {
    expect(
      artifactChecksums(text, [
        { fileName: 'p-linux-amd64.so', artifactName: 'p_linux-amd64_v1.so' },
        { fileName: 'p-linux-386.so', artifactName: 'p_linux-386_v1.so' },
      ]),
    ).toBe(`${a}  p_linux-386_v1.so\n${b}  p_linux-amd64_v1.so\n`);
    expect(artifactChecksums(text, [{ fileName: 'p-linux-amd64.so', artifactName: 'x.so' }])).toBe(
      `${b}  x.so\n`,
    );
  });

  it('refuses a plugin that checksums.txt does not list', () => {
    expect(() => artifactChecksums(text, [{ fileName: 'p-linux-arm64.so', artifactName: 'x.so' }])).toThrow(
      /no line for p-linux-arm64\.so/,
    );
  });
});

describe('artifactUrl', () => {
  it('points at the artifact on the run page', () => {
    const env = {
      GITHUB_SERVER_URL: 'https://github.com/',
      GITHUB_REPOSITORY: 'me/plugin',
      GITHUB_RUN_ID: '42',
    };
    expect(artifactUrl(env, 7)).toBe('https://github.com/me/plugin/actions/runs/42/artifacts/7');
    expect(artifactUrl({ ...env, GITHUB_SERVER_URL: 'https://acme.ghe.com' }, 7)).toBe(
      'https://acme.ghe.com/me/plugin/actions/runs/42/artifacts/7',
    );
    expect(artifactUrl({ GITHUB_REPOSITORY: 'me/plugin' }, 7)).toBeUndefined();
  });
});

describe('uploadPluginArtifacts (client faked at the seam)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'artifacts-unit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  interface Call {
    name: string;
    files: string[];
    root: string;
    options: UploadArtifactOptions | undefined;
    content: string;
  }

  function fakeClient(fail: (name: string) => Error | undefined) {
    const calls: Call[] = [];
    const deleted: string[] = [];
    let id = 10;
    return {
      calls,
      deleted,
      client: {
        async deleteArtifact(name: string) {
          deleted.push(name);
          return { id: 0 };
        },
        async uploadArtifact(
          name: string,
          files: string[],
          root: string,
          options?: UploadArtifactOptions,
        ): Promise<UploadArtifactResponse> {
          calls.push({ name, files, root, options, content: readFileSync(files[0]!, 'utf8') });
          const error = fail(name);
          if (error) throw error;
          return { id: id++, size: 3, digest: 'abc' };
        },
      },
    };
  }

  it('uploads each file unzipped under a file named after its artifact, and reports each one', async () => {
    const files = ['linux-amd64', 'linux-arm64', 'linux-386'].map((target) => {
      const path = join(dir, `p-${target}.so`);
      writeFileSync(path, `bytes of ${target}`);
      return { path, target, fileName: `p-${target}.so` };
    });
    const sha = (c: string) => c.repeat(64);
    writeFileSync(
      join(dir, 'checksums.txt'),
      `${sha('1')}  p-linux-386.so\n${sha('2')}  p-linux-amd64.so\n${sha('3')}  p-linux-arm64.so\n`,
    );
    const { client, calls } = fakeClient((name) =>
      name.startsWith('p_linux-arm64') ? new Error('boom') : undefined,
    );

    const results = await uploadPluginArtifacts(files, {
      name: 'p',
      serverTag: 'v1.0.0',
      retentionDays: 3,
      checksums: { path: join(dir, 'checksums.txt') },
      client,
      env: { GITHUB_REPOSITORY: 'me/p', GITHUB_RUN_ID: '9' },
      tempDir: dir,
    });

    expect(calls.map((c) => [c.name, basename(c.files[0]!), c.options, c.content])).toEqual([
      [
        'p_linux-amd64_v1.0.0.so',
        'p_linux-amd64_v1.0.0.so',
        { skipArchive: true, retentionDays: 3 },
        'bytes of linux-amd64',
      ],
      [
        'p_linux-arm64_v1.0.0.so',
        'p_linux-arm64_v1.0.0.so',
        { skipArchive: true, retentionDays: 3 },
        'bytes of linux-arm64',
      ],
      [
        'p_linux-386_v1.0.0.so',
        'p_linux-386_v1.0.0.so',
        { skipArchive: true, retentionDays: 3 },
        'bytes of linux-386',
      ],
      [
        'p_v1.0.0_linux-386+linux-amd64+linux-arm64_checksums.txt',
        'p_v1.0.0_linux-386+linux-amd64+linux-arm64_checksums.txt',
        { skipArchive: true, retentionDays: 3 },
        // Renamed to the artifact names, without the plugin that was not uploaded.
        `${sha('1')}  p_linux-386_v1.0.0.so\n${sha('2')}  p_linux-amd64_v1.0.0.so\n`,
      ],
    ]);
    for (const c of calls) expect(c.root).toBe(dirname(c.files[0]!));
    expect(results).toEqual([
      {
        kind: 'plugin',
        serverTag: 'v1.0.0',
        target: 'linux-amd64',
        fileName: 'p-linux-amd64.so',
        artifactName: 'p_linux-amd64_v1.0.0.so',
        ok: true,
        id: 10,
        url: 'https://github.com/me/p/actions/runs/9/artifacts/10',
        size: 3,
        digest: 'abc',
      },
      {
        kind: 'plugin',
        serverTag: 'v1.0.0',
        target: 'linux-arm64',
        fileName: 'p-linux-arm64.so',
        artifactName: 'p_linux-arm64_v1.0.0.so',
        ok: false,
        error: 'boom',
      },
      expect.objectContaining({ kind: 'plugin', serverTag: 'v1.0.0', target: 'linux-386', ok: true, id: 11 }),
      expect.objectContaining({
        kind: 'checksums',
        targets: ['linux-amd64', 'linux-arm64', 'linux-386'],
        fileName: 'checksums.txt',
        ok: true,
        id: 12,
      }),
    ]);
    // The staged copies are gone; the originals are untouched.
    expect(calls.some((c) => existsSync(c.files[0]!))).toBe(false);
    expect(readFileSync(files[0]!.path, 'utf8')).toBe('bytes of linux-amd64');
  });

  it('leaves retention to the repository when not given, and refuses a nonsense retention before uploading', async () => {
    const path = join(dir, 'a.so');
    writeFileSync(path, 'x');
    const { client, calls } = fakeClient(() => undefined);
    await uploadPluginArtifacts([{ path, target: 'linux-amd64', fileName: 'a.so' }], {
      name: 'a',
      serverTag: 'v1',
      client,
      tempDir: dir,
    });
    expect(calls[0]!.options).toEqual({ skipArchive: true });
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      await expect(
        uploadPluginArtifacts([{ path, target: 'linux-amd64', fileName: 'a.so' }], {
          name: 'a',
          serverTag: 'v1',
          retentionDays: bad,
          client,
          tempDir: dir,
        }),
      ).rejects.toThrow(/retention-days/);
    }
    expect(calls).toHaveLength(1);
  });

  it('refuses two files that would get the same artifact name', async () => {
    const path = join(dir, 'a.so');
    writeFileSync(path, 'x');
    const { client, calls } = fakeClient(() => undefined);
    const file = { path, target: 'linux-amd64', fileName: 'a.so' };
    await expect(
      uploadPluginArtifacts([file, file], { name: 'a', serverTag: 'v1', client, tempDir: dir }),
    ).rejects.toThrow(/two files would upload as artifact a_linux-amd64_v1\.so/);
    expect(calls).toHaveLength(0);
  });

  it('with overwrite, replaces an artifact an earlier attempt left on the run (409), once', async () => {
    const path = join(dir, 'a.so');
    writeFileSync(path, 'x');
    let conflicts = 1;
    const conflict = () =>
      conflicts-- > 0
        ? new Error(
            'Failed to CreateArtifact: Received non-retryable error: Failed request: (409) Conflict: an artifact with this name already exists on the workflow run',
          )
        : undefined;
    const file = { path, target: 'linux-amd64', fileName: 'a.so' };

    const without = fakeClient(conflict);
    const [refused] = await uploadPluginArtifacts([file], {
      name: 'a',
      serverTag: 'v1',
      client: without.client,
      tempDir: dir,
    });
    expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/\(409\)/) });
    expect(without.deleted).toEqual([]);

    conflicts = 1;
    const withIt = fakeClient(conflict);
    const [replaced] = await uploadPluginArtifacts([file], {
      name: 'a',
      serverTag: 'v1',
      client: withIt.client,
      tempDir: dir,
      overwrite: true,
    });
    expect(replaced).toMatchObject({ ok: true, id: 10 });
    expect(withIt.deleted).toEqual(['a_linux-amd64_v1.so']);
    expect(withIt.calls).toHaveLength(2);

    conflicts = 5; // still taken after the delete: reported, not looped on
    const stuck = fakeClient(conflict);
    const [failed] = await uploadPluginArtifacts([file], {
      name: 'a',
      serverTag: 'v1',
      client: stuck.client,
      tempDir: dir,
      overwrite: true,
    });
    expect(failed).toMatchObject({ ok: false });
    expect(stuck.calls).toHaveLength(2);
  });
});
