import { describe, expect, it } from 'vitest';
import { parseTarget, parseTargets } from '../../src/build/targets';
import { elfHeaderFor, howToRun, parseBinfmtEntry, type BinfmtState } from '../../src/verify/emulation';
import { decideTargets, emulationNotice, unrunnableMessage, unrunnableTargets } from '../../src/verify/plan';

// What qemu-user-static + binfmt-support register on Debian (read on our machine, 2026-11-26).
const DEBIAN_ARM = `enabled
interpreter /usr/libexec/qemu-binfmt/arm-binfmt-P
flags: PF
offset 0
magic 7f454c4601010100000000000000000002002800
mask ffffffffffffff00fffffffffffffffffeffffff
`;
const DEBIAN_AARCH64 = `enabled
interpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P
flags: PF
offset 0
magic 7f454c460201010000000000000000000200b700
mask ffffffffffffff00fffffffffffffffffeffffff
`;
// What docker/setup-qemu-action (tonistiigi/binfmt) registers: another name and interpreter.
const SETUP_QEMU_AARCH64 = `enabled
interpreter /usr/bin/qemu-aarch64
flags: POCF
offset 0
magic 7f454c460201010000000000000000000200b700
mask ffffffffffffff00fffffffffffffffffeffffff
`;

const state = (entries: Record<string, string>, enabled = true): BinfmtState => ({
  enabled,
  entries: Object.entries(entries).map(([n, t]) => parseBinfmtEntry(n, t)),
});

const t = (name: string) => parseTarget(name);

describe('parseBinfmtEntry', () => {
  it('reads the fields of an entry', () => {
    const e = parseBinfmtEntry('qemu-arm', DEBIAN_ARM);
    expect(e).toMatchObject({ name: 'qemu-arm', enabled: true, flags: 'PF', offset: 0 });
    expect(e.interpreter).toBe('/usr/libexec/qemu-binfmt/arm-binfmt-P');
    expect(Buffer.from(e.magic!).toString('hex')).toBe('7f454c4601010100000000000000000002002800');
    expect(e.mask!.length).toBe(20);
    expect(parseBinfmtEntry('x', DEBIAN_ARM.replace('enabled', 'disabled')).enabled).toBe(false);
  });

  it('the ELF header of a target: class, little endian, machine', () => {
    expect(Buffer.from(elfHeaderFor(t('linux-arm64'), 3)).toString('hex')).toBe(
      '7f454c460201010000000000000000000300b700',
    );
    expect(Buffer.from(elfHeaderFor(t('linux-arm-7'), 2)).toString('hex')).toBe(
      '7f454c4601010100000000000000000002002800',
    );
  });
});

describe('howToRun', () => {
  it('amd64 and 386 run natively on an x86-64 runner, whatever binfmt says', () => {
    const none = state({}, false);
    expect(howToRun(t('linux-amd64'), 'x64', none)).toEqual({ runs: true, via: 'native' });
    expect(howToRun(t('linux-386'), 'x64', none)).toEqual({ runs: true, via: 'native' });
  });

  it('arm runs through a registered handler with the F flag, found by its magic, not its name', () => {
    const debian = state({ 'qemu-arm': DEBIAN_ARM, 'qemu-aarch64': DEBIAN_AARCH64 });
    expect(howToRun(t('linux-arm-7'), 'x64', debian)).toEqual({
      runs: true,
      via: 'emulator',
      handler: 'qemu-arm',
    });
    expect(howToRun(t('linux-arm64'), 'x64', debian)).toEqual({
      runs: true,
      via: 'emulator',
      handler: 'qemu-aarch64',
    });
    const renamed = state({ 'arm64-by-someone': SETUP_QEMU_AARCH64 });
    expect(howToRun(t('linux-arm64'), 'x64', renamed)).toMatchObject({
      runs: true,
      handler: 'arm64-by-someone',
    });
    // The aarch64 handler does not run 32-bit arm.
    expect(howToRun(t('linux-arm-7'), 'x64', renamed)).toMatchObject({ runs: false });
  });

  it('no emulator: binfmt_misc absent, disabled, or the entry disabled', () => {
    const reason = { runs: false, reason: 'no emulator for arm64 is registered on this runner' };
    expect(howToRun(t('linux-arm64'), 'x64', state({}, false))).toEqual(reason);
    expect(howToRun(t('linux-arm64'), 'x64', state({ 'qemu-aarch64': DEBIAN_AARCH64 }, false))).toEqual(
      reason,
    );
    const off = DEBIAN_AARCH64.replace('enabled', 'disabled');
    expect(howToRun(t('linux-arm64'), 'x64', state({ 'qemu-aarch64': off }))).toEqual(reason);
    expect(howToRun(t('linux-riscv64'), 'x64', state({ 'qemu-aarch64': DEBIAN_AARCH64 }))).toEqual({
      runs: false,
      reason: 'no emulator for riscv64 is registered on this runner',
    });
  });

  it('a handler without the F flag cannot run inside the container: said so', () => {
    const noF = state({ 'qemu-aarch64': DEBIAN_AARCH64.replace('flags: PF', 'flags: P') });
    expect(howToRun(t('linux-arm64'), 'x64', noF)).toEqual({
      runs: false,
      reason:
        'the emulator for arm64 (qemu-aarch64) is registered without the F flag, so it cannot run inside the builder container',
    });
  });

  it('an arm64 runner runs arm64 natively and needs an emulator for amd64', () => {
    expect(howToRun(t('linux-arm64'), 'arm64', state({}, false))).toEqual({ runs: true, via: 'native' });
    expect(howToRun(t('linux-amd64'), 'arm64', state({}, false))).toMatchObject({ runs: false });
  });
});

describe('unrunnableTargets (verify: true, checked before anything runs)', () => {
  const targets = parseTargets('linux-amd64,linux-arm-7,linux-arm64,linux-386');
  it('without an emulator the arm targets are refused, with the reason; auto and false refuse none', () => {
    const missing = unrunnableTargets('true', targets, 'x64', state({}, false));
    expect(missing.map((m) => [m.target.name, m.reason])).toEqual([
      ['linux-arm-7', 'no emulator for arm is registered on this runner'],
      ['linux-arm64', 'no emulator for arm64 is registered on this runner'],
    ]);
    expect(unrunnableMessage(missing)).toMatch(
      /^verify is true, but this runner cannot run linux-arm-7 \(no emulator for arm is registered on this runner\); linux-arm64 .*set verify: auto/,
    );
    expect(unrunnableTargets('auto', targets, 'x64', state({}, false))).toEqual([]);
    expect(unrunnableTargets('false', targets, 'x64', state({}, false))).toEqual([]);
  });
  it('with the F-flag emulators registered every target runs', () => {
    const all = state({ 'qemu-aarch64': DEBIAN_AARCH64, 'qemu-arm': DEBIAN_ARM });
    expect(unrunnableTargets('true', targets, 'x64', all)).toEqual([]);
  });
});

describe('decideTargets', () => {
  const targets = parseTargets('linux-amd64,linux-arm-7,linux-arm64,linux-386');
  const built = targets.map((target) => ({ target, ok: true }));
  const noEmulator = state({}, false);

  it('auto without an emulator: amd64 and 386 are verified, arm not, with one notice saying how', () => {
    const d = decideTargets('auto', built, 'x64', noEmulator);
    expect(d.map((x) => [x.target.name, x.verify])).toEqual([
      ['linux-amd64', true],
      ['linux-arm-7', false],
      ['linux-arm64', false],
      ['linux-386', true],
    ]);
    expect(emulationNotice(d)).toBe(
      'Not verified on this runner: linux-arm-7, linux-arm64 (no emulator registered). ' +
        'Add `- uses: docker/setup-qemu-action@v4` before this step to verify them too, or set verify: false to skip verification.',
    );
  });

  it('auto with the emulator: every target, no notice', () => {
    const d = decideTargets('auto', built, 'x64', state({ a: DEBIAN_ARM, b: DEBIAN_AARCH64 }));
    expect(d.every((x) => x.verify)).toBe(true);
    expect(d.map((x) => (x.verify ? x.via : '-'))).toEqual(['native', 'emulator', 'emulator', 'native']);
    expect(emulationNotice(d)).toBeUndefined();
  });

  it('false: nothing; a failed build: not verified, no notice for it', () => {
    expect(decideTargets('false', built, 'x64', noEmulator).every((x) => !x.verify)).toBe(true);
    const d = decideTargets('true', [{ target: targets[0]!, ok: false }], 'x64', noEmulator);
    expect(d).toEqual([{ target: targets[0], verify: false, reason: 'the build failed' }]);
    expect(emulationNotice(d)).toBeUndefined();
  });
});
