import { describe, expect, it } from 'vitest';
import { imageTag, pluginNameFromModule, renderFileName, renderFileNames } from '../../src/build/naming';
import { parseTarget, parseTargets } from '../../src/build/targets';

describe('imageTag', () => {
  it.each([
    ['flow/build', '1.12.0', 'linux-arm-7', 'flow/build:1.12.0-linux-arm-7'],
    ['gotify/build', 'v1.22.4', 'linux-amd64', 'gotify/build:1.22.4-linux-amd64'],
    ['ghcr.io/me/build', 'go1.21rc1', 'linux-386', 'ghcr.io/me/build:1.21rc1-linux-386'],
    ['localhost:5000/build', '1.20', 'linux-arm64', 'localhost:5000/build:1.20-linux-arm64'],
  ])('%s %s %s', (image, go, target, tag) => {
    expect(imageTag(image, go, parseTarget(target))).toBe(tag);
  });
});

describe('pluginNameFromModule', () => {
  it.each([
    ['github.com/me/flow-hello', 'flow-hello'],
    ['github.com/me/flow-hello/v2', 'flow-hello'],
    ['gopkg.in/me/plugin.v3', 'plugin'],
    ['example.com/plugins/hello', 'hello'],
    ['hello', 'hello'],
    ['v2', 'v2'],
  ])('%s -> %s', (mod, name) => expect(pluginNameFromModule(mod)).toBe(name));
});

describe('file names', () => {
  const common = { name: 'hello', server: 'v2.0.0', go: '1.12.0' };
  it('renders every placeholder', () => {
    const vars = { ...common, target: 'linux-arm-7', os: 'linux', arch: 'arm-7' };
    expect(renderFileName('{name}-{target}.so', vars)).toBe('hello-linux-arm-7.so');
    expect(renderFileName('{name}-{os}-{arch}-for-flow-{server}.so', vars)).toBe(
      'hello-linux-arm-7-for-flow-v2.0.0.so',
    );
    expect(renderFileName('{name}+go{go}.so', vars)).toBe('hello+go1.12.0.so');
  });

  it('gives distinct names for the defaults', () => {
    expect(
      renderFileNames(
        '{name}-{target}.so',
        common,
        parseTargets('linux-amd64,linux-arm-7,linux-arm64,linux-386'),
      ),
    ).toEqual(['hello-linux-amd64.so', 'hello-linux-arm-7.so', 'hello-linux-arm64.so', 'hello-linux-386.so']);
  });

  it('refuses names that collide', () => {
    expect(() => renderFileNames('{name}.so', common, parseTargets('linux-amd64,linux-386'))).toThrow(
      'file-name "{name}.so" gives "hello.so" for both linux-amd64 and linux-386: add {target} to the template',
    );
    // arm-6 and arm-7 differ only by GOARM: {arch} keeps it.
    expect(renderFileNames('{name}-{arch}.so', common, parseTargets('linux-arm-6,linux-arm-7'))).toEqual([
      'hello-arm-6.so',
      'hello-arm-7.so',
    ]);
  });

  it.each([
    ['{name}-{platform}.so', /unknown placeholder \{platform\}/],
    ['../{name}.so', /not a safe file name/],
    ['sub/{name}.so', /not a safe file name/],
    ['.{name}.so', /not a safe file name/],
    ['{name} {target}.so', /not a safe file name/],
  ])('refuses %s', (template, message) => {
    expect(() => renderFileNames(template, common, parseTargets('linux-amd64'))).toThrow(message);
  });
});
