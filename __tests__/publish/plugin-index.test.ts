import { describe, expect, it } from 'vitest';
import {
  buildPluginIndex,
  formatPluginIndex,
  parsePluginIndex,
  PluginIndexError,
  type IndexReleaseInput,
} from '../../src/publish/plugin-index';

const sha = (c: string) => c.repeat(64);
const release = (tag: string, go: string, extra: Partial<IndexReleaseInput> = {}): IndexReleaseInput => ({
  tag,
  go,
  serverModule: 'github.com/gotify/server/v2',
  goModChanges: [],
  targets: [
    {
      target: 'linux-amd64',
      file: `hello-linux-amd64-for-${tag}.so`,
      size: 100,
      sha256: sha('a'),
      verified: 'loaded',
    },
  ],
  ...extra,
});
const index = (releases: IndexReleaseInput[]) =>
  buildPluginIndex({
    plugin: 'hello',
    module: 'example.com/hello',
    serverRepository: 'gotify/server',
    releases,
  });

describe('plugins.json', () => {
  it('has the agreed shape: one entry per release, newest first, per target file, size, sha256, verified', () => {
    const built = index([
      release('v2.6.0', '1.23.3'),
      release('v2.9.1', '1.26.0', {
        goModChanges: [
          { module: 'golang.org/x/sys', from: 'v0.30.0', to: 'v0.28.0' },
          { module: 'golang.org/x/text', to: 'none' },
        ],
        targets: [
          {
            target: 'linux-amd64',
            file: 'hello-linux-amd64-for-v2.9.1.so',
            size: 123,
            sha256: sha('b'),
            verified: 'loaded',
          },
          {
            target: 'linux-arm64',
            file: 'hello-linux-arm64-for-v2.9.1.so',
            size: 124,
            sha256: sha('c'),
            verified: 'not-verified',
          },
        ],
      }),
    ]);
    const text = formatPluginIndex(built);
    expect(JSON.parse(text)).toEqual({
      schema: 1,
      plugin: 'hello',
      module: 'example.com/hello',
      serverRepository: 'gotify/server',
      generatedBy: 'flow-plugin-build-action',
      releases: {
        'v2.9.1': {
          go: '1.26.0',
          serverModule: 'github.com/gotify/server/v2',
          goModChanges: [
            { path: 'golang.org/x/sys', from: 'v0.30.0', to: 'v0.28.0' },
            { path: 'golang.org/x/text', from: 'none', to: 'none' },
          ],
          targets: {
            'linux-amd64': {
              file: 'hello-linux-amd64-for-v2.9.1.so',
              size: 123,
              sha256: sha('b'),
              verified: 'loaded',
            },
            'linux-arm64': {
              file: 'hello-linux-arm64-for-v2.9.1.so',
              size: 124,
              sha256: sha('c'),
              verified: 'not-verified',
            },
          },
        },
        'v2.6.0': {
          go: '1.23.3',
          serverModule: 'github.com/gotify/server/v2',
          goModChanges: [],
          targets: {
            'linux-amd64': {
              file: 'hello-linux-amd64-for-v2.6.0.so',
              size: 100,
              sha256: sha('a'),
              verified: 'loaded',
            },
          },
        },
      },
    });
    expect(Object.keys(JSON.parse(text).releases)).toEqual(['v2.9.1', 'v2.6.0']);
    expect(text.endsWith('}\n')).toBe(true);
    expect(parsePluginIndex(text)).toEqual(built);
  });

  it('refuses a file that is not an index, saying where', () => {
    const good = JSON.parse(formatPluginIndex(index([release('v2.6.0', '1.23.3')])));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the test edits parsed JSON freely
    const bad = (mutate: (d: any) => void) => {
      const d = structuredClone(good);
      mutate(d);
      return () => parsePluginIndex(JSON.stringify(d));
    };
    expect(() => parsePluginIndex('{')).toThrow(/not JSON/);
    expect(bad((d) => (d.schema = 2))).toThrow(/"schema" is 2, not 1/);
    expect(bad((d) => delete d.module)).toThrow(/"module" is not a non-empty string/);
    expect(bad((d) => (d.releases['v2.6.0'].targets['linux-amd64'].sha256 = 'xyz'))).toThrow(
      /release v2.6.0 target linux-amd64 "sha256"/,
    );
    expect(bad((d) => (d.releases['v2.6.0'].targets['linux-amd64'].file = '../x.so'))).toThrow(
      /plain file name/,
    );
    expect(bad((d) => (d.releases['v2.6.0'].targets['linux-amd64'].verified = 'maybe'))).toThrow(
      PluginIndexError,
    );
    expect(bad((d) => (d.releases['v2.6.0'].goModChanges = {}))).toThrow(/is not a list/);
  });

  it('one release listed twice is a mistake', () => {
    expect(() => index([release('v2.6.0', '1.23.3'), release('v2.6.0', '1.23.3')])).toThrow(/twice/);
  });
});
