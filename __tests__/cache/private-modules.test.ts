import { describe, expect, it } from 'vitest';
import { matchesPrivatePattern, unescapeModulePath } from '../../src/cache/private-modules';

describe("private patterns, matched the way Go's module.MatchPrefixPatterns does", () => {
  it.each([
    ['github.com/acme/*', 'github.com/acme/lib', true],
    ['github.com/acme/*', 'github.com/acme/lib/v2', true],
    ['github.com/acme', 'github.com/acme/lib', true],
    ['github.com/acme', 'github.com/acmex/lib', false],
    ['github.com/acme/*', 'github.com/acme', false],
    ['*.corp.example', 'git.corp.example/x/y', true],
    ['git.corp', 'git.corp.example/x', false],
    ['github.com/a?me/l[i]b', 'github.com/acme/lib/sub', true],
    ['github.com/other,github.com/acme', 'github.com/acme/z', true],
    [' github.com/acme ', 'github.com/acme/z', true],
    ['github.com/acme/', 'github.com/acme/z', true],
  ])('%j matches %j: %s', (pattern, path, expected) => {
    expect(matchesPrivatePattern(pattern.split(','), path)).toBe(expected);
  });

  it("reads Go's escaped cache paths (!a for A)", () => {
    expect(unescapeModulePath('github.com/!burnt!sushi/toml')).toBe('github.com/BurntSushi/toml');
  });
});
