// prepareBuild with Docker faked: the build cache restore (`whileTidying`) gets the images' IDs
// and runs while `go mod tidy` runs in its container, and the stage waits for both.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Docker, DockerResult } from '../../src/build/docker';
import { makePlan, prepareBuild } from '../../src/build/run';
import { parseInputs } from '../../src/inputs';
import { inputEnv } from '../support/runner';

function stage(inputs: Record<string, string> = {}) {
  const workspace = mkdtempSync(join(tmpdir(), 'flow-run-unit-'));
  const env = inputEnv({ targets: 'linux-amd64,linux-arm64', ...inputs });
  const config = parseInputs((n) => env[`INPUT_${n.toUpperCase()}`] ?? '', { workspace, cpuCount: 2 });
  const input = {
    config,
    goVersion: '1.24.4',
    serverTag: 'v2.0.0',
    pluginName: 'hello',
    cacheDir: join(workspace, '.cache'),
    workspace,
  };
  return { input, plan: makePlan(input) };
}

const id = (c: string) => `sha256:${c.repeat(64)}`;

/** Inspect answers with an ID per image; `sh -c go mod tidy` resolves only when `release()` is called. */
function fakeDocker() {
  const events: string[] = [];
  let release: () => void = () => undefined;
  const docker: Docker = {
    run(args): Promise<DockerResult> {
      if (args[0] === 'image') {
        events.push(`inspect ${args.at(-1)}`);
        return Promise.resolve({
          exitCode: 0,
          output: `${id(args.at(-1)!.endsWith('amd64') ? 'a' : 'b')}\n`,
        });
      }
      events.push('tidy started');
      return new Promise((resolve) => {
        release = () => {
          events.push('tidy done');
          resolve({ exitCode: 0, output: '' });
        };
      });
    },
  };
  return { docker, events, release: () => release() };
}

describe('prepareBuild', () => {
  it('restores (whileTidying) with the image IDs while go mod tidy runs, and waits for both', async () => {
    const { input, plan } = stage();
    const fake = fakeDocker();
    const seen: (string | undefined)[] = [];
    const checks = await prepareBuild(fake.docker, input, plan, async (images) => {
      fake.events.push('restore started');
      seen.push(...images.map((c) => c.id));
      await new Promise((r) => setTimeout(r, 20));
      fake.events.push('restore done');
      fake.release();
    });
    expect(seen).toEqual([id('a'), id('b')]);
    expect(checks.map((c) => c.id)).toEqual([id('a'), id('b')]);
    expect(fake.events).toEqual([
      'inspect flow/build:1.24.4-linux-amd64',
      'inspect flow/build:1.24.4-linux-arm64',
      'tidy started',
      'restore started',
      'restore done',
      'tidy done',
    ]);
  });

  it('without go mod tidy the restore still runs', async () => {
    const { input, plan } = stage({ 'go-mod-tidy': 'false' });
    const fake = fakeDocker();
    let called = false;
    await prepareBuild(fake.docker, input, plan, async () => {
      called = true;
    });
    expect(called).toBe(true);
    expect(fake.events).not.toContain('tidy started');
  });
});
