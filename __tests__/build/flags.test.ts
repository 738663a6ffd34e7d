import { describe, expect, it } from 'vitest';
import {
  checkGoFlags,
  parseBuildFlags,
  parseDockerArgs,
  parseLdflags,
  splitWords,
} from '../../src/build/flags';

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

describe('issue 12: split like a shell, refuse like a shell', () => {
  it.each([
    [`-tags "a b`, /the double quote at character 7 is never closed/],
    [`-tags 'a b`, /the single quote at character 7 is never closed/],
    [`-tags "it's"'`, /the single quote at character 13 is never closed/],
    [`-v \\`, /ends with a backslash/],
  ])('refuses an unbalanced %j instead of dropping it', (input, message) => {
    expect(() => splitWords(input, 'build-flags')).toThrow(message);
  });

  it('keeps balanced and escaped quotes', () => {
    expect(splitWords(`-tags "it's" 'say "hi"' \\" a\\'b`, 'x')).toEqual([
      '-tags',
      "it's",
      'say "hi"',
      '"',
      "a'b",
    ]);
  });

  it.each([
    ['-v /x://proj'],
    ['-v /x:/proj/.'],
    ['-v /x:/./proj'],
    ['-v /x:/proj/:ro'],
    ['-v /x:/out/../proj'],
    ['-v /c:/go/pkg/../pkg/mod'],
    ['-v /c:/go/pkg/mod/cache/../../mod'],
    ['--volume /x:/proj'],
    ['--volume=/x:/gocache'],
    ['-v=/x:/proj'],
    ['-itv /x:/proj'],
    ['-itv/x:/proj'],
    ['--mount type=bind,src=/x,target=//proj'],
    ['--mount type=bind,src=/x,destination=/proj/'],
    ['--mount type=bind,src=/x,Dst=/out'],
    ['--mount "type=bind,src=/x,dst=/proj"'],
    ['--mount=type=volume,source=v,dst=/go'],
    ['--mount type=tmpfs,tmpfs-size=1m,dst=/proj/sub'],
    ['--tmpfs /proj'],
    ['--tmpfs=/out:rw,size=64m'],
    ['--tmpfs //gocache/'],
    ['-v /'],
    ['--device /dev/null:/proj/x'],
  ])('refuses a mount over the action own paths written as %j', (input) => {
    expect(() => parseDockerArgs(input)).toThrow(/would replace the action's own mount of \//);
  });

  it.each([
    ['-v /x:/project'],
    ['-v /x:/go/src'],
    ['--tmpfs /tmp'],
    ['--mount type=bind,src=/proj,dst=/data'],
    ['-it -e A=1'],
  ])('accepts %j', (input) => {
    expect(() => parseDockerArgs(input)).not.toThrow();
  });

  it.each([
    ['--name x', /--name is refused: the action names its containers/],
    ['--name=x', /--name is refused/],
    ['-d', /-d is refused/],
    ['-dit', /-dit is refused/],
    ['--volumes-from other', /--volumes-from is refused/],
    ['--workdir=/src', /--workdir is refused/],
    ['-itw /src', /-itw is refused/],
  ])('refuses %j', (input, message) => {
    expect(() => parseDockerArgs(input)).toThrow(message);
  });

  it.each([
    ['./cmd/plugin', /"\.\/cmd\/plugin" is not a flag/],
    ['-v .', /"\." is not a flag/],
    ['-a example.com/x', /"example\.com\/x" is not a flag/],
    ['-C sub', /-C is refused/],
    ['-modfile=other.mod', /-modfile=other\.mod is refused/],
  ])('build-flags %j: flags only', (input, message) => {
    expect(() => parseBuildFlags(input)).toThrow(message);
  });

  it('build-flags: a flag value is not taken for a package', () => {
    expect(parseBuildFlags('-tags netgo -gcflags "-N -l" -p 2 -mod readonly -v')).toEqual([
      '-tags',
      'netgo',
      '-gcflags',
      '-N -l',
      '-p',
      '2',
      '-mod',
      'readonly',
      '-v',
    ]);
  });
});

describe('issue 12: GOFLAGS of the step', () => {
  it.each(['-trimpath', '-race', '-mod=mod -msan', '-asan', '-modfile=x.mod'])('refuses %j', (g) => {
    expect(() => checkGoFlags(g)).toThrow(/GOFLAGS in the step's environment has .* which is refused/);
  });
  it.each([undefined, '', '-mod=mod', '-buildvcs=false -p=2'])('accepts %j', (g) => {
    expect(() => checkGoFlags(g)).not.toThrow();
  });
});

describe('issue 21: docker-args cannot set what the action owns', () => {
  it.each([
    ['-e GOFLAGS=-trimpath', /"-e GOFLAGS=-trimpath" is refused: GOFLAGS has -trimpath, which is refused/],
    ['--env GOFLAGS=-race', /GOFLAGS has -race/],
    ['--env=GOFLAGS=-mod=mod\\ -trimpath', /GOFLAGS has -trimpath/],
    ['-e GOARM=5', /"-e GOARM=5" is refused: GOARM is set by the action or by the builder image/],
    ['-eGOARM=5', /GOARM is set by the action/],
    ['-e=GOARM=5', /GOARM is set by the action/],
    ['-te GOARM=5', /GOARM is set by the action/],
    ['-e GOTOOLCHAIN=go1.99.0', /GOTOOLCHAIN is set by the action/],
    ['-e CGO_ENABLED=0', /CGO_ENABLED is set by the action/],
    ['--env GOARCH=386', /GOARCH is set by the action/],
    ['-e GOAMD64=v3', /GOAMD64 is set by the action/],
    ['-e GOEXPERIMENT=loopvar', /GOEXPERIMENT/],
    ['-e CC=clang', /CC is set by the action/],
    ['-e GOCACHE=/tmp/x', /GOCACHE/],
    ['-e GOARM', /GOARM is set by the action/],
    ['--env-file /tmp/env', /--env-file is refused/],
    ['--env-file=/tmp/env', /--env-file is refused/],
    ['-u 0', /-u is refused: the containers run as the runner's user/],
    ['--user=root', /--user is refused/],
    ['-itu 0:0', /-itu is refused/],
    ['--platform linux/arm64', /--platform is refused/],
    ['--platform=linux/arm/v5', /--platform is refused/],
  ])('refuses %j', (input, message) => {
    expect(() => parseDockerArgs(input)).toThrow(message);
  });

  it.each([
    ['-e GOPRIVATE'],
    ['-e GOPROXY=https://proxy.corp,direct -e GONOSUMDB=git.corp'],
    ['-e GOFLAGS=-mod=mod'],
    ['-e GOFLAGS'],
    ['-e MY_TOKEN'],
    ['--env SSL_CERT_DIR=/etc/ssl/certs'],
  ])('accepts %j (module environment and variables of the user)', (input) => {
    expect(() => parseDockerArgs(input)).not.toThrow();
  });
});

describe("issue 27: docker-args cannot swap the image's Go or undo the credentials", () => {
  it.each([
    [
      '-v /opt/go1.21:/usr/local/go:ro',
      /"-v \/opt\/go1.21:\/usr\/local\/go:ro" would replace the builder image's Go at \/usr\/local\/go/,
    ],
    ['--volume=/opt/go:/usr/local/go', /image's Go at \/usr\/local\/go/],
    ['-v /opt/go:/usr/local/go/ -e PATH=/usr/local/go/bin:/usr/bin', /image's Go at \/usr\/local\/go/],
    ['-v /opt/bin:/usr/local/go/bin', /image's Go at \/usr\/local\/go/],
    ['-v /opt/local:/usr/local', /image's Go at \/usr\/local\/go/],
    ['--mount type=bind,source=/opt/go,target=/usr/local/go', /image's Go at \/usr\/local\/go/],
    ['--mount type=bind,src=/opt/go,dst=/usr/local/go,readonly', /image's Go/],
    ['--mount type=volume,source=go,destination=/usr/local//go', /image's Go/],
    ['--mount "type=bind,source=/opt/go,target=/usr/local/go"', /image's Go/],
    ['--tmpfs /usr/local/go', /image's Go/],
    ['--tmpfs=/usr/local/go:rw', /image's Go/],
  ])('refuses a mount over the Go of the image: %j', (input, message) => {
    expect(() => parseDockerArgs(input)).toThrow(message);
    expect(() => parseDockerArgs(input)).toThrow(/build-image/);
  });

  it.each([
    ['-e PATH=/opt/go/bin:/usr/bin', /PATH chooses which go runs/],
    ['-e NETRC=/tmp/other', /"-e NETRC=\/tmp\/other" is refused: NETRC .*netrc input/],
    ['-e GIT_CONFIG_GLOBAL=/dev/null', /GIT_CONFIG_GLOBAL .*undo the credentials.*modules-token/],
    ['-e GIT_CONFIG_SYSTEM=/x', /GIT_CONFIG_SYSTEM .*undo the credentials/],
    [
      '-e GIT_CONFIG_COUNT=1 -e GIT_CONFIG_KEY_0=credential.helper -e GIT_CONFIG_VALUE_0=',
      /"-e GIT_CONFIG_KEY_0=credential.helper" is refused: GIT_CONFIG_KEY_0 .*undo the credentials/,
    ],
    ["-e GIT_CONFIG_PARAMETERS='credential.helper'=''", /GIT_CONFIG_PARAMETERS .*undo the credentials/],
    ['-e XDG_CONFIG_HOME=/tmp', /XDG_CONFIG_HOME .*undo the credentials/],
    ['-e HOME=/root', /HOME is the action's/],
    ['-e GOPRIVATE=git.corp/*', /"-e GOPRIVATE=git.corp\/\*" is refused: set GOPRIVATE in the step's env/],
    ['--env=GONOPROXY=git.corp', /set GONOPROXY in the step's env/],
  ])('refuses %j with the reason and what to do', (input, message) => {
    expect(() => parseDockerArgs(input)).toThrow(message);
  });

  it.each([
    ['-e GOPRIVATE'],
    ['-e GONOSUMDB=git.corp'],
    ['-v /opt/go:/opt/go:ro'],
    ['-v /srv/usr-local:/usr/local-x'],
    ['-e GIT_TERMINAL_PROMPT=0'],
    ['-e GIT_CONFIG_GLOBAL=/flow-credentials/git/config'],
    // Entries on top of git's configuration (a mirror, ssh to https) are the user's to give.
    [
      '-e GIT_CONFIG_COUNT=1 -e GIT_CONFIG_KEY_0=url.http://127.0.0.1:1/.insteadOf -e GIT_CONFIG_VALUE_0=https://github.com/',
    ],
  ])('accepts %j', (input) => {
    expect(() => parseDockerArgs(input)).not.toThrow();
  });
});
