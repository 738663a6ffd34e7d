import { describe, expect, it } from 'vitest';
import { parseBuildFlags, parseDockerArgs, parseLdflags, splitWords } from '../../src/build/flags';

describe('splitWords', () => {
  it('splits like a shell without expanding', () => {
    expect(splitWords(`-tags 'a b' "x y" $HOME \\$X plain`, 'x')).toEqual([
      '-tags',
      'a b',
      'x y',
      '$HOME',
      '$X',
      'plain',
    ]);
    expect(splitWords('', 'x')).toEqual([]);
    expect(splitWords('  a\n  b  ', 'x')).toEqual(['a', 'b']);
  });

  it.each(['a; rm -rf /', 'a && b', 'a | b', 'a > f', '$(id)'])('refuses shell syntax %j', (s) => {
    expect(() => splitWords(s, 'docker-args')).toThrow(/docker-args: /);
  });
});

describe('parseBuildFlags', () => {
  it('keeps the upstream default', () => {
    expect(parseBuildFlags('-mod=readonly -a -installsuffix cgo')).toEqual([
      '-mod=readonly',
      '-a',
      '-installsuffix',
      'cgo',
    ]);
    expect(parseBuildFlags('-tags "netgo osusergo" -v')).toEqual(['-tags', 'netgo osusergo', '-v']);
  });

  it.each([
    ['-trimpath', /-trimpath is refused: -trimpath changes every package fingerprint/],
    ['-a --trimpath', /--trimpath is refused/],
    ['-race', /-race is refused/],
    ['-buildmode=pie', /always builds with -buildmode=plugin/],
    ['-o out.so', /use the file-name and output-dir inputs/],
    ['-ldflags=-s', /use the ldflags input/],
  ])('refuses %s', (flags, message) => {
    expect(() => parseBuildFlags(flags)).toThrow(message);
  });
});

describe('parseLdflags', () => {
  it('keeps one line', () => {
    expect(parseLdflags(' -w -s ')).toBe('-w -s');
    expect(parseLdflags('-X main.version=1.0 -w')).toBe('-X main.version=1.0 -w');
    expect(() => parseLdflags('-w\n-s')).toThrow(/one line/);
  });
});

describe('parseDockerArgs', () => {
  it.each([
    ['--network host', ['--network', 'host']],
    ['--network=host -e FOO=bar', ['--network=host', '-e', 'FOO=bar']],
    ['-v /srv/proxy:/srv/proxy:ro', ['-v', '/srv/proxy:/srv/proxy:ro']],
    ['--mount type=bind,src=/a,dst=/data', ['--mount', 'type=bind,src=/a,dst=/data']],
    ['--add-host "git.corp:127.0.0.1" --cpus 2', ['--add-host', 'git.corp:127.0.0.1', '--cpus', '2']],
    ['', []],
  ])('accepts %j', (input, argv) => {
    expect(parseDockerArgs(input)).toEqual(argv);
  });

  it.each([
    ['-v /x:/proj', /would replace the action's own mount of \/proj/],
    ['--volume=/cache:/go/pkg/mod', /own mount of \/go\/pkg\/mod/],
    ['-v /cache:/go/pkg/mod/', /own mount of \/go\/pkg\/mod/],
    ['-v /cache:/go', /own mount of \/go\/pkg\/mod/],
    ['--mount type=bind,source=/a,target=/proj/sub', /own mount of \/proj/],
    ['-v/x:/proj', /own mount of \/proj/],
    ['-w /src', /-w is refused: the action builds in \/proj/],
    ['--entrypoint sh', /--entrypoint is refused/],
    ['ubuntu', /"ubuntu" is not an option/],
  ])('refuses %j', (input, message) => {
    expect(() => parseDockerArgs(input)).toThrow(message);
  });
});
