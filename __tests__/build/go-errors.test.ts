import { describe, expect, it } from 'vitest';
import { parseGoDiagnostics } from '../../src/build/go-errors';

describe('parseGoDiagnostics', () => {
  const output = [
    '# example.com/plugins/hello',
    './main.go:12:2: undefined: lib.Nope',
    './main.go:12:2: undefined: lib.Nope',
    'handlers/api.go:7: syntax error: unexpected newline',
    '/proj/util/x.go:3:14: cannot use 1 (untyped int constant) as string value',
    '/go/pkg/mod/example.com/lib@v1.3.0/lib.go:4:1: not ours',
    '/usr/local/go/src/fmt/print.go:1:1: not ours either',
    'go: downloading example.com/lib v1.3.0',
  ].join('\n');

  it('maps files to the workspace and drops duplicates and foreign files', () => {
    expect(parseGoDiagnostics(output, 'plugins/hello')).toEqual([
      { file: 'plugins/hello/main.go', line: 12, column: 2, message: 'undefined: lib.Nope' },
      { file: 'plugins/hello/handlers/api.go', line: 7, message: 'syntax error: unexpected newline' },
      {
        file: 'plugins/hello/util/x.go',
        line: 3,
        column: 14,
        message: 'cannot use 1 (untyped int constant) as string value',
      },
    ]);
  });

  it('works for a plugin at the workspace root', () => {
    expect(parseGoDiagnostics('main.go:1:1: expected package', '').map((d) => d.file)).toEqual(['main.go']);
    expect(parseGoDiagnostics('../other/x.go:1:1: outside', '')).toEqual([]);
  });
});
