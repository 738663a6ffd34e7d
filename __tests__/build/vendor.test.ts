// Vendored plugins: the build flags Go would use, and the prepare step that re-vendors. Pure.
import { describe, expect, it } from 'vitest';
import { prepareModulesArgv } from '../../src/build/argv';
import { isInconsistentVendoring, vendorBuildFlags } from '../../src/build/vendor';

describe('vendorBuildFlags', () => {
  it.each([
    [
      ['-mod=readonly', '-installsuffix', 'cgo'],
      ['-mod=readonly', '-installsuffix', 'cgo'],
    ],
    // Go would build from vendor/ (or GOFLAGS=-mod=mod would win): the module cache, like the server.
    [
      ['-installsuffix', 'cgo'],
      ['-mod=readonly', '-installsuffix', 'cgo'],
    ],
    [['-mod=mod'], ['-mod=mod']],
    [
      ['-mod=vendor', '-a'],
      ['-mod=vendor', '-a'],
    ],
  ])('vendored: %j -> %j', (flags, want) => {
    expect(vendorBuildFlags(flags, true)).toEqual(want);
  });

  it('not vendored: the flags as given', () => {
    expect(vendorBuildFlags(['-a'], false)).toEqual(['-a']);
  });
});

describe('re-vendoring and its failure', () => {
  const spec = {
    image: 'i',
    pluginDir: '/p',
    modCacheDir: '/m',
    goCacheDir: '/c',
    forwardEnv: [],
    dockerArgs: [],
  };
  it('the prepare step runs go mod vendor after tidy only for a vendored plugin', () => {
    expect(prepareModulesArgv(spec, { vendor: true }).at(-1)).toBe(
      'go mod tidy && go mod download && go mod vendor',
    );
    expect(prepareModulesArgv(spec).at(-1)).toBe('go mod tidy && go mod download');
  });

  it("recognises Go's message", () => {
    expect(
      isInconsistentVendoring(
        'go: inconsistent vendoring in /proj:\n\texample.com/lib@v1.2.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt',
      ),
    ).toBe(true);
    expect(isInconsistentVendoring('go: cannot find module')).toBe(false);
  });
});
