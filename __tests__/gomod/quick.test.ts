// quickRequires (the server's requires without its tree): whatever it reads, the parser reads
// without a problem and to the same requires; what it does not read goes to the parser.
import { describe, expect, it } from 'vitest';
import { latin1FromText } from '../../src/gomod/bytes';
import { GoModError } from '../../src/gomod/errors';
import { GoModFile } from '../../src/gomod/modfile';
import { quickRequires } from '../../src/gomod/quick';
import { Rand, genGoMod, mutate } from './gen';

/** The parser's requires, or 'error'. */
function parsed(text: string): { path: string; version: string }[] | 'error' {
  try {
    return GoModFile.parseLatin1('go.mod', latin1FromText(text)).require.map((r) => ({
      path: r.path,
      version: r.version,
    }));
  } catch (e) {
    if (e instanceof GoModError) return 'error';
    throw e;
  }
}

/** Checks one text; returns whether quickRequires read it. */
function agrees(text: string): boolean {
  const quick = quickRequires(latin1FromText(text));
  if (quick === undefined) return false;
  expect(quick, text).toEqual(parsed(text));
  return true;
}

const TIDY = [
  '// A plugin',
  'module example.com/plugin',
  '',
  'go 1.24.1',
  '',
  'require example.com/single v1.0.0 // indirect',
  '',
  'require (',
  '\tgithub.com/a/b v1.2.3',
  '\t// a comment',
  '\tgithub.com/c/d/v2 v2.0.0-20240101000000-abcdefabcdef // indirect',
  '\tgopkg.in/yaml.v3 v3.0.1',
  '\tgithub.com/e/f v2.1.0+incompatible',
  '',
  '\tgithub.com/a/b v1.2.4',
  ')',
  '',
].join('\n');

describe('quickRequires', () => {
  it('reads a file as go mod tidy writes it, as the parser does', () => {
    expect(agrees(TIDY)).toBe(true);
    expect(quickRequires(latin1FromText(TIDY))).toHaveLength(6);
    expect(agrees('')).toBe(true);
    expect(agrees('module m\n\nrequire (\n)\n')).toBe(true);
  });

  it('leaves every other shape to the parser (valid or not)', () => {
    const other = [
      'module m\nmodule n\n',
      'go 1.21\ngo 1.22\n',
      'go 1.2.3.4\n',
      'module "m"\n',
      'module m // c\n',
      'toolchain go1.22.0\n',
      'require a v1.2\n',
      'require a v1.2.3 \n',
      'require a  v1.2.3\n',
      'require a\tv1.2.3\n',
      'require "a" v1.2.3\n',
      'require a/v2 v1.2.3\n',
      'require a/v1 v1.2.3\n',
      'require a v2.0.0\n',
      'require a//b v1.0.0\n',
      'require a/ v1.0.0\n',
      'require a v1.0.0+meta\n',
      'require a v1.0.0-01\n',
      'require a v1.0.0//c\n',
      'require (\n\ta v1.0.0\n',
      'require (\n  a v1.0.0\n)\n',
      'require (\n\t\ta v1.0.0\n)\n',
      'require (\n\ta v1.0.0 x\n)\n',
      'require (\n\ta v1.0.0\n  )\n',
      'require ( // c\n\ta v1.0.0\n)\n',
      'require ()\n',
      ')\n',
      'require a v1.0.0\r\n',
      'require a v1.0.0 // ü\n',
      'require (\n\ta,b v1.0.0\n)\n',
      'require (\n\ta(b) v1.0.0\n)\n',
      "require (\n\ta'b v1.0.0\n)\n",
      'require (\n\ta v1.0.0\n)\nreplace a => ../a\n',
      'exclude a v1.0.0\n',
      '/* c */\n',
      'require a/* v1.0.0\n',
      '\ufeffmodule m\n',
    ];
    for (const text of other) {
      expect(quickRequires(latin1FromText(text)), text).toBeUndefined();
      parsed(text); // the parser decides: no other exception
    }
  });

  it('generated and mutated files: read only when the parser reads them the same', () => {
    const r = new Rand(0x51c4);
    let read = 0;
    for (let i = 0; i < 3000; i++) {
      const text = genGoMod(r, { ignore: false, invalid: r.chance(0.2) });
      if (agrees(text)) read++;
      if (agrees(mutate(r, text))) read++;
      // A tidy file with one line changed.
      const lines = TIDY.split('\n');
      lines[r.int(lines.length)] = r.pick(mutate(r, TIDY).split('\n'));
      if (agrees(lines.join('\n'))) read++;
    }
    expect(read).toBeGreaterThan(500);
  });
});
