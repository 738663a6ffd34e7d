// Plain data the stage tests share: a server's facts and built plugins.
import { writeFileSync, mkdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { TargetResult } from '../../src/build/execute';
import { parseTarget } from '../../src/build/targets';
import type { RunContext } from '../../src/context';
import { planReleases, sharedWork, type Release } from '../../src/release';
import type { ReleaseRecord, RunReport } from '../../src/report/record';
import { serverFacts, type ServerFacts } from '../../src/resolve/server';

export const SERVER_GO_MOD = `module github.com/flow/server/v2

go 1.22

toolchain go1.22.4

require (
	github.com/gin-gonic/gin v1.9.1
	golang.org/x/crypto v0.21.0
)
`;

export const server = serverFacts({
  repository: 'Flow/server',
  tag: 'v2.0.0',
  releaseUrl: 'https://github.com/Flow/server/releases/tag/v2.0.0',
  goVersionFile: '1.22.4\n',
  goMod: SERVER_GO_MOD,
});

/** A built plugin written to `outputDir` (its bytes are its name). */
export function built(outputDir: string, target: string, fileName = `hello-${target}.so`): TargetResult {
  mkdirSync(outputDir, { recursive: true });
  const path = join(outputDir, fileName);
  writeFileSync(path, fileName);
  return {
    target: parseTarget(target),
    image: `flow/build:1.22.4-${target}`,
    fileName,
    path,
    ok: true,
    durationMs: 1200,
    argv: ['run', '--rm', 'flow/build:1.22.4-' + target],
    output: '',
    size: fileName.length,
    sha256: createHash('sha256').update(fileName).digest('hex'),
  };
}

export function failed(target: string): TargetResult {
  return {
    target: parseTarget(target),
    image: `flow/build:1.22.4-${target}`,
    fileName: `hello-${target}.so`,
    path: `/nowhere/hello-${target}.so`,
    ok: false,
    durationMs: 900,
    argv: [],
    output: './main.go:3:1: syntax error',
    error: 'go build exited with code 1',
  };
}

/** The one release of a one-release run (working-directory itself, the run's shared work). */
export function releaseOf(ctx: Pick<RunContext, 'config' | 'env'>, facts: ServerFacts = server): Release {
  return planReleases(ctx, [facts], sharedWork(ctx))[0]!;
}

/** The report of a one-release run. */
export function oneRelease(
  release: ReleaseRecord,
  extra: Partial<Pick<RunReport, 'pluginName' | 'published'>> = {},
): RunReport {
  return { releases: [release], skipped: [], several: false, ...extra };
}
