// The Go version a plugin's code really needs, as data: Go's output of a build or tidy with a
// standard-library package or name newer than the release's Go, the index made from Go's
// api/go1.*.txt (regenerating it gives the committed file), and the message.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { findTooNewApis, goVersionOf, packageName, tooNewApiMessage } from '../../src/build/go-api';
import { GO_API_SOURCE } from '../../src/build/go-api-index';
import { OUT, apiDir, buildIndex, generate, parseApiLine } from '../../scripts/go-api-index.mjs';

// Go 1.19.8 (the builder image of gotify v2.1.4) on a plugin with `go 1.18`.
const BUILD_119 = `# example.com/plugins/joined
./main.go:14:9: undefined: errors.Join
./main.go:20:4: b.AvailableBuffer undefined (type *bytes.Buffer has no field or method AvailableBuffer)
./main.go:22:2: undefined: helper.Thing
`;
const TIDY_119 = `go: finding module for package log/slog
example.com/plugins/slogged imports
	log/slog: package log/slog is not in GOROOT (/usr/local/go/src/log/slog)
`;

describe('the index', () => {
  test("regenerating it from Go's api folder gives the committed file", async () => {
    expect(await generate(apiDir())).toBe(readFileSync(OUT, 'utf8'));
  });

  test('knows when packages and names came: errors.Join 1.20, log/slog 1.21, methods and fields by type', () => {
    expect(goVersionOf('errors.Join')).toBe('1.20');
    expect(goVersionOf('log/slog')).toBe('1.21');
    expect(goVersionOf('bytes.Buffer.AvailableBuffer')).toBe('1.21');
    expect(goVersionOf('net/http.Server.DisableGeneralOptionsHandler')).toBe('1.20');
    expect(goVersionOf('math/rand/v2')).toBe('1.22');
    // Older than modules (in every Go a go.mod can name), and the names of a new package: not listed.
    expect(goVersionOf('errors.New')).toBeUndefined();
    expect(goVersionOf('log/slog.Info')).toBeUndefined();
    expect(GO_API_SOURCE).toMatch(/^go1\.\d+$/);
  });

  test('api lines: functions, methods, fields, OS-qualified ones only for linux', () => {
    expect(parseApiLine('pkg errors, func Join(...error) error #53435')).toEqual({
      pkg: 'errors',
      name: 'Join',
    });
    expect(parseApiLine('pkg bytes, method (*Buffer) AvailableBuffer() []uint8 #53685')).toEqual({
      pkg: 'bytes',
      name: 'Buffer.AvailableBuffer',
    });
    expect(
      parseApiLine('pkg net/http, type Server struct, DisableGeneralOptionsHandler bool #53896'),
    ).toEqual({
      pkg: 'net/http',
      name: 'Server.DisableGeneralOptionsHandler',
    });
    expect(parseApiLine('pkg syscall (freebsd-386), type SysProcAttr struct, Jail int')).toBeUndefined();
    expect(parseApiLine('pkg syscall (linux-386), const CLONE_PIDFD = 4096')).toEqual({
      pkg: 'syscall',
      name: 'CLONE_PIDFD',
    });
    const idx = buildIndex({
      'go1.txt': 'pkg errors, func New(string) error\n',
      'go1.20.txt': 'pkg errors, func Join(...error) error\npkg crypto/ecdh, func P256() Curve\n',
      'go1.21.txt': 'pkg errors, func Join(...error) error\n',
    });
    expect([...idx]).toEqual([['1.20', ['crypto/ecdh', 'errors.Join']]]);
  });
});

describe('findTooNewApis', () => {
  test('a Go 1.19 build: errors.Join (1.20) and a method of 1.21; the plugin own name is not Go', () => {
    expect(findTooNewApis(BUILD_119, '1.19.8')).toEqual([
      { api: 'errors.Join', since: '1.20' },
      { api: 'bytes.Buffer.AvailableBuffer', since: '1.21' },
    ]);
  });

  test('a Go 1.19 tidy: log/slog (1.21); Go 1.21+ words it "is not in std"', () => {
    expect(findTooNewApis(TIDY_119, '1.19.8')).toEqual([{ api: 'log/slog', since: '1.21' }]);
    expect(
      findTooNewApis(
        '\tcrypto/mlkem: package crypto/mlkem is not in std (/usr/local/go/src/crypto/mlkem)',
        '1.23.5',
      ),
    ).toEqual([{ api: 'crypto/mlkem', since: '1.24' }]);
  });

  test('a name the release already has is some other mistake: nothing', () => {
    expect(findTooNewApis(BUILD_119, '1.21.1')).toEqual([]);
    expect(findTooNewApis(TIDY_119, '1.21.0')).toEqual([]);
  });

  test('a name is qualified by the package name (rand.Text: crypto/rand, not math/rand; v2 is dropped)', () => {
    expect(packageName('math/rand/v2')).toBe('rand');
    expect(findTooNewApis('./x.go:3:7: undefined: rand.Text', '1.23.5')).toEqual([
      { api: 'crypto/rand.Text', since: '1.24' },
    ]);
  });
});

test('the message: what the release lacks and since when, the Go needed, the go line to write', () => {
  const found = findTooNewApis(BUILD_119 + TIDY_119, '1.19.8');
  expect(
    tooNewApiMessage(found, {
      goVersion: '1.19.8',
      serverTag: 'v2.1.4',
      goModName: 'go.mod',
      goLine: '1.18',
    }),
  ).toBe(
    'The plugin uses errors.Join (Go 1.20), bytes.Buffer.AvailableBuffer (Go 1.21), log/slog (Go 1.21), newer than Go 1.19.8, the Go of v2.1.4: it needs Go 1.21 or newer, and go.mod says go 1.18. Raise the go line to at least 1.21 (go mod edit -go=1.21): releases with an older Go are then unsupported for this plugin (unsupported-server-version: skip skips them).',
  );
});
