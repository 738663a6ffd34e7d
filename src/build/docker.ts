// The Docker adapter: runs `docker` with an argument array (never a shell) and collects its output.
// A named container (`--name`) is removed with `docker rm --force` if the run is cancelled while
// it runs; once the run is cancelled no new container starts.
import { spawn } from 'node:child_process';
import { exec } from '@actions/exec';
import { removeContainersArgv } from './argv';
import { cancelledBy, onCancel } from '../fs/cleanup';

export interface DockerResult {
  exitCode: number;
  /** stdout and stderr interleaved as they arrived. */
  output: string;
  /** stdout alone (what a command prints as data, without Go's `go: downloading` lines). */
  stdout?: string;
}

export interface Docker {
  run(args: string[], opts?: { env?: Record<string, string> }): Promise<DockerResult>;
}

/**
 * `env` is the step's environment, passed to docker (the forwarded Go variables are read from it);
 * FLOW_DOCKER_BINARY there (a development knob) names another binary.
 */
export function createDocker(env: Record<string, string | undefined>): Docker {
  const binary = env.FLOW_DOCKER_BINARY || 'docker';
  const base = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return {
    async run(args, opts = {}) {
      if (cancelledBy())
        return { exitCode: 130, output: `not started: the run was cancelled (${cancelledBy()})` };
      const at = args.indexOf('--name');
      const name = args[0] === 'run' && at > 0 ? args[at + 1] : undefined;
      const done = name
        ? onCancel(`container ${name}`, () => removeContainer(binary, name), { first: true })
        : () => undefined;
      try {
        return await runDocker(binary, args, { env: { ...base, ...opts.env } });
      } finally {
        done();
      }
    },
  };
}

async function runDocker(
  binary: string,
  args: string[],
  opts: { env: Record<string, string> },
): Promise<DockerResult> {
  let output = '';
  let stdout = '';
  const append = (d: Buffer): void => {
    output += d.toString();
  };
  const appendOut = (d: Buffer): void => {
    stdout += d.toString();
    append(d);
  };
  let exitCode: number;
  try {
    exitCode = await exec(binary, args, {
      silent: true,
      ignoreReturnCode: true,
      env: opts.env,
      listeners: { stdout: appendOut, stderr: append },
    });
  } catch (e) {
    // The binary is missing or cannot start.
    return { exitCode: 127, output: `${binary}: ${(e as Error).message}` };
  }
  return { exitCode, output, stdout };
}

/** `docker rm --force <name>`, bounded in time; a container that is already gone is fine. */
function removeContainer(binary: string, name: string): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(binary, removeContainersArgv([name]), { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('error', () => resolve());
    child.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Docker that writes the argv of every command to `debug` before running it. */
export function withDebugLog(docker: Docker, debug: (message: string) => void): Docker {
  return {
    run(args, opts) {
      debug(`docker ${args.join(' ')}`);
      return docker.run(args, opts);
    },
  };
}
