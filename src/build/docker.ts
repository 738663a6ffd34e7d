// The Docker adapter: runs `docker` with an argument array (never a shell) and collects its output.
import { exec } from '@actions/exec';

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

export function createDocker(binary = process.env.FLOW_DOCKER_BINARY || 'docker'): Docker {
  return {
    async run(args, opts = {}) {
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
          env: { ...(process.env as Record<string, string>), ...opts.env },
          listeners: { stdout: appendOut, stderr: append },
        });
      } catch (e) {
        // The binary is missing or cannot start.
        return { exitCode: 127, output: `${binary}: ${(e as Error).message}` };
      }
      return { exitCode, output, stdout };
    },
  };
}
