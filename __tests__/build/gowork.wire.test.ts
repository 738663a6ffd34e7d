// Issue 27: a local replace to the workspace root mounts the whole workspace at /proj, and a
// go.work there would change what Go builds in the container. The containers run with
// GOWORK=off; shown here with the host Go and the exact variables containerOptions gives them,
// against a go.work whose replace would swap a module's source.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { containerOptions } from '../../src/build/argv';
import { findHostGo, hermeticGoEnv, runGo } from '../support/host-go';

/** The `-e NAME=value` pairs of a container's options. */
function containerEnv(argv: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  argv.forEach((a, i) => {
    if (argv[i - 1] === '-e' && a.includes('='))
      env[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
  });
  return env;
}

describe('issue 27: a go.work in a mounted folder', () => {
  it("is not used by the containers' go (GOWORK=off), though it would change the build", async () => {
    const go = findHostGo();
    const ws = mkdtempSync(join(tmpdir(), 'gowork-'));
    const write = (p: string, text: string) => {
      mkdirSync(join(ws, p, '..'), { recursive: true });
      writeFileSync(join(ws, p), text);
    };
    write(
      'plugin/go.mod',
      'module example.com/plugin\n\ngo 1.22\n\nrequire example.com/lib v1.0.0\n\nreplace example.com/lib => ../lib\n',
    );
    write('plugin/main.go', 'package main\n\nimport "example.com/lib"\n\nvar _ = lib.X\n\nfunc main() {}\n');
    write('lib/go.mod', 'module example.com/lib\n\ngo 1.22\n');
    write('lib/lib.go', 'package lib\n\nconst X = 1\n');
    write('evil/go.mod', 'module example.com/lib\n\ngo 1.22\n');
    write('evil/lib.go', 'package lib\n\nconst X = 2\n');
    // The workspace root's go.work: its replace wins over the plugin's.
    write('go.work', 'go 1.22\n\nuse ./plugin\n\nreplace example.com/lib => ./evil\n');

    const argv = containerOptions({
      image: 'flow/build:1.22.4-linux-amd64',
      pluginDir: join(ws, 'plugin'),
      pluginMount: '/proj/plugin',
      mounts: [{ host: join(ws, 'lib'), container: '/proj/lib', readOnly: true }],
      modCacheDir: '/m',
      goCacheDir: '/c',
      forwardEnv: [],
      dockerArgs: [],
    });
    const { GOWORK: _hostDefault, ...hermetic } = hermeticGoEnv(join(ws, '.home'));
    const { HOME: _home, GOCACHE: _cache, ...fromArgv } = containerEnv(argv);
    const libDir = (env: NodeJS.ProcessEnv) =>
      runGo(go, ['list', '-m', '-f', '{{.Dir}}', 'example.com/lib'], join(ws, 'plugin'), env);

    // Without the action's variables, the go.work swaps the library (what the probe found).
    const open = await libDir(hermetic);
    expect(open.stderr).toBe('');
    expect(open.stdout.trim()).toBe(join(ws, 'evil'));

    // With them, the plugin's own go.mod decides, as in the server's build.
    const r = await libDir({ ...hermetic, ...fromArgv });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(join(ws, 'lib'));
    expect(fromArgv.GOWORK).toBe('off');
  });
});
