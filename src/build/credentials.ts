// Credentials for private modules inside the builder containers. Go fetches a module that
// GOPRIVATE (or GONOPROXY) matches with git, straight from its host; for the GitHub server of the
// run (GITHUB_SERVER_URL, so Enterprise too) git gets the token from a credential helper that
// reads a file. Never an argument: the files live in a folder under RUNNER_TEMP (mode 0700, files
// 0600), mounted read-only at /flow-credentials, and the containers get only the paths
// (GIT_CONFIG_GLOBAL, and XDG_CONFIG_HOME for git before 2.32; NETRC for a `.netrc` given for an
// authenticated GOPROXY). On a host that is not github.com (GitHub Enterprise Server, ghe.com) the
// token also goes into that `.netrc` as a line for the host: Go resolves an import path there by an
// HTTPS `?go-get=1` request, which GitHub Enterprise answers only when it is authenticated, and Go
// authenticates it from `.netrc`, not from git's helper. The folder is removed when the build stage ends, whatever the ending,
// a cancelled job included.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Mount } from './argv';
import { onCancel } from '../fs/cleanup';
import { netrcHostFor } from '../github/enterprise';

/** Where the credentials folder is mounted in every container that may fetch modules. */
export const CREDENTIALS_MOUNT = '/flow-credentials';

/** The user name GitHub takes with a token (any non-empty name works; this one is GitHub's own). */
export const TOKEN_USER = 'x-access-token';

export interface CredentialsInput {
  /** The step's environment: GOPRIVATE, GONOPROXY, GITHUB_SERVER_URL. */
  env: Record<string, string | undefined>;
  /** modules-token, else github-token. */
  token?: string;
  /** Which input the token came from, for the log. */
  tokenInput?: 'modules-token' | 'github-token';
  /** The netrc input: `.netrc` lines for an authenticated GOPROXY. */
  netrc?: string;
}

export interface CredentialsPlan {
  /** Files of the folder (names relative to it); every one holds or leads to a secret. */
  files: { name: string; text: string }[];
  /** Variables set in the containers: paths only. */
  setEnv: [string, string][];
  /** The git server the token is given to (`https://github.com`), if any. */
  gitServer?: string;
  /** What the log says (no secret). */
  say: string[];
}

/** The patterns of GOPRIVATE and GONOPROXY (`off`/`none` and empty entries left out). */
export function privatePatterns(env: Record<string, string | undefined>): string[] {
  const patterns = [env.GOPRIVATE, env.GONOPROXY]
    .flatMap((v) => (v ?? '').split(','))
    .map((p) => p.trim())
    .filter((p) => p !== '' && p !== 'off' && p !== 'none');
  return [...new Set(patterns)];
}

/** `https://github.com` from GITHUB_SERVER_URL (the default on github.com), without path or slash. */
export function gitServerUrl(env: Record<string, string | undefined>): string {
  const raw = env.GITHUB_SERVER_URL || 'https://github.com';
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'https://github.com';
  }
}

/** git config: a credential helper for the server that prints the credentials file (only on `get`). */
export function gitConfigText(server: string): string {
  const file = `${CREDENTIALS_MOUNT}/git-credentials`;
  return [
    '# Written by the Flow plugin build action for one step, removed when the step ends.',
    `[credential "${server}"]`,
    '\t# No other helper (a store helper would try to write into this read-only folder).',
    '\thelper =',
    `\thelper = "!f() { test \\"$1\\" = get && cat ${file}; }; f"`,
    '',
  ].join('\n');
}

/**
 * What the containers get: nothing without private patterns or a netrc; with patterns and a
 * token, the git credentials for the run's GitHub server; with patterns and no token, no files,
 * only what the log says.
 */
export function planCredentials(input: CredentialsInput): CredentialsPlan | undefined {
  const patterns = privatePatterns(input.env);
  const files: CredentialsPlan['files'] = [];
  const setEnv: CredentialsPlan['setEnv'] = [];
  const say: string[] = [];
  let gitServer: string | undefined;
  let netrc = input.netrc ? (input.netrc.endsWith('\n') ? input.netrc : `${input.netrc}\n`) : '';
  if (patterns.length > 0 && input.token) {
    gitServer = gitServerUrl(input.env);
    files.push({ name: 'git/config', text: gitConfigText(gitServer) });
    files.push({ name: 'git-credentials', text: `username=${TOKEN_USER}\npassword=${input.token}\n` });
    setEnv.push(['GIT_CONFIG_GLOBAL', `${CREDENTIALS_MOUNT}/git/config`]);
    setEnv.push(['XDG_CONFIG_HOME', CREDENTIALS_MOUNT]);
    say.push(
      `Private modules (${patterns.join(', ')}): git in the builder containers uses ${input.tokenInput ?? 'github-token'} for ${gitServer}.`,
    );
    const host = netrcHostFor(gitServer);
    if (host !== undefined) {
      // After the netrc input's lines: Go takes the first entry for a machine, so the user's wins.
      netrc += `machine ${host} login ${TOKEN_USER} password ${input.token}\n`;
      say.push(
        `Go in the builder containers authenticates its ?go-get=1 requests to ${host} with the same token (a .netrc line: GitHub Enterprise shows private import paths only to authenticated requests).`,
      );
    }
  } else if (patterns.length > 0) {
    say.push(
      `Private modules (${patterns.join(', ')}) but no token: git in the builder containers has no credentials. Set github-token or modules-token.`,
    );
  }
  if (netrc) {
    files.push({ name: 'netrc', text: netrc });
    setEnv.push(['NETRC', `${CREDENTIALS_MOUNT}/netrc`]);
  }
  if (input.netrc) {
    say.push(
      `Go in the builder containers uses the netrc input (NETRC) for ${netrcMachines(input.netrc).join(', ')}.`,
    );
  }
  if (files.length === 0 && say.length === 0) return undefined;
  return { files, setEnv, ...(gitServer && { gitServer }), say };
}

/** The `machine` names of a netrc text. */
export function netrcMachines(netrc: string): string[] {
  const words = netrc.split(/\s+/);
  const out: string[] = [];
  for (let i = 0; i < words.length - 1; i++) if (words[i] === 'machine') out.push(words[i + 1]!);
  return out;
}

/** The passwords and logins of a netrc text (masked in the log). */
export function netrcSecrets(netrc: string): string[] {
  const words = netrc.split(/\s+/);
  const out: string[] = [];
  for (let i = 0; i < words.length - 1; i++) {
    if (words[i] === 'password' || words[i] === 'login') out.push(words[i + 1]!);
  }
  return out.filter((s) => s.length > 0);
}

export interface CredentialsFolder {
  mount: Mount;
  /** Removes the folder (and its cancel step); safe to call twice. */
  remove(): Promise<void>;
}

/**
 * Writes the folder (0700; files 0600, created new) and registers its removal for a cancelled
 * job. The caller removes it in a `finally`. Written synchronously: a cancel (a signal, handled
 * between ticks) finds either no folder or a whole one, never one being written after its undo.
 */
export async function writeCredentials(dir: string, plan: CredentialsPlan): Promise<CredentialsFolder> {
  const unregister = onCancel(`credentials folder ${dir}`, () => rm(dir, { recursive: true, force: true }));
  const remove = async (): Promise<void> => {
    await rm(dir, { recursive: true, force: true });
    unregister();
  };
  try {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const f of plan.files) {
      const path = join(dir, f.name);
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      writeFileSync(path, f.text, { mode: 0o600, flag: 'wx' });
    }
  } catch (e) {
    await remove();
    throw e;
  }
  return { mount: { host: dir, container: CREDENTIALS_MOUNT, readOnly: true }, remove };
}

/**
 * A notice when modules-token is given but no private pattern (GOPRIVATE, GONOPROXY in the step's
 * env) makes any container use it: the token does nothing, and the author likely forgot the pattern.
 */
export function unusedModulesTokenNotice(input: {
  env: Record<string, string | undefined>;
  modulesToken: boolean;
}): string | undefined {
  if (!input.modulesToken || privatePatterns(input.env).length > 0) return undefined;
  return "modules-token is set, but neither GOPRIVATE nor GONOPROXY in the step's env names a private module, so no container uses it. Set the patterns of your private modules in the step's env (e.g. GOPRIVATE: github.com/your-org/*), or remove modules-token";
}
