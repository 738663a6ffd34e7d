import { describe, expect, it } from 'vitest';
import semver from 'semver';
import { parseTarget } from '../../src/build/targets';
import {
  DEFAULT_SERVER_ASSET,
  isZipAsset,
  renderServerTemplate,
  serverAssetVars,
  toolCacheKey,
  unknownPlaceholders,
} from '../../src/verify/asset';

const arm7 = parseTarget('linux-arm-7');
const amd64 = parseTarget('linux-amd64');

describe('server asset names', () => {
  it("default: upstream's naming, the owner in lower case", () => {
    const gotify = serverAssetVars({ owner: 'gotify', repo: 'server', tag: 'v2.6.1' }, arm7);
    expect(renderServerTemplate('server-asset', DEFAULT_SERVER_ASSET, gotify)).toBe('gotify-linux-arm-7.zip');
    const flow = serverAssetVars({ owner: 'Flow', repo: 'server', tag: 'v2.0.0' }, amd64);
    expect(renderServerTemplate('server-asset', DEFAULT_SERVER_ASSET, flow)).toBe('flow-linux-amd64.zip');
  });

  it('every placeholder', () => {
    const vars = serverAssetVars({ owner: 'Me', repo: 'My-Server', tag: 'v3.0.0' }, arm7);
    expect(
      renderServerTemplate('server-asset', '{owner}_{repo}_{tag}_{version}_{os}_{arch}_{target}', vars),
    ).toBe('me_my-server_v3.0.0_3.0.0_linux_arm-7_linux-arm-7');
  });

  it('refuses unknown placeholders, naming the known ones', () => {
    expect(unknownPlaceholders('{owner}-{goarch}.zip')).toEqual(['goarch']);
    const vars = serverAssetVars({ owner: 'a', repo: 'b', tag: 'v1' }, amd64);
    expect(() => renderServerTemplate('server-asset', '{owner}-{goarch}.zip', vars)).toThrow(
      'server-asset "{owner}-{goarch}.zip": unknown placeholder {goarch}; use {owner}, {repo}, {target}, {os}, {arch}, {tag}, {version}',
    );
  });

  it('a .zip holds the binary; anything else is the binary', () => {
    expect(isZipAsset('gotify-linux-amd64.zip')).toBe(true);
    expect(isZipAsset('GOTIFY.ZIP')).toBe(true);
    expect(isZipAsset('gotify-linux-amd64')).toBe(false);
  });
});

describe('tool-cache key', () => {
  const key = (repository: string, tag: string, target = amd64, asset = 'flow-linux-amd64.zip') =>
    toolCacheKey({ repository, tag }, target, asset);

  it.each(['v2.0.0', '2.0.0', 'v2.0.0+meta', 'release-7', 'v1.0.0-rc.1', 'weird/tag name', '...', '0001'])(
    'is a version tool-cache can find for tag %j',
    (tag) => {
      const k = key('gotify/server', tag);
      expect(semver.valid(semver.clean(k.version))).toBe(k.version);
      expect(k.version).toMatch(/^0\.0\.0-[0-9A-Za-z-]+-x[0-9a-f]{12}$/);
    },
  );

  it('one entry per repository, tag, target and asset', () => {
    const base = key('gotify/server', 'v2.0.0');
    expect(base.tool).toBe('flow-server-gotify-server');
    expect(base.arch).toBe('linux-amd64');
    expect(key('Gotify/Server', 'v2.0.0')).toEqual(base);
    expect(key('gotify/server', 'v2.0.1').version).not.toBe(base.version);
    expect(key('gotify/server', '2.0.0').version).not.toBe(base.version); // semver.clean would merge them
    expect(key('gotify/server', 'v2.0.0+a').version).not.toBe(key('gotify/server', 'v2.0.0+b').version);
    expect(key('gotify/server', 'v2.0.0', arm7).arch).toBe('linux-arm-7');
    expect(key('gotify/server', 'v2.0.0', amd64, 'other.zip').version).not.toBe(base.version);
    // owner/repo splits that read alike keep apart through the hash
    expect(key('a-b/c', 'v1').version).not.toBe(key('a/b-c', 'v1').version);
  });
});
