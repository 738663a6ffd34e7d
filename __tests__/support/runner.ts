// Runs the committed bundle the way the GitHub runner does: a fresh `node dist/index.cjs` with
// INPUT_* variables, GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files and a RUNNER_TEMP folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { removeTree } from './fixtures';
import { linkSharedCaches } from './test-cache';

export const projectRoot = resolve(import.meta.dirname, '..', '..');
export const bundlePath = join(projectRoot, 'dist', 'index.cjs');

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Parsed GITHUB_OUTPUT (name -> value). */
  outputs: Record<string, string>;
  /** Contents of GITHUB_STEP_SUMMARY. */
  summary: string;
  /** The folder holding the run's files (and the workspace when no `cwd` was given); its RUNNER_TEMP is removed after the run. */
  home: string;
}

export interface RunOptions {
  /** Inputs by their action.yml name (`server-version`), as the runner passes them. */
  inputs?: Record<string, string>;
  /** Extra environment (GITHUB_API_URL, GITHUB_REF, ...). */
  env?: Record<string, string>;
  /** Working directory of the step (GITHUB_WORKSPACE). Default: a new temp folder. */
  cwd?: string;
  timeoutMs?: number;
  /**
   * The Go build cache the builds start from: `shared` (default) links the host's GOCACHE kept
   * across test runs (./test-cache.ts), `empty` a new one. A run given its own RUNNER_TEMP in `env`,
   * or talking to an Actions cache service, always starts empty (the action restores and saves
   * GOCACHE itself then).
   */
  goCache?: 'shared' | 'empty';
  /**
   * The run's modules come from the real bed's proxy (real modules, immutable by version): with a
   * shared GOCACHE, the module cache is shared across runs too (./test-cache.ts).
   */
  realModules?: boolean;
  /** The action to run: default the committed bundle (dist/index.cjs); the dev loop passes one made from src/. */
  bundle?: string;
  /** Also copy the action's stdout and stderr to this process's as they come (the dev loop). */
  stream?: boolean;
  /** Keep RUNNER_TEMP after the run (`<home>/runner-temp`), to look at what the run left there. */
  keepRunnerTemp?: boolean;
  /** Called with the action's process and its RUNNER_TEMP once it started (e.g. to cancel it). */
  onSpawn?: (child: ChildProcess, runnerTemp: string) => void;
}

/** Parses the GITHUB_OUTPUT file format (`name<<DELIM\nvalue\nDELIM`, or `name=value`). */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i]!);
      out[name!] = value.join('\n');
    } else if (line.includes('=')) {
      const at = line.indexOf('=');
      out[line.slice(0, at)] = line.slice(at + 1);
    }
  }
  return out;
}

/** Defaults of action.yml, so a test only names the inputs it changes (the runner always sets all). */
function actionDefaults(): Record<string, string> {
  const yml = readFileSync(join(projectRoot, 'action.yml'), 'utf8');
  const defaults: Record<string, string> = {};
  const inputsSection = yml.split(/^outputs:/m)[0]!.split(/^inputs:/m)[1] ?? '';
  let current: string | undefined;
  for (const line of inputsSection.split('\n')) {
    const name = /^ {2}([a-z0-9-]+):\s*$/.exec(line);
    if (name) current = name[1];
    const def = /^ {4}default:\s*(.*)$/.exec(line);
    if (def && current) {
      let v = def[1]!.trim();
      if ((v.startsWith("'") && v.endsWith("'")) || (v.startsWith('"') && v.endsWith('"')))
        v = v.slice(1, -1);
      defaults[current] = v.includes('${{') ? '' : v;
    }
  }
  return defaults;
}

export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...actionDefaults(), ...inputs })) {
    env[`INPUT_${k.replace(/ /g, '_').toUpperCase()}`] = v;
  }
  return env;
}

export async function runAction(opts: RunOptions = {}): Promise<RunResult> {
  const home = mkdtempSync(join(tmpdir(), 'flow-action-run-'));
  const runnerTemp = join(home, 'runner-temp');
  mkdirSync(runnerTemp);
  const outputFile = join(home, 'github-output');
  const summaryFile = join(home, 'step-summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const cwd = opts.cwd ?? home;
  const ownTemp = opts.env?.RUNNER_TEMP !== undefined;
  const cacheService =
    opts.env?.ACTIONS_CACHE_SERVICE_V2 !== undefined || opts.env?.ACTIONS_CACHE_URL !== undefined;
  if ((opts.goCache ?? 'shared') === 'shared' && !ownTemp && !cacheService)
    linkSharedCaches(runnerTemp, { realModules: opts.realModules ?? false });
  // Start from a clean environment: nothing of the developer's GitHub/Actions setup leaks in.
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^(INPUT_|GITHUB_|ACTIONS_|RUNNER_)/.test(k)) continue;
    base[k] = v;
  }
  const env = {
    ...base,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: cwd,
    GITHUB_REPOSITORY: 'plugin-owner/plugin',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_EVENT_NAME: 'push',
    GITHUB_RUN_ID: '1',
    GITHUB_SERVER_URL: 'https://github.com',
    RUNNER_TEMP: runnerTemp,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    ...inputEnv(opts.inputs ?? {}),
    ...opts.env,
  };
  const child = spawn(process.execPath, [opts.bundle ?? bundlePath], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  opts.onSpawn?.(child, env.RUNNER_TEMP);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => ((stdout += d.toString()), opts.stream && process.stdout.write(d)));
  child.stderr.on('data', (d: Buffer) => ((stderr += d.toString()), opts.stream && process.stderr.write(d)));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 600_000);
  const exitCode: number = await new Promise((res) => child.on('close', (code) => res(code ?? -1)));
  clearTimeout(timer);
  // RUNNER_TEMP ends with the job on a runner: its module and build caches (hundreds of MB a run)
  // would otherwise pile up in the temp folder. The shared caches are links: only they go.
  try {
    if (!opts.keepRunnerTemp) removeTree(runnerTemp);
  } catch {
    // best effort: a leftover folder costs space, not a result
  }
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    home,
  };
}
