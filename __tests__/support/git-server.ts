// A private git server on loopback for the private-module tests: git's own smart HTTP server
// (`git http-backend`, a CGI program) behind a small Node HTTP server that demands basic auth,
// the way GitHub answers for a private repository. Repositories are bare repositories under a
// folder; `addModule` commits a Go module's files and tags them.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { removeTree } from './fixtures';

export const GIT_HTTP_BACKEND = '/usr/lib/git-core/git-http-backend';

export interface GitServer {
  /** `http://127.0.0.1:<port>`: what GITHUB_SERVER_URL says in the tests. */
  url: string;
  /** Every request: path, whether it carried the right credentials, the answer's status. */
  requests: { path: string; auth: 'none' | 'wrong' | 'ok'; status: number }[];
  close(): Promise<void>;
}

const git = (cwd: string, args: string[]) =>
  execFileSync('git', args, {
    cwd,
    stdio: 'pipe',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'flow',
      GIT_AUTHOR_EMAIL: 'flow@example.com',
      GIT_COMMITTER_NAME: 'flow',
      GIT_COMMITTER_EMAIL: 'flow@example.com',
      GIT_AUTHOR_DATE: '2026-01-02T03:04:05Z',
      GIT_COMMITTER_DATE: '2026-01-02T03:04:05Z',
    },
  });

/** A bare repository `<root>/<repo>.git` holding `files` at one commit tagged `tag`. */
export function addModule(root: string, repo: string, files: Record<string, string>, tag: string): void {
  const work = mkdtempSync(join(tmpdir(), 'flow-git-work-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(work, name)), { recursive: true });
      writeFileSync(join(work, name), text);
    }
    git(work, ['init', '-q', '-b', 'main']);
    git(work, ['add', '-A']);
    git(work, ['commit', '-q', '-m', 'module']);
    git(work, ['tag', tag]);
    const bare = join(root, `${repo}.git`);
    mkdirSync(dirname(bare), { recursive: true });
    git(root, ['clone', '-q', '--bare', work, bare]);
    git(bare, ['config', 'http.receivepack', 'false']);
  } finally {
    removeTree(work);
  }
}

/**
 * Serves the bare repositories under `root` at `http://127.0.0.1:<port>/<owner>/<repo>` (with
 * or without `.git`) to clients that send `user:password` as basic auth; others get 401.
 */
export async function startGitServer(opts: {
  root: string;
  user: string;
  password: string;
}): Promise<GitServer> {
  const requests: GitServer['requests'] = [];
  const expected = `Basic ${Buffer.from(`${opts.user}:${opts.password}`).toString('base64')}`;
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const header = req.headers.authorization;
    const auth = header === undefined ? 'none' : header === expected ? 'ok' : 'wrong';
    if (auth !== 'ok') {
      requests.push({ path: url.pathname, auth, status: 401 });
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="GitHub"', 'Content-Type': 'text/plain' });
      res.end(auth === 'none' ? 'Authentication required\n' : 'Invalid username or token\n');
      return;
    }
    cgi(req, res, url, opts.root).then(
      (status) => requests.push({ path: url.pathname, auth, status }),
      () => res.destroy(),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Runs git http-backend for one request (CGI: environment in, headers and body out). */
function cgi(req: IncomingMessage, res: ServerResponse, url: URL, root: string): Promise<number> {
  // GitHub serves `owner/repo` and `owner/repo.git` alike.
  const path = url.pathname.replace(/^(\/[^/]+\/[^/]+?)(\.git)?(\/(info|git-)|$)/, '$1.git$3');
  const child = spawn(GIT_HTTP_BACKEND, [], {
    env: {
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: path,
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_USER: 'x-access-token',
      REMOTE_ADDR: '127.0.0.1',
      ...(req.headers['git-protocol'] && { GIT_PROTOCOL: String(req.headers['git-protocol']) }),
      ...(req.headers['content-encoding'] && {
        HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']),
      }),
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  req.pipe(child.stdin);
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    let status = 200;
    let started = false;
    child.stdout.on('data', (d: Buffer) => {
      if (started) return void res.write(d);
      head = Buffer.concat([head, d]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString().split('\r\n')) {
        const at = line.indexOf(':');
        const name = line.slice(0, at).trim();
        const value = line.slice(at + 1).trim();
        if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
        else headers[name] = value;
      }
      res.writeHead(status, headers);
      started = true;
      res.write(head.subarray(end + 4));
    });
    child.on('error', reject);
    child.on('close', () => {
      if (!started) res.writeHead(500).end();
      else res.end();
      resolve(status);
    });
  });
}
