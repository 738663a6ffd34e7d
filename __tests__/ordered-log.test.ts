// The log of overlapped releases on plain data: what a later release logs while an earlier one
// runs is kept and written, groups and annotations in place, when its turn comes.
import { describe, expect, it } from 'vitest';
import { orderedLog } from '../src/ordered-log';
import { dockerPart } from '../src/report/timings';
import { overlapsReleases } from '../src/release-loop';
import { fakeToolkit } from './stages/fake-toolkit';

describe('orderedLog', () => {
  it('writes the head through and keeps the others until their turn, release by release', async () => {
    const { tk, rec } = fakeToolkit();
    const log = orderedLog(tk, 3);
    const [one, two, three] = [0, 1, 2].map((i) => log.toolkit(i));
    let finishTwo!: () => void;
    const twoGroup = two!.group('Prepare 2', async () => {
      two!.info('tidy 2');
      await new Promise<void>((r) => (finishTwo = r));
      two!.info('aligned 2');
    });
    one!.startGroup('Build 1');
    three!.warning('late 3', { file: 'go.mod', startLine: 3 });
    one!.info('built 1');
    one!.endGroup();
    expect(rec.log).toEqual(['group: Build 1', 'info: built 1', 'endgroup']);
    log.advance(); // release 1 taken: release 2's kept lines are written, then it writes through
    expect(rec.log.slice(3)).toEqual(['group: Prepare 2', 'info: tidy 2']);
    finishTwo();
    await twoGroup;
    expect(rec.log.slice(5)).toEqual(['info: aligned 2', 'endgroup']);
    expect(rec.annotations).toEqual([]);
    log.advance();
    expect(rec.annotations).toEqual([
      { level: 'warning', message: 'late 3', where: { file: 'go.mod', startLine: 3 } },
    ]);
    three!.info('now 3');
    expect(rec.log.at(-1)).toBe('info: now 3');
  });

  it('outputs and secrets are never held back', () => {
    const { tk, rec } = fakeToolkit();
    const later = orderedLog(tk, 2).toolkit(1);
    later.setOutput('x', '1');
    later.setSecret('s');
    expect(rec.outputs).toEqual({ x: '1' });
    expect(rec.secrets).toEqual(['s']);
  });
});

describe('timings and overlap, as data', () => {
  it.each([
    [['image', 'inspect', '--format', '{{.Id}}', 'img'], 'image check'],
    [
      ['run', '--rm', '--name', 'flow-build-ab-prepare', 'img', 'sh', '-c', 'go mod tidy && go mod download'],
      'tidy',
    ],
    [
      [
        'run',
        '--rm',
        '--name',
        'flow-build-ab-prepare',
        'img',
        'sh',
        '-c',
        'echo @@flow-align@@list && go list -mod=mod -m -e -json all',
      ],
      'alignment',
    ],
    [
      ['run', '--rm', '--name', 'flow-build-ab-linux-amd64', 'img', 'go', 'build', '-buildmode=plugin'],
      'build',
    ],
    [['run', '--rm', '--name', 'flow-verify-linux-amd64-4000-1', 'img', '/server'], 'verify'],
    [['rm', '--force', 'x'], 'docker'],
  ])('dockerPart(%j) is %s', (argv, part) => {
    expect(dockerPart(argv)).toBe(part);
  });

  it('releases overlap only when several build with parallel above 1', () => {
    expect(overlapsReleases({ build: true, parallel: 2 }, 3)).toBe(true);
    expect(overlapsReleases({ build: true, parallel: 1 }, 3)).toBe(false);
    expect(overlapsReleases({ build: true, parallel: 2 }, 1)).toBe(false);
    expect(overlapsReleases({ build: false, parallel: 2 }, 3)).toBe(false);
  });
});
