// Issue 21, item 2: the build info reader on the real bed's gotify release binaries (built in the
// builder images with -ldflags "-w -s", cgo, every target of the bed): the same Go version,
// modules, sums and settings as `go version -m` prints; and what the comparison tells apart
// between two real servers (another target, another release) - the check verify runs on every
// target, arm included, without an emulator.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareBuildInfo, readBuildInfo } from '../../src/verify/build-info';
import { findHostGo } from '../support/host-go';
import { ensureRealBed, type RealBed } from '../support/real';

let bed: RealBed;
beforeAll(async () => {
  bed = await ensureRealBed();
}, 3_600_000);

/** `go version -m` as data. */
function goVersionM(file: string) {
  const text = execFileSync(findHostGo().bin, ['version', '-m', file], { encoding: 'utf8' });
  const [first, ...rest] = text.trimEnd().split('\n');
  const lines = rest.map((l) => l.replace(/^\t/, '').split('\t'));
  return {
    goVersion: first!.split(': ')[1]!,
    deps: lines.filter((l) => l[0] === 'dep').map((l) => `${l[1]} ${l[2]} ${l[3] ?? ''}`),
    settings: lines.filter((l) => l[0] === 'build').map((l) => l[1]!),
  };
}

describe('real gotify binaries', () => {
  it('every server binary of the bed: readBuildInfo reads what go version -m reads', () => {
    let n = 0;
    for (const s of bed.servers) {
      for (const [target, file] of Object.entries(s.binaries)) {
        const info = readBuildInfo(readFileSync(file!))!;
        const want = goVersionM(file!);
        expect(info.goVersion, `${s.tag} ${target}`).toBe(want.goVersion);
        expect(info.deps.map((d) => `${d.path} ${d.version} ${d.sum}`)).toEqual(want.deps);
        expect(info.settings.map(([k]) => k)).toEqual(want.settings.map((x) => x.slice(0, x.indexOf('='))));
        expect(info.goVersion).toBe(`go${s.goVersion}`);
        n++;
      }
    }
    expect(n).toBeGreaterThanOrEqual(4);
  });

  it('two real servers: another target differs in GOARCH/GOARM only; another release in its Go and modules', () => {
    const latest = bed.servers.find((s) => s.tag === bed.quickAllTargetsTag)!;
    const amd64 = readBuildInfo(readFileSync(latest.binaries['linux-amd64']!))!;
    const arm7 = readBuildInfo(readFileSync(latest.binaries['linux-arm-7']!))!;
    expect(compareBuildInfo(amd64, amd64)).toEqual([]);
    const names = compareBuildInfo(arm7, amd64).map((d) => d.name);
    expect(names).toContain('GOARCH');
    expect(names).toContain('GOARM');
    expect(names.every((n) => ['GOARCH', 'GOARM', 'GOAMD64'].includes(n))).toBe(true);
    expect(compareBuildInfo(arm7, amd64).every((d) => d.kind === 'setting')).toBe(true);
    const older = bed.servers.find((s) => s.tag !== latest.tag && s.binaries['linux-amd64'])!;
    const old = readBuildInfo(readFileSync(older.binaries['linux-amd64']!))!;
    const d = compareBuildInfo(old, amd64);
    expect(d[0]).toMatchObject({
      kind: 'go',
      plugin: `go${older.goVersion}`,
      server: `go${latest.goVersion}`,
    });
    expect(d.some((x) => x.kind === 'module')).toBe(true);
  });
});
