// The release store's decision as tables: a release as read, what a run brings, the next state.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatChecksums } from '../../src/publish/checksums';
import { formatPluginIndex } from '../../src/publish/plugin-index';
import { nextState, type RunFile, type RunWants, type Snapshot } from '../../src/release-store';
import { PLUGIN, runIndex, type BuiltFile } from './harness';

const sha = (t: string) => createHash('sha256').update(t).digest('hex');
const f = (tag: string, target: string, content: string, name = `p-${target}-for-${tag}.so`): BuiltFile => ({
  tag,
  target,
  name,
  content,
});
const wants = (files: BuiltFile[], o: Partial<RunWants> = {}): RunWants => ({
  mode: 'build',
  files: files.map((x): RunFile => ({
    name: x.name,
    sha256: sha(x.content),
    size: x.content.length,
    serverTag: x.tag,
    target: x.target,
  })),
  index: runIndex(files),
  writeIndex: true,
  writeChecksums: true,
  overwrite: false,
  ...o,
});
/** A release the action wrote `files` to. */
const release = (files: BuiltFile[], extra: { name: string; content: string }[] = []): Snapshot => ({
  tag: 'v0.1.0',
  draft: false,
  assets: [
    ...files,
    ...extra,
    ...(files.length > 0
      ? [
          { name: 'plugins.json', content: formatPluginIndex(runIndex(files)) },
          {
            name: 'checksums.txt',
            content: formatChecksums(files.map((x) => ({ fileName: x.name, sha256: sha(x.content) }))),
          },
        ]
      : []),
  ].map((x, i) => ({
    id: i,
    name: x.name,
    size: x.content.length,
    sha256: sha(x.content),
    state: 'uploaded',
    createdAt: '2026-12-07T00:00:00Z',
    url: `https://x/${x.name}`,
  })),
  ...(files.length > 0 && {
    index: runIndex(files),
    checksums: files.map((x) => ({ fileName: x.name, sha256: sha(x.content) })),
  }),
});
const decide = (snap: Snapshot, w: RunWants) => nextState(snap, w, sha);

describe('nextState', () => {
  it('an empty release: every file added, checksums.txt then plugins.json last', () => {
    const d = decide(release([]), wants([f('v1', 'linux-amd64', 'a'), f('v1', 'linux-arm64', 'b')]));
    expect(d.ok && d.next.files.map((x) => `${x.action} ${x.name}`)).toEqual([
      'add p-linux-amd64-for-v1.so',
      'add p-linux-arm64-for-v1.so',
      'add checksums.txt',
      'add plugins.json',
    ]);
  });

  it('one target of a release that has others: their entries and lines stay', () => {
    const there = [f('v1', 'linux-amd64', 'a'), f('v1', 'linux-arm64', 'b')];
    const d = decide(release(there), wants([f('v1', 'linux-arm-7', 'c')]));
    if (!d.ok) throw new Error(d.refused);
    expect(Object.keys(d.next.index!.releases['v1']!.targets).sort()).toEqual([
      'linux-amd64',
      'linux-arm-7',
      'linux-arm64',
    ]);
    expect(d.next.entries).toEqual({ added: ['v1 linux-arm-7'], replaced: [], dropped: [], kept: 2 });
    expect(
      d.next.files
        .find((x) => x.name === 'checksums.txt')!
        .text!.trim()
        .split('\n'),
    ).toHaveLength(3);
  });

  it("latest moved under one file name: the old release's entry is dropped, not left naming other bytes", () => {
    const d = decide(
      release([f('v1', 'linux-amd64', 'a', 'p.so')]),
      wants([f('v2', 'linux-amd64', 'b', 'p.so')], { overwrite: true }),
    );
    if (!d.ok) throw new Error(d.refused);
    expect(d.next.entries.dropped).toEqual(['v1 linux-amd64']);
    expect(Object.keys(d.next.index!.releases)).toEqual(['v2']);
    expect(d.next.files.find((x) => x.name === 'checksums.txt')!.text).toBe(
      formatChecksums([{ fileName: 'p.so', sha256: sha('b') }]),
    );
  });

  it.each([
    ['build', 'overwrite is false'],
    ['publish', 'overwrite is false'],
  ] as const)('%s, overwrite: false, a file with other bytes: refused naming it', (mode, says) => {
    const d = decide(release([f('v1', 'linux-amd64', 'a')]), wants([f('v1', 'linux-amd64', 'b')], { mode }));
    expect(d).toMatchObject({ ok: false });
    expect(!d.ok && d.refused).toContain('p-linux-amd64-for-v1.so');
    expect(!d.ok && d.refused).toContain(says);
  });

  it('file-name changed for a release and target: the old file goes with overwrite, else refused (found by the model test)', () => {
    const there = release([f('v1', 'linux-amd64', 'a', 'old.so')]);
    const d = decide(there, wants([f('v1', 'linux-amd64', 'a', 'new.so')], { overwrite: true }));
    expect(d.ok && d.next.remove).toEqual(['old.so']);
    expect(d.ok && d.next.files.find((x) => x.name === 'checksums.txt')!.text).not.toContain('old.so');
    const no = decide(there, wants([f('v1', 'linux-amd64', 'a', 'new.so')]));
    expect(!no.ok && no.refused).toContain('old.so for v1 linux-amd64');
  });

  it('the same bytes: left as they are, never a conflict', () => {
    const d = decide(release([f('v1', 'linux-amd64', 'a')]), wants([f('v1', 'linux-amd64', 'a')]));
    expect(d.ok && d.next.files.map((x) => x.action)).toEqual(['leave', 'leave', 'leave']);
  });

  it('follow: a covered release is left out (meanwhile); a file in no entry is replaced only with overwrite', () => {
    const covered = decide(
      release([f('v1', 'linux-amd64', 'a')]),
      wants([f('v1', 'linux-amd64', 'b')], { mode: 'follow' }),
    );
    expect(covered.ok && covered.next).toMatchObject({ meanwhile: ['v1'], writes: [], files: [] });
    const stray = release(
      [f('v1', 'linux-amd64', 'a')],
      [{ name: 'p-linux-amd64-for-v2.so', content: 'half' }],
    );
    expect(decide(stray, wants([f('v2', 'linux-amd64', 'b')], { mode: 'follow' })).ok).toBe(false);
    expect(decide(stray, wants([f('v2', 'linux-amd64', 'b')], { mode: 'follow', overwrite: true })).ok).toBe(
      true,
    );
    // Without an index every file there is someone's: never replaced by follow.
    const before = release([], [{ name: 'p-linux-amd64-for-v2.so', content: 'half' }]);
    const d = decide(before, wants([f('v2', 'linux-amd64', 'b')], { mode: 'follow', overwrite: true }));
    expect(!d.ok && d.refused).toContain('has no plugins.json but already has p-linux-amd64-for-v2.so');
  });

  it('follow never replaces a file the index names for a release it did not build', () => {
    const d = decide(
      release([f('v1', 'linux-amd64', 'a', 'p.so')]),
      wants([f('v2', 'linux-amd64', 'b', 'p.so')], { mode: 'follow', overwrite: true }),
    );
    expect(!d.ok && d.refused).toContain('v1 linux-amd64');
  });

  it.each([
    [{ writeIndex: false }, 'plugin-index is false'],
    [{ writeChecksums: false }, 'checksums is false'],
  ])('%o and a file they name replaced: refused (they would lie)', (o, says) => {
    const d = decide(
      release([f('v1', 'linux-amd64', 'a')]),
      wants([f('v1', 'linux-amd64', 'b')], { overwrite: true, ...o }),
    );
    expect(!d.ok && d.refused).toContain(says);
  });

  it("another plugin's index, names twice, reserved and temporary names: refused", () => {
    const other = { ...release([f('v1', 'linux-amd64', 'a')]) };
    other.index = { ...other.index!, module: 'example.com/other' };
    expect(decide(other, wants([f('v2', 'linux-amd64', 'a')])).ok).toBe(false);
    for (const bad of [
      [f('v1', 'linux-amd64', 'a', 'x.so'), f('v1', 'linux-arm64', 'b', 'x.so')],
      [f('v1', 'linux-amd64', 'a', 'checksums.txt')],
      [f('v1', 'linux-amd64', 'a', 'x.so.flow-new-0123abcd')],
    ])
      expect(decide(release([]), wants(bad)).ok).toBe(false);
    expect(PLUGIN.module).toBe('example.com/hello');
  });
});
