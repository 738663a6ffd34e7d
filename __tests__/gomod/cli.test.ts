// The gomod-cap command line through its exported main(argv), on real temp files.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main, parseArgs, writeAllSync } from '../../src/cli/gomod-cap';

const SERVER =
  'module example.com/server\n\ngo 1.22\n\nrequire (\n\texample.com/lib v1.2.0\n\texample.com/other v0.1.0\n)\n';
const PLUGIN =
  'module example.com/plugin\r\n\r\nrequire (\r\n\texample.com/lib v1.3.0 // indirect\r\n\texample.com/other v0.0.9\r\n)\r\n';
const CAPPED =
  'module example.com/plugin\n\nrequire (\n\texample.com/lib v1.2.0 // indirect\n\texample.com/other v0.1.0\n)\n';

let dir = '';
let log: string[] = [];
const io = (): { stderr: (l: string) => void; cwd: string } => ({ stderr: (l) => log.push(l), cwd: dir });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gomod-cap-cli-'));
  log = [];
  mkdirSync(join(dir, 'server'));
  mkdirSync(join(dir, 'plugin'));
  writeFileSync(join(dir, 'server', 'go.mod'), SERVER);
  writeFileSync(join(dir, 'plugin', 'go.mod'), PLUGIN);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const plugin = (): string => readFileSync(join(dir, 'plugin', 'go.mod'), 'utf8');

describe('flags, Go flag-package style', () => {
  it.each([
    [['-from', 'a', '-to', 'b'], { from: 'a', to: 'b', check: false }],
    [['-from=a', '--to=b', '-check'], { from: 'a', to: 'b', check: true }],
    [['--from', 'a', '-check=false'], { from: 'a', to: './go.mod', check: false }],
    [['--'], { from: './go.mod', to: './go.mod', check: false }],
    [[], { from: './go.mod', to: './go.mod', check: false }],
  ])('%j', (argv, want) => {
    expect(parseArgs(argv)).toEqual(want);
  });

  it.each([
    [['-nope'], 'flag provided but not defined: -nope'],
    [['-from'], 'flag needs an argument: -from'],
    [['-check=maybe'], 'invalid boolean value "maybe" for -check: parse error'],
    [['---from', 'x'], 'bad flag syntax: ---from'],
    // Issue 21: arguments after the flags were ignored (the original's behaviour): an error now.
    [
      ['-check=T', 'extra', '-from', 'ignored'],
      'unexpected argument "extra": gomod-cap takes only the flags -from, -to and -check',
    ],
    [['-from', 'a', 'b'], 'unexpected argument "b": gomod-cap takes only the flags -from, -to and -check'],
    [
      ['--', '-from', 'x'],
      'unexpected argument "-from": gomod-cap takes only the flags -from, -to and -check',
    ],
  ])('%j is rejected', (argv, error) => {
    expect(parseArgs(argv)).toEqual({ error });
  });

  it('a bad flag exits 2 with the usage', async () => {
    expect(await main(['-frm', 'x'], io())).toBe(2);
    expect(log.join('\n')).toMatch(/flag provided but not defined: -frm\nUsage of gomod-cap:\n {2}-check/);
  });

  it('-h prints the usage and exits 0', async () => {
    expect(await main(['-h'], io())).toBe(0);
    expect(log.join('\n')).toContain('-from string');
  });
});

describe('capping files', () => {
  it('directories mean <dir>/go.mod; the plugin file is rewritten canonically, mode kept', async () => {
    chmodSync(join(dir, 'plugin', 'go.mod'), 0o640);
    expect(await main(['-from', 'server', '-to', 'plugin'], io())).toBe(0);
    expect(plugin()).toBe(CAPPED);
    expect(statSync(join(dir, 'plugin', 'go.mod')).mode & 0o777).toBe(0o640);
    expect(log).toEqual([
      'Changing require version of example.com/lib from v1.3.0 to v1.2.0 (plugin/go.mod:4)',
      'Changing require version of example.com/other from v0.0.9 to v0.1.0 (plugin/go.mod:5)',
    ]);
  });

  it('file arguments work too', async () => {
    expect(
      await main([`-from=${join(dir, 'server', 'go.mod')}`, `-to=${join(dir, 'plugin', 'go.mod')}`], io()),
    ).toBe(0);
    expect(plugin()).toBe(CAPPED);
  });

  it('defaults are ./go.mod for both, so a lone module caps against itself: nothing to do', async () => {
    writeFileSync(join(dir, 'go.mod'), PLUGIN);
    const before = statSync(join(dir, 'go.mod'));
    expect(await main([], io())).toBe(0);
    expect(readFileSync(join(dir, 'go.mod'), 'utf8')).toBe(PLUGIN);
    expect(statSync(join(dir, 'go.mod')).ino).toBe(before.ino);
  });

  it('nothing is written when the versions already match', async () => {
    writeFileSync(join(dir, 'plugin', 'go.mod'), 'module p\r\nrequire   example.com/lib v1.2.0\r\n');
    const before = statSync(join(dir, 'plugin', 'go.mod'));
    expect(await main(['-from', 'server', '-to', 'plugin'], io())).toBe(0);
    const after = statSync(join(dir, 'plugin', 'go.mod'));
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(plugin()).toBe('module p\r\nrequire   example.com/lib v1.2.0\r\n');
    expect(log).toEqual([]);
  });
});

describe('-check', () => {
  it('exits 1 at the first differing module, with a message, and writes nothing', async () => {
    expect(await main(['-from', 'server', '-to', 'plugin', '-check'], io())).toBe(1);
    expect(plugin()).toBe(PLUGIN);
    expect(log).toEqual([
      'Found incompatible go.mod constraint: path example.com/lib has version v1.3.0, the server requires v1.2.0 (plugin/go.mod:4)',
    ]);
  });

  it('exits 0 when everything matches', async () => {
    writeFileSync(join(dir, 'plugin', 'go.mod'), CAPPED);
    expect(await main(['-check', '-from', 'server', '-to', 'plugin'], io())).toBe(0);
    expect(log).toEqual([]);
  });
});

describe('bad input exits 2 and leaves the plugin untouched', () => {
  it('a missing file', async () => {
    expect(await main(['-from', 'nowhere', '-to', 'plugin'], io())).toBe(2);
    expect(log).toEqual(['gomod-cap: cannot read the server (-from) go.mod nowhere: no such file']);
  });

  it('a directory without go.mod', async () => {
    mkdirSync(join(dir, 'empty'));
    expect(await main(['-from', 'server', '-to', 'empty'], io())).toBe(2);
    expect(log[0]).toContain('empty/go.mod: no such file');
  });

  it('an invalid go.mod, with file:line:col', async () => {
    writeFileSync(join(dir, 'server', 'go.mod'), 'module s\nrequire example.com/lib\n');
    expect(await main(['-from', 'server', '-to', 'plugin'], io())).toBe(2);
    expect(log.join('\n')).toContain('server/go.mod:2:1: usage: require module/path v1.2.3');
    expect(plugin()).toBe(PLUGIN);
  });
});

describe('writeAllSync (the log on stderr)', () => {
  it('writes all of each string, in parts when the descriptor takes parts', () => {
    const got: string[] = [];
    const write = writeAllSync(
      2,
      () => expect.unreachable(),
      (_fd, b, off) => {
        const n = Math.min(3, b.length - off);
        got.push(b.subarray(off, off + n).toString('utf8'));
        return n;
      },
    );
    write('abcdefg\n');
    write('ü\n');
    expect(got.join('')).toBe('abcdefg\nü\n');
    expect(got.length).toBe(3 + 1); // eight bytes in three parts; 'ü\n' is three bytes
  });

  it('from the first EAGAIN on (a non-blocking pipe), the rest goes to the fallback, in order', () => {
    const out: string[] = [];
    let calls = 0;
    const write = writeAllSync(
      2,
      (b) => out.push(`[${b.toString('utf8')}]`),
      (_fd, b, off) => {
        if (++calls === 2) throw Object.assign(new Error('busy'), { code: 'EAGAIN' });
        out.push(b.subarray(off, off + 2).toString('utf8'));
        return 2;
      },
    );
    write('abcd');
    write('ef');
    expect(out).toEqual(['ab', '[cd]', '[ef]']);
    expect(calls).toBe(2);
  });

  it('other write errors are thrown', () => {
    const write = writeAllSync(
      2,
      () => expect.unreachable(),
      () => {
        throw Object.assign(new Error('gone'), { code: 'EPIPE' });
      },
    );
    expect(() => write('x')).toThrow('gone');
  });
});

describe("issue 21: the action's file checks", () => {
  it('a symlinked go.mod is written through: the link stays, the file it points at is capped', async () => {
    mkdirSync(join(dir, 'real'));
    writeFileSync(join(dir, 'real', 'go.mod'), PLUGIN);
    rmSync(join(dir, 'plugin', 'go.mod'));
    symlinkSync('../real/go.mod', join(dir, 'plugin', 'go.mod'));
    expect(await main(['-from', 'server', '-to', 'plugin'], io())).toBe(0);
    expect(lstatSync(join(dir, 'plugin', 'go.mod')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'real', 'go.mod'), 'utf8')).toBe(CAPPED);
  });

  it('a go.mod with another hard link is refused (exit 2, nothing written); -check may read it', async () => {
    linkSync(join(dir, 'plugin', 'go.mod'), join(dir, 'other.mod'));
    expect(await main(['-from', 'server', '-to', 'plugin'], io())).toBe(2);
    expect(log.join('\n')).toMatch(/plugin \(-to\) go\.mod plugin\/go\.mod has 2 hard links/);
    expect(plugin()).toBe(PLUGIN);
    expect(await main(['-from', 'server', '-to', 'plugin', '-check'], io())).toBe(1);
  });

  it.runIf(process.platform === 'linux')(
    'a FIFO or a device is refused instead of read (which would hang)',
    async () => {
      execFileSync('mkfifo', [join(dir, 'fifo')]);
      expect(await main(['-from', 'fifo', '-to', 'plugin'], io())).toBe(2);
      expect(log.join('\n')).toContain(
        'gomod-cap: the server (-from) go.mod fifo is a FIFO (named pipe), not a regular file',
      );
      expect(await main(['-from', 'server', '-to', '/dev/zero'], io())).toBe(2);
      expect(log.join('\n')).toContain('go.mod /dev/zero is a character device, not a regular file');
      expect(plugin()).toBe(PLUGIN);
    },
  );

  it('a stray argument exits 2 with the usage, before anything is read or written', async () => {
    expect(await main(['-from', 'server', 'plugin'], io())).toBe(2);
    expect(log.join('\n')).toMatch(/unexpected argument "plugin"/);
    expect(plugin()).toBe(PLUGIN);
  });
});
