// The load adapter with Docker faked: the fake "container" is a loopback HTTP server (or a
// panic, or nothing at all) on the port the argv names; `docker rm -f` stops it.
import { mkdtempSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Docker, DockerResult } from '../../src/build/docker';
import { parseTarget } from '../../src/build/targets';
import { loadPlugin, type LoadRequest } from '../../src/verify/load';

const root = mkdtempSync(join(tmpdir(), 'flow-verify-load-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const plugin = join(root, 'hello-linux-amd64.so');
writeFileSync(plugin, 'not really a plugin');

type Behaviour = 'serve' | 'panic' | 'hang' | 'empty-list';

function fakeDocker(behaviour: Behaviour) {
  const calls: string[][] = [];
  const running = new Map<string, { server?: Server; done: (r: DockerResult) => void }>();
  let seenPlugins: string[] = [];
  const docker: Docker = {
    run(args) {
      calls.push(args);
      if (args[0] === 'rm') {
        const c = running.get(args[2]!);
        c?.server?.close();
        c?.done({ exitCode: 137, output: 'Starting Gotify version 2.6.1\n' });
        running.delete(args[2]!);
        return Promise.resolve({ exitCode: 0, output: args[2]! });
      }
      const name = args[args.indexOf('--name') + 1]!;
      const port = Number(/GOTIFY_SERVER_PORT=(\d+)/.exec(args.join(' '))![1]);
      const runDir = args.find((a) => a.endsWith(':/flow-verify/run'))!.split(':')[0]!;
      seenPlugins = readdirSync(join(runDir, 'plugins'));
      if (behaviour === 'panic') {
        return Promise.resolve({
          exitCode: 2,
          output:
            'Loading plugin /flow-verify/run/plugins/hello-linux-amd64.so\npanic: error while loading plugin hello-linux-amd64.so: plugin.Open("/flow-verify/run/plugins/hello-linux-amd64"): missing GetGotifyPluginInfo symbol\n',
        });
      }
      return new Promise((done) => {
        const entry: { server?: Server; done: (r: DockerResult) => void } = { done };
        running.set(name, entry);
        if (behaviour === 'hang') return;
        entry.server = createServer((req, res) => {
          const auth = req.headers.authorization;
          if (req.url !== '/plugin' || auth !== `Basic ${Buffer.from('admin:admin').toString('base64')}`) {
            res.writeHead(401).end();
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(
            JSON.stringify(
              behaviour === 'empty-list' ? [] : [{ name: 'hello', modulePath: 'github.com/me/hello' }],
            ),
          );
        }).listen(port, '127.0.0.1');
      });
    },
  };
  return { docker, calls, running, plugins: () => seenPlugins };
}

const request = (over: Partial<LoadRequest> = {}): LoadRequest => ({
  image: 'flow/build:1.23.5-linux-amd64',
  target: parseTarget('linux-amd64'),
  via: 'native',
  serverBinary: '/bin/true',
  pluginFile: plugin,
  pluginFileName: 'hello-linux-amd64.so',
  tempDir: join(root, 'tmp'),
  timeoutMs: 10_000,
  pollMs: 20,
  ...over,
});

describe('loadPlugin', () => {
  it('loaded: the server lists the plugin as admin; the container is removed, the run folder too', async () => {
    const f = fakeDocker('serve');
    const r = await loadPlugin(f.docker, request());
    expect(r).toMatchObject({ status: 'loaded', modulePath: 'github.com/me/hello' });
    expect(f.plugins()).toEqual(['hello-linux-amd64.so']); // the one plugin, alone
    expect(f.calls.filter((c) => c[0] === 'rm')).toHaveLength(1);
    expect(f.running.size).toBe(0);
    expect(readdirSync(join(root, 'tmp'))).toEqual([]);
  });

  it('leaves no timer behind (a pending one keeps the action running after its work)', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const r = await loadPlugin(fakeDocker('serve').docker, request());
    expect(r.status).toBe('loaded');
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it('exited: the output holds the panic; nothing left to remove', async () => {
    const f = fakeDocker('panic');
    const r = await loadPlugin(f.docker, request());
    expect(r).toMatchObject({ status: 'exited', exitCode: 2 });
    expect(r.output).toContain('missing GetGotifyPluginInfo symbol');
    expect(f.calls.filter((c) => c[0] === 'rm')).toHaveLength(0);
  });

  it('a server that never answers: the bound holds, the container is removed', async () => {
    const f = fakeDocker('hang');
    const started = Date.now();
    const r = await loadPlugin(f.docker, request({ timeoutMs: 600 }));
    const took = Date.now() - started;
    expect(r.status).toBe('timeout');
    expect(took).toBeGreaterThanOrEqual(600);
    expect(took).toBeLessThan(3000);
    expect(f.calls.filter((c) => c[0] === 'rm')).toHaveLength(1);
    expect(f.running.size).toBe(0);
  });

  it('the server answers but does not list the plugin', async () => {
    const f = fakeDocker('empty-list');
    expect((await loadPlugin(f.docker, request())).status).toBe('not-listed');
  });
});
