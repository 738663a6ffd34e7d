// A small `docker` runner for the docker tests: argv array, never a shell, bounded time.
import { spawn } from 'node:child_process';

/** The docker client (`docker` on PATH talks to the local dockerd; override with DOCKER). */
export const dockerBin = process.env.DOCKER ?? 'docker';

export interface DockerResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved in arrival order. */
  output: string;
  durationMs: number;
}

/** Runs `docker <args>`; resolves with the exit code (does not throw on failure). */
export function docker(args: string[], opts: { timeoutMs?: number } = {}): Promise<DockerResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(dockerBin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      output += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      output += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        exitCode: code ?? (signal ? 128 : 1),
        stdout,
        stderr,
        output,
        durationMs: Date.now() - started,
      });
    });
  });
}

/** Like `docker()` but throws with the output when the command fails. */
export async function dockerOk(args: string[], opts: { timeoutMs?: number } = {}): Promise<DockerResult> {
  const r = await docker(args, opts);
  if (r.exitCode !== 0) {
    throw new Error(`docker ${args.join(' ')} exited ${r.exitCode}:\n${r.output}`);
  }
  return r;
}

/** `--user uid:gid` of this process (so nothing the containers write is owned by someone else). */
export function userArgs(): string[] {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  return ['--user', `${uid}:${gid}`];
}
