// Issue 24: the plugin release as a store with one writer. Each test makes a run's write through
// writeRelease over real HTTP against the GitHub stand-in, with faults and cancels where the issue
// found a release that lied, and reads the release itself afterwards.
import { afterEach, describe, expect, it } from 'vitest';
import { followCoverage } from '../../src/modes/selection';
import { checkReleaseUpFront } from '../../src/publish/stage';
import { LOCK_NAME, parseTempName } from '../../src/release-store';
import { fakeContext } from '../stages/fake-toolkit';
import { PLUGIN, releaseState, sha256, startBed, TAG, write, type Bed, type BuiltFile } from './harness';

let bed: Bed;
afterEach(() => bed?.close());

const so = (tag: string, target: string, salt: string, name?: string): BuiltFile => ({
  tag,
  target,
  name: name ?? `hello-${target}-for-${tag}.so`,
  content: `${tag} ${target} ${salt}`,
});
const names = () => [...releaseState(bed).files.keys()].sort();
const noTemporaries = () =>
  expect(names().filter((n) => parseTempName(n) !== undefined || n === LOCK_NAME)).toEqual([]);

describe('writes keep the index true', () => {
  it('a tag build re-run after latest moved (one file name for every release): the old entry naming the file is dropped', async () => {
    bed = await startBed();
    const one = 'hello-linux-amd64.so';
    expect((await write(bed, { files: [so('v1.4.2', 'linux-amd64', 'a', one)] })).ok).toBe(true);
    const r = await write(bed, { files: [so('v1.5.0', 'linux-amd64', 'b', one)], overwrite: true });
    expect(r).toMatchObject({ ok: true, written: ['v1.5.0'] });
    expect(r.entries).toMatchObject({ added: ['v1.5.0 linux-amd64'], dropped: ['v1.4.2 linux-amd64'] });
    const s = releaseState(bed);
    expect(Object.keys(s.index!.releases)).toEqual(['v1.5.0']);
    expect(s.index!.releases['v1.5.0']!.targets['linux-amd64']!.sha256).toBe(s.files.get(one)!.sha256);
    expect(s.checksums).toEqual([{ fileName: one, sha256: s.files.get(one)!.sha256 }]);
  });

  it("one job per target (a matrix with releases): every job's entry stays", async () => {
    bed = await startBed();
    for (const t of ['linux-amd64', 'linux-arm64', 'linux-arm-7'])
      expect((await write(bed, { mode: 'build', files: [so('v1.5.0', t, 'x')] })).ok).toBe(true);
    const s = releaseState(bed);
    expect(Object.keys(s.index!.releases['v1.5.0']!.targets).sort()).toEqual([
      'linux-amd64',
      'linux-arm-7',
      'linux-arm64',
    ]);
    expect(s.checksums).toHaveLength(3);
  });

  it('overwrite: false adds new files to a release that has plugins.json, and never replaces one (any mode)', async () => {
    bed = await startBed();
    await write(bed, { files: [so('v1.4.2', 'linux-amd64', 'a')] });
    expect((await write(bed, { files: [so('v1.5.0', 'linux-amd64', 'a')] })).ok).toBe(true);
    for (const mode of ['build', 'publish', 'follow'] as const) {
      const before = releaseState(bed);
      const r = await write(bed, { mode, files: [so('v1.5.0', 'linux-amd64', `changed ${mode}`)] });
      if (mode === 'follow') {
        // follow leaves out a release the index covers already (written by another run).
        expect(r).toMatchObject({ ok: true, written: [], meanwhile: ['v1.5.0'] });
      } else {
        expect(r).toMatchObject({ ok: false, refused: true });
        expect(r.error).toContain('hello-linux-amd64-for-v1.5.0.so');
        expect(r.error).toContain('overwrite is false');
      }
      expect(releaseState(bed)).toEqual(before);
    }
    noTemporaries();
  });

  it('follow with overwrite: false never replaces a file it did not write (on the release, in no entry)', async () => {
    bed = await startBed({ assets: [{ name: 'hello-linux-amd64-for-v1.5.0.so', content: 'someone else' }] });
    const r = await write(bed, { mode: 'follow', files: [so('v1.5.0', 'linux-amd64', 'x')] });
    expect(r).toMatchObject({ ok: false, refused: true, written: [] });
    expect(r.error).toContain('hello-linux-amd64-for-v1.5.0.so');
    expect(bed.gh.assetBytes('me/hello', TAG, 'hello-linux-amd64-for-v1.5.0.so')!.toString()).toBe(
      'someone else',
    );
  });

  it('a follow stopped between checksums.txt and plugins.json is healed by the next one (its stale line replaced)', async () => {
    bed = await startBed();
    await write(bed, { mode: 'follow', files: [so('v1.4.2', 'linux-amd64', 'a')] });
    // The stopped run: its plugin and checksums line are there, plugins.json does not name them.
    bed.gh.addAsset('me/hello', TAG, { name: 'hello-linux-amd64-for-v1.5.0.so', content: 'first try' });
    const sums = bed.gh.repo('me/hello').releases[0]!.assets.find((a) => a.name === 'checksums.txt')!;
    sums.bytes = Buffer.concat([
      sums.bytes,
      Buffer.from(`${sha256('first try')}  hello-linux-amd64-for-v1.5.0.so\n`),
    ]);
    const log: string[] = [];
    const r = await write(bed, {
      mode: 'follow',
      overwrite: true,
      files: [so('v1.5.0', 'linux-amd64', 'again')],
      log,
    });
    expect(r).toMatchObject({ ok: true, written: ['v1.5.0'] });
    expect(log.join('\n')).toContain(
      'but in no entry of plugins.json (left by a run that did not finish): replacing it',
    );
    const s = releaseState(bed);
    expect(s.checksums!.filter((e) => e.fileName === 'hello-linux-amd64-for-v1.5.0.so')).toEqual([
      {
        fileName: 'hello-linux-amd64-for-v1.5.0.so',
        sha256: s.files.get('hello-linux-amd64-for-v1.5.0.so')!.sha256,
      },
    ]);
  });

  it('checksums: false and plugin-index: false are honoured, and refuse to make the files they leave lie', async () => {
    bed = await startBed();
    const r = await write(bed, {
      files: [so('v1', 'linux-amd64', 'a')],
      writeChecksums: false,
      writeIndex: false,
    });
    expect(r.ok).toBe(true);
    expect(names()).toEqual(['hello-linux-amd64-for-v1.so']);
    await write(bed, { files: [so('v2', 'linux-amd64', 'a')] });
    const lie = await write(bed, {
      files: [so('v2', 'linux-amd64', 'b')],
      overwrite: true,
      writeChecksums: false,
    });
    expect(lie).toMatchObject({ ok: false, refused: true });
    expect(lie.error).toContain('checksums: true');
    expect(
      (await write(bed, { mode: 'follow', files: [so('v3', 'linux-amd64', 'a')], writeIndex: false })).error,
    ).toContain('plugin-index: true');
  });
});

describe('what the release tells is checked where it is read', () => {
  it.each([
    [
      'a broken plugins.json',
      { name: 'plugins.json', content: '{' },
      'plugins.json of release v0.1.0 is not JSON',
    ],
    [
      'checksums.txt not in sha256sum form',
      { name: 'checksums.txt', content: 'hello\n' },
      'not in sha256sum form',
    ],
    [
      'a release key that is no tag (a workflow command in a log)',
      {
        name: 'plugins.json',
        content: JSON.stringify({
          schema: 1,
          ...PLUGIN,
          generatedBy: 'flow-plugin-build-action',
          releases: {
            'v1.4.2\n::warning ::pwned': { go: '1', serverModule: 'm', goModChanges: [], targets: {} },
          },
        }),
      },
      'v1.4.2\\n::warning ::pwned',
    ],
  ])('%s: refused, nothing written, the text escaped', async (_, asset, says) => {
    bed = await startBed({ assets: [asset] });
    const r = await write(bed, { files: [so('v1', 'linux-amd64', 'a')] });
    expect(r).toMatchObject({ ok: false, refused: true, written: [] });
    expect(r.error).toContain(says);
    expect(r.error).not.toContain('\n');
    expect(names()).toEqual([asset.name]);
  });

  it('a tag build and a follow read it before any container: a broken plugins.json stops them there', async () => {
    bed = await startBed({ assets: [{ name: 'plugins.json', content: '{' }] });
    const env = { GITHUB_REPOSITORY: 'me/hello', GITHUB_REF: `refs/tags/${TAG}`, GITHUB_EVENT_NAME: 'push' };
    const build = fakeContext({ release: 'auto' }, { env }).ctx;
    await expect(checkReleaseUpFront(build, bed.client)).rejects.toThrow(
      'plugins.json of release v0.1.0 is not JSON',
    );
    const follow = fakeContext({ mode: 'follow', 'release-tag': TAG }, { env }).ctx;
    await expect(followCoverage(follow, bed.client, ['v1.5.0'])).rejects.toThrow(
      'plugins.json of release v0.1.0 is not JSON',
    );
  });

  it("another plugin's plugins.json: refused", async () => {
    bed = await startBed();
    await write(bed, {
      files: [so('v1', 'linux-amd64', 'a')],
      plugin: { ...PLUGIN, module: 'example.com/other' },
    });
    const r = await write(bed, { files: [so('v2', 'linux-amd64', 'a')] });
    expect(r).toMatchObject({ ok: false, refused: true });
    expect(r.error).toContain('example.com/other');
  });
});

describe('the lock', () => {
  it("every mode takes it: a write waits for a held lock, then says who holds it; another run's young temporaries are left alone", async () => {
    bed = await startBed();
    const since = Date.now();
    bed.gh.addAsset('me/hello', TAG, { name: LOCK_NAME, content: '{"holder":"run 9","token":"feedbeef"}' });
    bed.gh.addAsset('me/hello', TAG, { name: 'x.so.flow-new-feedbeef', content: 'theirs' });
    for (const mode of ['build', 'publish', 'follow'] as const) {
      const r = await write(bed, { mode, files: [so('v1', 'linux-amd64', 'a')], now: () => since + 1000 });
      expect(r).toMatchObject({ ok: false, written: [] });
      expect(r.error).toContain('another run has held plugins.json.lock');
    }
    expect(names()).toEqual([LOCK_NAME, 'x.so.flow-new-feedbeef']);
    // Once both are older than the stale time they were left by a run that died: removed.
    const r = await write(bed, { files: [so('v1', 'linux-amd64', 'a')], now: () => since + 31 * 60_000 });
    expect(r.ok).toBe(true);
    noTemporaries();
  });

  it('a lock GitHub stored but whose answer was lost is adopted (not waited for), and never re-posted blindly', async () => {
    bed = await startBed();
    bed.gh.inject({ method: 'POST', path: /name=plugins\.json\.lock/, status: 502, stored: true });
    const log: string[] = [];
    const r = await write(bed, { files: [so('v1', 'linux-amd64', 'a')], log });
    expect(r.ok).toBe(true);
    expect(log.join('\n')).toContain("is this run's (its upload's answer was lost)");
    expect(bed.gh.requestsTo('POST', /name=plugins\.json\.lock/)).toHaveLength(1);
    noTemporaries();
  });

  it('a lock still uploading (starter) is held for the grace period, then removed', async () => {
    bed = await startBed();
    const since = Date.now();
    bed.gh.addAsset('me/hello', TAG, { name: LOCK_NAME, content: '', state: 'starter' });
    const young = await write(bed, { files: [so('v1', 'linux-amd64', 'a')], now: () => since + 1000 });
    expect(young.error).toContain('another run has held');
    const old = await write(bed, { files: [so('v1', 'linux-amd64', 'a')], now: () => since + 3 * 60_000 });
    expect(old.ok).toBe(true);
    noTemporaries();
  });

  it('any other 422 on the lock is reported as what it is', async () => {
    bed = await startBed();
    bed.gh.inject({
      method: 'POST',
      path: /name=plugins\.json\.lock/,
      status: 422,
      body: { message: 'Validation Failed', errors: [{ code: 'custom', message: 'name is too long' }] },
    });
    const r = await write(bed, { files: [so('v1', 'linux-amd64', 'a')] });
    expect(r.ok).toBe(false);
    expect(r.error).toContain('GitHub refused the upload');
    expect(r.error).not.toContain('another run');
  });

  it('a cancel during the write: the undo removes the lock (the process ends before the write does)', async () => {
    bed = await startBed();
    let undo: (() => Promise<void>) | undefined;
    // The upload of the plugin hangs; the runner's cancel runs the undo steps meanwhile.
    bed.gh.inject({ method: 'POST', path: /flow-new-/, delayMs: 60_000, onMatch: () => void undo!() });
    const gone = new Promise<void>((resolve) => {
      void write(bed, {
        files: [so('v1', 'linux-amd64', 'a')],
        cancelSettleMs: 10,
        onCancel: (_, u) => {
          undo = async () => {
            await u();
            resolve();
          };
          return () => undefined;
        },
      });
    });
    await gone;
    expect(names()).not.toContain(LOCK_NAME);
  });

  it('a cancel between steps: the temporary uploads go, the release is as it was, the lock is removed', async () => {
    bed = await startBed({ assets: [{ name: 'README.md', content: 'not ours' }] });
    let cancelled = false;
    bed.gh.inject({ method: 'POST', path: /flow-new-/, onMatch: () => (cancelled = true) });
    const r = await write(bed, {
      files: [so('v1', 'linux-amd64', 'a'), so('v1', 'linux-arm64', 'a')],
      cancelled: () => cancelled,
    });
    expect(r).toMatchObject({ ok: false, release: 'untouched', written: [] });
    expect(names()).toEqual(['README.md']);
  });
});

describe('what GitHub gives back', () => {
  it("a failed swap is never reported as success: rolled back (the client's 4 tries, then 4 more), nothing said written", async () => {
    bed = await startBed();
    await write(bed, { files: [so('v1', 'linux-amd64', 'a')] });
    const before = releaseState(bed);
    bed.gh.inject({
      method: 'PATCH',
      path: /releases\/assets/,
      bodyIncludes: '"name":"plugins.json"',
      status: 502,
      times: 8,
    });
    const r = await write(bed, { files: [so('v2', 'linux-amd64', 'a')] });
    bed.gh.clearFaults();
    expect(r).toMatchObject({ ok: false, written: [], release: 'untouched' });
    expect(r.files.find((f) => f.name === 'plugins.json')).toMatchObject({ ok: false });
    expect(releaseState(bed)).toEqual(before);
    noTemporaries();
  });

  it('a 404 on an asset says the asset vanished (not that the token cannot read the repository)', async () => {
    bed = await startBed();
    bed.gh.inject({ method: 'PATCH', path: /releases\/assets\//, status: 404 });
    const r = await write(bed, { files: [so('v1', 'linux-amd64', 'a')] });
    expect(r).toMatchObject({ ok: false, written: [] });
    expect(r.error).toContain('the asset vanished');
    expect(r.error).not.toContain('cannot read');
  });

  it('an asset GitHub stores under another name stops the write before the swap', async () => {
    bed = await startBed({ assetName: (n) => n.replace(/\+/g, '.') });
    const r = await write(bed, { files: [so('v1', 'linux-amd64', 'a', 'hello+amd64.so')] });
    expect(r).toMatchObject({ ok: false, written: [], release: 'untouched' });
    expect(r.error).toContain('GitHub stored hello+amd64.so');
    expect(names()).toEqual([]);
  });

  it('a draft: the URLs reported are the ones the files will have once published, not untagged-', async () => {
    bed = await startBed({ draft: true });
    const r = await write(bed, { files: [so('v1', 'linux-amd64', 'a')] });
    expect(r.ok).toBe(true);
    expect(bed.gh.uploadedAssets('me/hello', TAG).length).toBe(3);
    for (const f of r.files) {
      expect(f.url).toContain(`/releases/download/${TAG}/${f.name}`);
      expect(f.url).not.toContain('untagged-');
    }
  });
});
