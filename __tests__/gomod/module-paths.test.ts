// Issue 21, item 3: module paths Go refuses are refused before any reaches the log, the outputs
// or a file name; text from a go.mod is logged with its control characters escaped.
import { describe, expect, it } from 'vitest';
import { GoModError, parseGoMod } from '../../src/gomod';
import { checkModulePaths, modulePathProblems } from '../../src/gomod/module-paths';
import { escapeControl } from '../../src/log-text';
import { serverFacts } from '../../src/resolve/server';

const forged = (path: string) => `module example.com/p\n\ngo 1.22\n\nrequire ${path} v1.0.0\n`;

describe('module paths checked as Go checks them', () => {
  it.each([
    [
      '"example.com/x\\n::warning::forged"',
      'malformed module path "example.com/x\\n::warning::forged": invalid char "\\n"',
    ],
    ['"example.com/x\\n::stop-commands::abc"', 'invalid char "\\n"'],
    ['"example.com/x\\r::add-mask::secret"', 'invalid char "\\r"'],
    ['"example.com/a b"', 'invalid char " "'],
    ['"example.com/x\\u001b[31m"', 'invalid char "\\u001b"'],
    ['"example.com//x"', 'double slash'],
    ['"-x.com/y"', 'leading dash'],
  ])('refuses require %s, escaped in the message', (path, reason) => {
    const f = parseGoMod(forged(path));
    const problems = modulePathProblems(f);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.line).toBe(5);
    expect(problems[0]!.reason).toContain(reason);
    // eslint-disable-next-line no-control-regex
    expect(problems[0]!.reason).not.toMatch(/[\n\r\u001b]/);
    expect(() => checkModulePaths(f, 'go.mod')).toThrow(GoModError);
  });

  it('a quoted newline in the module line, an exclude and a replacement: each on its line', () => {
    const f = parseGoMod(
      'module "example.com/p\\n::warning::m"\n\nexclude "example.com/e\\n::x" v1.0.0\n\nreplace example.com/r => "example.com/n\\n::y" v1.0.0\n',
    );
    expect(modulePathProblems(f).map((p) => p.line)).toEqual([1, 3, 5]);
  });

  it('accepts real paths and local replacements', () => {
    const f = parseGoMod(
      'module github.com/me/hello/v2\n\nrequire (\n\tgithub.com/gin-gonic/gin v1.9.1\n\tgopkg.in/yaml.v3 v3.0.1\n\tmylib v0.0.0\n\texample.com/a~b+c v1.0.0\n)\n\nreplace mylib => ../mylib\n',
    );
    expect(modulePathProblems(f)).toEqual([]);
  });

  it("the server's go.mod with a forged path stops the run in serverFacts, nothing of it raw in the message", () => {
    const run = () =>
      serverFacts({
        repository: 'evil/server',
        tag: 'v1.0.0',
        goVersionFile: '1.22.4\n',
        goMod: forged('"example.com/x\\n::stop-commands::pwned"').replace(
          'example.com/p',
          'example.com/server',
        ),
      });
    expect(run).toThrow(GoModError);
    expect(run).toThrow(
      /evil\/server@v1\.0\.0:go\.mod:5:1: malformed module path "example\.com\/x\\n::stop-commands::pwned"/,
    );
    try {
      run();
    } catch (e) {
      expect((e as Error).message).not.toContain('\n::');
    }
  });
});

describe('escapeControl', () => {
  it('escapes C0, DEL, C1 and the line separators; keeps the rest', () => {
    expect(escapeControl('a\nb\rc\td\u001b\u007f\u0085\u2028é::x')).toBe(
      'a\\nb\\rc\\td\\x1b\\x7f\\x85\\u2028é::x',
    );
  });
});
