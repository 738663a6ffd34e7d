// The run's artifact downloads on plain data with a fake client: the file is the one the download
// left, whatever its name; a "not found" of the internal download goes through the REST path.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { downloadRunArtifact, restDownloadOf, type RunArtifactClient } from '../../src/fanout/run-artifacts';

const notFound = Object.assign(
  new Error('Received non-retryable error: Failed request: (404) Not Found'),
  {},
);

/** A client whose internal download answers `internal`, and whose REST download writes `files`. */
function fakeClient(internal: 'ok' | '404', files: Record<string, string>) {
  const calls: unknown[] = [];
  const client = {
    downloadArtifact: async (_id: number, options: { path: string; findBy?: unknown }) => {
      calls.push(options.findBy ?? 'internal');
      if (!options.findBy && internal === '404') throw notFound;
      for (const [name, text] of Object.entries(files)) writeFileSync(join(options.path, name), text);
      return { downloadPath: options.path };
    },
  } as unknown as RunArtifactClient;
  return { client, calls };
}

const artifact = { id: 7, name: 'hello%5Fx_linux-amd64_v1.cell.json', size: 2 };
const rest = restDownloadOf({ GITHUB_REPOSITORY: 'me/hello', GITHUB_RUN_ID: '42' }, 'ghs_x')!;

describe('downloadRunArtifact', () => {
  it('gives the one file of the fresh folder, whatever the download named it', async () => {
    const { client } = fakeClient('ok', { artifact: '{}' });
    const path = await downloadRunArtifact(client, artifact, mkdtempSync(join(tmpdir(), 'dl-')));
    expect(path.endsWith('/artifact')).toBe(true);
    expect(await readFile(path, 'utf8')).toBe('{}');
  });

  it('refuses a download that left several files', async () => {
    const { client } = fakeClient('ok', { a: '1', b: '2' });
    await expect(downloadRunArtifact(client, artifact, mkdtempSync(join(tmpdir(), 'dl-')))).rejects.toThrow(
      /downloaded as 2 entries \(2 files\), not one file/,
    );
  });

  it('a 404 of the internal download: the REST download with the run id and the token', async () => {
    const { client, calls } = fakeClient('404', { 'x.json': 'ok' });
    const said: string[] = [];
    const path = await downloadRunArtifact(client, artifact, mkdtempSync(join(tmpdir(), 'dl-')), rest, (m) =>
      said.push(m),
    );
    expect(await readFile(path, 'utf8')).toBe('ok');
    expect(calls).toEqual([
      'internal',
      { token: 'ghs_x', workflowRunId: 42, repositoryOwner: 'me', repositoryName: 'hello' },
    ]);
    expect(said.join('\n')).toContain('downloading it through the REST API (run 42, actions: read)');
  });

  it('a 404 without a token: says what the job needs', async () => {
    const { client } = fakeClient('404', {});
    expect(restDownloadOf({ GITHUB_REPOSITORY: 'me/hello', GITHUB_RUN_ID: '42' }, undefined)).toBeUndefined();
    await expect(downloadRunArtifact(client, artifact, mkdtempSync(join(tmpdir(), 'dl-')))).rejects.toThrow(
      /was not found by the artifact service .* permissions: actions: read/,
    );
  });
});
