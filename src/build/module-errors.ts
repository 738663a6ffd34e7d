// Why Go could not fetch a private module inside a builder container, and what to give the
// token. Go prints git's own words (`fatal: Authentication failed for ...`) after the module it
// was fetching; this finds the module, its host and the kind of refusal. Pure.
import type { GoModFile } from '../gomod';

export type FetchRefusal = 'refused' | 'no-credentials' | 'no-access';

export interface ModuleFetchProblem {
  module: string;
  /** The module's host (the first element of its path). */
  host: string;
  kind: FetchRefusal;
  /** The go.mod line requiring the module (when the plugin requires it directly). */
  line?: number;
  message: string;
}

export interface FetchContext {
  /** The plugin's go.mod (for the line). */
  goMod?: Pick<GoModFile, 'require'>;
  /** The git server the action gave the token to (undefined: none was given). */
  gitServer?: string;
  /** The input the token came from. */
  tokenInput: 'modules-token' | 'github-token';
  /** GOPRIVATE and GONOPROXY patterns of the step. */
  patterns: string[];
}

const KINDS: [RegExp, FetchRefusal][] = [
  [/Authentication failed|Invalid username or (password|token)|HTTP Basic: Access denied/i, 'refused'],
  [/could not read Username|terminal prompts disabled|could not read Password/i, 'no-credentials'],
  [/Repository not found|repository '[^']*' not found|returned error: 40[34]/i, 'no-access'],
];

/** `github.com/acme/lib` from `\tgithub.com/acme/lib: reading ...` or `go: github.com/acme/lib@v1.0.0: invalid version: ...`. */
function moduleOf(line: string): string | undefined {
  const head = line.trim().replace(/^go: /, '').split(': ')[0] ?? '';
  const path = head.replace(/@\S*$/, '');
  return /^[a-z0-9.-]+\.[a-z]{2,}(\/[^\s@:]+)+$/i.test(path) || /^\d+\.\d+\.\d+\.\d+\//.test(path)
    ? path
    : undefined;
}

/** The fetch failures in Go's output, one per module. */
export function moduleFetchProblems(output: string, ctx: FetchContext): ModuleFetchProblem[] {
  const lines = output.split(/\r?\n/);
  const found = new Map<string, ModuleFetchProblem>();
  for (let i = 0; i < lines.length; i++) {
    if (!/git (ls-remote|fetch|clone)\b/.test(lines[i]!)) continue;
    const module = moduleOf(lines[i]!);
    if (!module || found.has(module)) continue;
    // git's words follow on the next lines (indented), up to Go's next message.
    const said = lines.slice(i + 1, i + 6).join('\n');
    const kind = KINDS.find(([re]) => re.test(said))?.[1];
    if (!kind) continue;
    const host = module.split('/')[0]!;
    const line = ctx.goMod?.require.find((r) => r.path === module)?.line;
    found.set(module, {
      module,
      host,
      kind,
      ...(line !== undefined && { line }),
      message: fetchMessage(module, host, kind, ctx),
    });
  }
  return [...found.values()];
}

function hostOf(url: string | undefined): string | undefined {
  try {
    return url === undefined ? undefined : new URL(url).host;
  } catch {
    return undefined;
  }
}

/** What happened and what to give the token. */
export function fetchMessage(module: string, host: string, kind: FetchRefusal, ctx: FetchContext): string {
  const token = ctx.tokenInput;
  const parts = module.split('/');
  const repo = parts.length >= 3 ? `${parts[1]}/${parts[2]}` : module;
  const access =
    `give ${token} read access to the repository ${repo}: a fine-grained personal access token with ${repo} under "Repository access" and "Contents: Read-only" ` +
    `(a classic token needs the repo scope), stored as a secret and passed as modules-token (the workflow's own GITHUB_TOKEN reads only the repository the workflow runs in)`;
  const what = {
    refused: `${host} refused the token (${token}): it is wrong or expired`,
    'no-access': `${host} does not show ${repo} to the token (${token})`,
    'no-credentials': `git asked for credentials for ${host} and had none`,
  }[kind];
  let fix: string;
  if (kind === 'no-credentials' && ctx.patterns.length === 0) {
    fix = `set GOPRIVATE (env: of the step, e.g. GOPRIVATE: ${parts.slice(0, 2).join('/')}/*) so that Go fetches it with git and the action gives git the token; then ${access}`;
  } else if (kind === 'no-credentials' && ctx.gitServer === undefined) {
    fix = `set github-token or modules-token; ${access}`;
  } else if (kind === 'no-credentials' && hostOf(ctx.gitServer) !== host) {
    fix = `the action gives the token only to the run's GitHub server (${ctx.gitServer}); serve ${module} through a GOPROXY that takes the netrc input, or from the GitHub server of the run`;
  } else fix = access;
  return `Cannot fetch the private module ${module}: ${what}. Fix: ${fix}.`;
}
