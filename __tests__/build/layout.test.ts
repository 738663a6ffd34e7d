// Local replaces (monorepos): which folders every container mounts, and where. Pure.
import { describe, expect, it } from 'vitest';
import { bindMount } from '../../src/build/argv';
import { containerLayout, localReplaces } from '../../src/build/layout';
import { planBuild, type PlanInput } from '../../src/build/plan';
import { parseTargets } from '../../src/build/targets';
import { parseGoMod } from '../../src/gomod';

const GO_MOD = `module example.com/plugin

go 1.22

require (
\texample.com/lib v0.0.0
\texample.com/util v0.0.0
\texample.com/inner v0.0.0
\texample.com/pinned v1.0.0
)

replace example.com/lib => ../lib

replace example.com/util => ../../shared/util

replace example.com/inner => ./internal/inner

replace example.com/pinned => example.com/fork v1.1.0
`;

describe('localReplaces', () => {
  it('lists the folder replaces with their lines, resolved against the plugin folder; versions are not local', () => {
    expect(localReplaces(parseGoMod(GO_MOD), '/ws/apps/plugin')).toEqual([
      { module: 'example.com/lib', path: '../lib', line: 12, dir: '/ws/apps/lib' },
      { module: 'example.com/util', path: '../../shared/util', line: 14, dir: '/ws/shared/util' },
      {
        module: 'example.com/inner',
        path: './internal/inner',
        line: 16,
        dir: '/ws/apps/plugin/internal/inner',
      },
    ]);
  });
});

describe('containerLayout', () => {
  it('without local replaces outside the plugin: the plugin at /proj, nothing else', () => {
    const inner = localReplaces(parseGoMod(GO_MOD), '/ws/apps/plugin').filter((r) => r.path.startsWith('./'));
    expect(containerLayout('/ws/apps/plugin', inner)).toEqual({
      pluginMount: '/proj',
      mounts: [],
      root: '/ws/apps/plugin',
    });
  });

  it('a sibling and a cousin: /proj is their smallest common folder, each folder at its relative place, read-only', () => {
    expect(containerLayout('/ws/apps/plugin', localReplaces(parseGoMod(GO_MOD), '/ws/apps/plugin'))).toEqual({
      pluginMount: '/proj/apps/plugin',
      mounts: [
        { host: '/ws/apps/lib', container: '/proj/apps/lib', readOnly: true },
        { host: '/ws/shared/util', container: '/proj/shared/util', readOnly: true },
      ],
      root: '/ws',
    });
  });

  it('a replace of the folder above the plugin (the monorepo root module) and one inside it: mounted once', () => {
    const r = (path: string, dir: string) => ({ module: `m/${path}`, path, line: 1, dir });
    expect(
      containerLayout('/ws/plugin', [r('..', '/ws'), r('../lib', '/ws/lib'), r('../lib', '/ws/lib')]),
    ).toEqual({
      pluginMount: '/proj/plugin',
      mounts: [{ host: '/ws', container: '/proj', readOnly: true }],
      root: '/ws',
    });
  });

  it('a bind mount never creates a missing folder; a comma is quoted as docker reads it', () => {
    expect(bindMount({ host: '/w/a,b', container: '/proj/x', readOnly: false })).toBe(
      'type=bind,"source=/w/a,b",target=/proj/x',
    );
  });

  it('every container of the plan gets the mounts; the build command builds the plugin where it is mounted', () => {
    const layout = containerLayout('/ws/plugin', [{ module: 'l', path: '../lib', line: 1, dir: '/ws/lib' }]);
    const input: PlanInput = {
      targets: parseTargets('linux-amd64'),
      buildImage: 'flow/build',
      goVersion: '1.26.0',
      serverTag: 'v2.0.0',
      pluginName: 'p',
      fileNameTemplate: '{name}-{target}.so',
      buildFlags: ['-mod=readonly'],
      ldflags: '-w -s',
      pluginDir: '/ws/plugin',
      outputDir: '/ws/plugin/build',
      cacheDir: '/rt/flow',
      forwardEnv: [],
      dockerArgs: [],
      runId: 'r1',
      pluginMount: layout.pluginMount,
      mounts: layout.mounts,
    };
    const plan = planBuild(input);
    for (const argv of [plan.prepareArgv, plan.targets[0]!.argv]) {
      expect(argv).toContain('/ws/plugin:/proj/plugin');
      expect(argv).toContain('type=bind,source=/ws/lib,target=/proj/lib,readonly');
      expect(argv[argv.indexOf('-w') + 1]).toBe('/proj/plugin');
    }
    expect(plan.targets[0]!.argv.at(-1)).toBe('/proj/plugin');
    expect(planBuild({ ...input, pluginMount: undefined, mounts: [] }).targets[0]!.argv.at(-1)).toBe('/proj');
  });
});
