import { describe, expect, it } from 'vitest';
import { parseGoMod } from '../../src/gomod';
import { adviceFor, isStdPackage, parseLoadFailure, requireForPackage } from '../../src/verify/loader-errors';

const start =
  'Starting Gotify version 2.6.1@2024-10-27\nLoading plugin /flow-verify/run/plugins/hello-linux-amd64.so\n';
const goroutine = '\ngoroutine 1 [running]:\nmain.main()\n\t/proj/app.go:53 +0x5d9\n';
const panicOf = (err: string) =>
  `${start}panic: error while loading plugin hello-linux-amd64.so: plugin.Open("/flow-verify/run/plugins/hello-linux-amd64"): ${err}\n${goroutine}`;

describe('parseLoadFailure', () => {
  it('a module version mismatch: the package', () => {
    const f = parseLoadFailure(
      panicOf('plugin was built with a different version of package github.com/gin-gonic/gin/render'),
    );
    expect(f).toEqual({
      kind: 'package-version',
      reason:
        'error while loading plugin hello-linux-amd64.so: plugin.Open("/flow-verify/run/plugins/hello-linux-amd64"): plugin was built with a different version of package github.com/gin-gonic/gin/render',
      package: 'github.com/gin-gonic/gin/render',
    });
  });

  it('another Go: a std package, or the runtime stopping', () => {
    expect(
      parseLoadFailure(panicOf('plugin was built with a different version of package internal/goarch')),
    ).toMatchObject({
      kind: 'go-version',
      package: 'internal/goarch',
    });
    expect(parseLoadFailure(`${start}fatal error: runtime: no plugin module data\n${goroutine}`)).toEqual({
      kind: 'go-version',
      reason: 'runtime: no plugin module data',
    });
  });

  it('a missing symbol', () => {
    expect(parseLoadFailure(panicOf('missing GetGotifyPluginInfo symbol'))).toMatchObject({
      kind: 'missing-symbol',
      symbol: 'GetGotifyPluginInfo',
    });
  });

  it('a plugin whose own code panics at start-up (the stack goes through the loader)', () => {
    const initPanic = `${start}panic: boom in init\n\ngoroutine 1 [running]:\nexample.com/p.init.0()\n\t/proj/main.go:9 +0x25\nplugin.open({0xc0000a4000, 0x2f})\n\t/usr/local/go/src/plugin/plugin_dlopen.go:95 +0x8e5\n`;
    expect(parseLoadFailure(initPanic)).toEqual({ kind: 'other', reason: 'panic: boom in init' });
    const ctorPanic = `${start}panic: boom in constructor\n\ngoroutine 1 [running]:\ngithub.com/gotify/server/v2/plugin.(*Manager).initializeSingleUserPlugin(...)\n\t/proj/plugin/manager.go:312 +0x25\n`;
    expect(parseLoadFailure(ctorPanic)).toEqual({ kind: 'other', reason: 'panic: boom in constructor' });
  });

  it("the server's own start-up failing after the plugin loaded is not the plugin's", () => {
    // Servers up to v2.2 read the web UI at run time (packr): missing, they panic after the plugins.
    const ui = `${start}panic: stat /flow-verify/run/ui/build/index.html: no such file or directory\n\ngoroutine 1 [running]:\ngithub.com/gotify/server/v2/ui.serveFile({0x107d064?, 0x10755e1?}, {0x107c519, 0x9}, 0xc0004bf978)\n\t/proj/ui/serve.go:44 +0x10d\nmain.main()\n\t/proj/app.go:51 +0x307\n`;
    expect(parseLoadFailure(ui)).toBeUndefined();
  });

  it('nothing about a plugin: undefined (the server did not get that far)', () => {
    expect(parseLoadFailure('exec /flow-verify/bin/server: exec format error\n')).toBeUndefined();
    expect(
      parseLoadFailure('/flow-verify/bin/server: error while loading shared libraries: libc.so.6\n'),
    ).toBeUndefined();
    expect(parseLoadFailure('')).toBeUndefined();
  });

  it('std packages have no dot in their first element', () => {
    expect(isStdPackage('internal/goarch')).toBe(true);
    expect(isStdPackage('runtime')).toBe(true);
    expect(isStdPackage('github.com/x/y')).toBe(false);
    expect(isStdPackage('gopkg.in/yaml.v3')).toBe(false);
  });
});

const pluginGoMod = parseGoMod(
  `module github.com/me/hello

go 1.22

require (
\tgithub.com/gin-gonic/gin v1.10.0
\tgithub.com/gotify/plugin-api v1.0.0
)

require (
\tgithub.com/gin-gonic/gin/extra v0.1.0 // indirect
\tgolang.org/x/net v0.30.0 // indirect
)
`,
  'go.mod',
);
const serverGoMod = parseGoMod(
  `module github.com/gotify/server/v2

go 1.22

require (
\tgithub.com/gin-gonic/gin v1.9.1
\tgolang.org/x/net v0.30.0
\tgithub.com/gorilla/websocket v1.5.0
)
`,
  'gotify/server@v2.6.1:go.mod',
);
const ctx = { pluginGoMod, serverGoMod, server: 'gotify/server v2.6.1', serverGoVersion: '1.23.3' };

describe('requireForPackage', () => {
  it('the longest module path that is a prefix of the package', () => {
    expect(requireForPackage('github.com/gin-gonic/gin/extra/x', pluginGoMod)).toEqual({
      path: 'github.com/gin-gonic/gin/extra',
      version: 'v0.1.0',
      line: 11,
      indirect: true,
    });
    expect(requireForPackage('github.com/gin-gonic/gin/render', pluginGoMod)).toMatchObject({ line: 6 });
    expect(requireForPackage('github.com/gin-gonic/gin', pluginGoMod)).toMatchObject({ line: 6 });
    expect(requireForPackage('github.com/gin-gonic/ginx', pluginGoMod)).toBeUndefined();
  });
});

describe('adviceFor', () => {
  const failure = (pkg: string) =>
    ({ kind: isStdPackage(pkg) ? 'go-version' : 'package-version', reason: 'r', package: pkg }) as const;

  it('versions differ: both versions, how to align, which server fits, the go.mod line', () => {
    expect(adviceFor(failure('github.com/gin-gonic/gin/render'), ctx)).toEqual({
      fix:
        "the plugin's build has github.com/gin-gonic/gin v1.10.0, gotify/server v2.6.1 requires v1.9.1. " +
        'Align the module: go get github.com/gin-gonic/gin@v1.9.1 and commit go.mod (go-mod-sync: align, the default, does this for every shared module), ' +
        'or build for a server release whose go.mod requires github.com/gin-gonic/gin v1.10.0.',
      line: 6,
      module: 'github.com/gin-gonic/gin',
    });
  });

  it('an indirect line go mod tidy added after the sync (seen for real: clock on gotify v2.6.1)', () => {
    const tidied = parseGoMod(
      'module clock\n\ngo 1.18\n\nrequire github.com/robfig/cron v1.2.0\n\nrequire golang.org/x/crypto v0.23.0 // indirect\n',
      'go.mod',
    );
    const server = parseGoMod('module s\n\ngo 1.23\n\nrequire golang.org/x/crypto v0.29.0\n', 's');
    const a = adviceFor(failure('golang.org/x/crypto/sha3'), {
      ...ctx,
      pluginGoMod: tidied,
      serverGoMod: server,
    });
    expect(a).toMatchObject({ line: 7, module: 'golang.org/x/crypto' });
    expect(a.fix).toBe(
      "the plugin's build has golang.org/x/crypto v0.23.0 (indirect: go mod tidy brought it in), gotify/server v2.6.1 requires v0.29.0. " +
        'Align the module: go get golang.org/x/crypto@v0.29.0 and commit go.mod (go-mod-sync: align, the default, does this for every shared module), ' +
        'or build for a server release whose go.mod requires golang.org/x/crypto v0.23.0.',
    );
  });

  it('the server requires a module the plugin does not list: go-mod-sync cannot align it', () => {
    const a = adviceFor(failure('github.com/gorilla/websocket'), ctx);
    expect(a.fix).toContain('its go.mod does not list github.com/gorilla/websocket');
    expect(a.fix).toContain('go get github.com/gorilla/websocket@v1.5.0');
    expect(a.line).toBeUndefined();
  });

  it('same version on both sides: a dependency or the build differs', () => {
    const a = adviceFor(failure('golang.org/x/net/http2'), ctx);
    expect(a.fix).toContain('both require golang.org/x/net v0.30.0');
    expect(a.line).toBe(12);
  });

  it('a module only the plugin lists (old server go.mod lists direct dependencies only)', () => {
    const a = adviceFor(failure('github.com/gin-gonic/gin/extra'), ctx);
    expect(a.fix).toContain("gotify/server v2.6.1's go.mod does not list github.com/gin-gonic/gin/extra");
    expect(a.line).toBe(11);
  });

  it('a replace defeats the cap: said so', () => {
    const replaced = parseGoMod(
      'module m\n\ngo 1.22\n\nrequire github.com/gin-gonic/gin v1.9.1\n\nreplace github.com/gin-gonic/gin => ../gin\n',
      'go.mod',
    );
    const a = adviceFor(failure('github.com/gin-gonic/gin'), { ...ctx, pluginGoMod: replaced });
    expect(a.fix).toMatch(/^go\.mod replaces github\.com\/gin-gonic\/gin with \.\.\/gin \(line 7\)/);
    expect(a.line).toBe(5);
  });

  it("another Go: the server's Go version, on the go line", () => {
    const a = adviceFor(failure('internal/goarch'), ctx);
    expect(a.fix).toContain('gotify/server v2.6.1 is built with Go 1.23.3');
    expect(a).toMatchObject({ line: 3, module: 'go' });
  });

  it('a missing symbol: what to export, on the module line', () => {
    const a = adviceFor({ kind: 'missing-symbol', reason: 'r', symbol: 'GetGotifyPluginInfo' }, ctx);
    expect(a.fix).toContain('does not export GetGotifyPluginInfo');
    expect(a).toMatchObject({ line: 1, module: 'github.com/me/hello' });
  });
});
